package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the web server answers before any route runs, and the body limits, over a raw socket so
 * that the exact status line, headers and framing are seen: every refusal is a problem body, a
 * body over a handler's limit gets that handler's answer (the server reads the rest and keeps the
 * connection), and only a body over the server-wide limit closes the connection.
 */
class TransportProblemsTest {
    private static final int SPEND_LIMIT = 16 * 1024 * 1024;
    /** The default {@code sluice.ingest.max-body-bytes}. */
    private static final int INGEST_LIMIT = 2 * 1024 * 1024;

    @TempDir
    Path dir;
    TestGateway sluice;

    @BeforeEach
    void start() {
        sluice = TestGateway.start(dir);
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    @Test
    void aDeclaredSpendBodyOverItsLimit_getsTheHandlersProblem_withoutSendingTheBody() throws IOException {
        try (Socket socket = connect()) {
            send(socket, post("/v1/spend", "text/csv", SPEND_LIMIT + 1));
            Answer answer = read(socket.getInputStream());
            assertEquals(413, answer.status());
            assertTrue(answer.head().contains("content-type: application/problem+json"), answer.head());
            assertTrue(answer.body().contains("urn:sluice:problem:body-too-large"), answer.body());
            assertTrue(answer.body().contains("a spend import is at most " + SPEND_LIMIT + " bytes"), answer.body());
        }
    }

    @Test
    void aBodyOverAHandlersLimit_isReadToItsEnd_andTheConnectionServesTheNextRequest() throws IOException {
        try (Socket socket = connect()) {
            byte[] body = new byte[SPEND_LIMIT + 1];
            Arrays.fill(body, (byte) 'x');
            send(socket, post("/v1/spend", "text/csv", body.length));
            socket.getOutputStream().write(body);
            Answer refused = read(socket.getInputStream());
            assertEquals(413, refused.status());
            assertTrue(refused.head().contains("connection: keep-alive"), refused.head());

            send(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, read(socket.getInputStream()).status(), "the same connection answers the next request");
        }
    }

    @Test
    void aChunkedBodyOverAHandlersLimit_getsTheHandlersProblem_andTheConnectionServesTheNextRequest() throws IOException {
        for (String[] endpoint : new String[][] {
                {"/v1/events", "application/json", Integer.toString(INGEST_LIMIT)},
                {"/v1/spend", "text/csv", Integer.toString(SPEND_LIMIT)}}) {
            try (Socket socket = connect()) {
                send(socket, "POST " + endpoint[0] + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + TestGateway.ACME_KEY + "\r\nContent-Type: " + endpoint[1] + "\r\nTransfer-Encoding: chunked\r\n\r\n");
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                OutputStream out = socket.getOutputStream();
                for (long sent = 0; sent <= Long.parseLong(endpoint[2]) + chunk.length; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Answer refused = read(socket.getInputStream());
                assertEquals(413, refused.status(), endpoint[0]);
                assertTrue(refused.body().contains("urn:sluice:problem:body-too-large"), refused.body());
                assertTrue(refused.head().contains("connection: keep-alive"), refused.head());

                send(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, read(socket.getInputStream()).status(), "the same connection answers the next request");
            }
        }
    }

    @Test
    void aBodyOverTheServersLimit_getsAProblemAndTheConnectionIsClosed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, post("/v1/events", "application/json", 4L * SPEND_LIMIT + 1));
            Answer answer = read(socket.getInputStream());
            assertEquals(413, answer.status());
            assertTrue(answer.head().contains("connection: close"), answer.head());
            assertTrue(answer.head().contains("content-type: application/problem+json"), answer.head());
            assertTrue(answer.body().contains("urn:sluice:problem:body-too-large"), answer.body());
            assertTrue(answer.body().contains("limit of " + 4L * SPEND_LIMIT + " bytes"), answer.body());
        }
    }

    @Test
    void anUnparsableRequest_getsAProblemThatDoesNotEchoIt() throws IOException {
        for (String request : new String[] {
                "NOT-HTTP secret-token-1\r\n\r\n",
                "GET /health/live HTTP/1.1\r\nHost: localhost\r\nAuthorization secret-token-1\r\n\r\n",
                "POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: secret-token-1\r\n\r\n",
                // A method that is not a token: 500 internal-error, with a logged stack trace, until session 40.
                "G@T /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "secret-token-1@example.com /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"}) {
            try (Socket socket = connect()) {
                send(socket, request);
                Answer answer = read(socket.getInputStream());
                assertEquals(400, answer.status(), request);
                assertTrue(answer.head().contains("content-type: application/problem+json"), answer.head());
                assertTrue(answer.body().contains("urn:sluice:problem:malformed-request"), answer.body());
                assertFalse(answer.body().contains("secret-token-1"), answer.body());
            }
        }
    }

    /**
     * A transfer coding other than chunked: Helidon answers 501, which the problem body called an
     * internal error until session 39; it is the request that cannot be read, a 400 naming it.
     */
    @Test
    void aTransferCodingOtherThanChunked_isA400NamingIt() throws IOException {
        for (String path : new String[] {"/health/live", "/v1/events"}) {
            try (Socket socket = connect()) {
                send(socket, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: foo, chunked\r\n\r\n");
                Answer answer = read(socket.getInputStream());
                assertEquals(400, answer.status(), path + ": " + answer.body());
                assertTrue(answer.body().contains("urn:sluice:problem:unsupported-transfer-encoding"), answer.body());
            }
        }
    }

    /**
     * A request line over {@code max-prologue-length} is answered 414 by the server itself; its
     * problem was the catch-all {@code transport-error} ("refused ... (bad_request)"), which
     * names neither the request line nor the setting.
     */
    @Test
    void aRequestLineOverTheLimit_isA414NamingIt() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /health/live?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Answer answer = read(socket.getInputStream());
            assertEquals(414, answer.status(), answer.body());
            assertTrue(answer.body().contains("urn:sluice:problem:uri-too-long"), answer.body());
            assertTrue(answer.body().contains("max-prologue-length"), answer.body());
            assertFalse(answer.body().contains("aaaa"), "never echoes the request: " + answer.body());
        }
    }

    /**
     * A request beyond {@code server.max-concurrent-requests} is answered 503 by the server
     * itself; its problem body called that an {@code internal-error} ("the server failed to
     * process the request") without a {@code Retry-After}, though nothing failed: the listener was
     * busy, and the same request succeeds once a slot is free.
     */
    @Test
    void aRequestBeyondTheConcurrentRequestLimit_isAServerBusyProblemWithRetryAfter() throws IOException {
        sluice.close();
        sluice = TestGateway.start(dir, java.time.InstantSource.system(), java.util.Map.of("server.max-concurrent-requests", "1"));
        try (Socket slow = connect(); Socket next = connect()) {
            // Holds the one slot: its body never arrives within this test.
            send(slow, post("/v1/events", "application/json", 100) + "{");
            Answer busy = null;
            for (int attempt = 0; attempt < 50 && busy == null; attempt++) {
                send(next, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Answer answer = read(next.getInputStream());
                if (answer.status() == 503) {
                    busy = answer;
                }
            }
            assertTrue(busy != null, "a second request while the first holds the only slot gets 503");
            assertTrue(busy.body().contains("urn:sluice:problem:server-busy"), busy.body());
            assertFalse(busy.body().contains("internal-error"), busy.body());
            assertTrue(busy.head().contains("retry-after: 1"), busy.head());
        }
    }

    /**
     * A request that asks for its connection to be closed ({@code Connection: close}, a token of
     * the header in any case) is answered and then the connection is closed: Helidon 4.5.0 said
     * {@code Connection: close} in the answer and kept the socket open until the idle timeout
     * (five minutes), so a client reading to the end waited that long (until session 42).
     */
    @Test
    void aRequestAskingToClose_isAnsweredAndTheConnectionIsClosed() throws IOException {
        String event = "{\"event_id\":\"close-1\",\"event_name\":\"Lead\",\"event_time\":"
                + java.time.Instant.now().getEpochSecond() + ",\"action_source\":\"website\","
                + "\"event_source_url\":\"https://a.example/\"}";
        String[][] requests = {
                {"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "200"},
                {"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive, Close\r\n\r\n", "200"},
                {"GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: CLOSE\r\n\r\n", "404"},
                {"POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2\r\nConnection: close\r\n\r\n{}", "401"},
                {post("/v1/events", "application/json", event.length()).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                        + event, "202"}};
        for (String[] request : requests) {
            try (Socket socket = connect()) {
                socket.setSoTimeout(20_000);
                send(socket, request[0]);
                Answer answer = read(socket.getInputStream());
                assertEquals(Integer.parseInt(request[1]), answer.status(), request[0] + answer.body());
                assertTrue(answer.head().contains("connection: close"), answer.head());
                assertEquals(-1, socket.getInputStream().read(), "closed after the answer: " + request[0]);
            }
        }
    }

    /**
     * A chunked body over ingest's limit whose request asks to close: the 413, then the end of the
     * connection. The server used to read the rest of the body as a new request and answer it a
     * second time (400 malformed-request) on a connection it had said it would close.
     */
    @Test
    void aChunkedBodyOverTheLimitAskingToClose_getsOneAnswerAndTheConnectionIsClosed() throws IOException {
        try (Socket socket = connect()) {
            socket.setSoTimeout(20_000);
            send(socket, "POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestGateway.ACME_KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent <= INGEST_LIMIT; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                chunk[0] = ' ';
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Answer refused = read(socket.getInputStream());
            assertEquals(413, refused.status(), refused.body());
            assertTrue(refused.head().contains("connection: close"), refused.head());
            assertEquals(-1, socket.getInputStream().read(), "nothing after the 413, and the connection closed");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(sluice.uri("/").getHost(), sluice.uri("/").getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String post(String path, String type, long length) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestGateway.ACME_KEY
                + "\r\nContent-Type: " + type + "\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One response: the head lower-cased, the body by its Content-Length. */
    private record Answer(int status, String head, String body) {
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of the head");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(text.substring(9, 12));
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return new Answer(status, text, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
}
