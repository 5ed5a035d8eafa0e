package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that declares a large body, sends part of it and stalls, connection open. Its request
 * takes the whole in-flight budget (the body is larger than the budget) before the body is read;
 * until session 33 it kept it, and every other request of every tenant waited, for as long as
 * the client stayed connected. The body read's deadline ends it (docs/ingest.md, A stalled upload).
 */
class StalledUploadTest {
    private static final String SPEND_HEADER = "date,platform,campaign_id,campaign_name,spend,currency,clicks,impressions\n";

    @TempDir
    Path dir;
    TestGateway sluice;

    @BeforeEach
    void start() {
        sluice = TestGateway.start(dir, InstantSource.system(), Map.of(
                "sluice.ingest.body-read-timeout", "700ms",
                "sluice.ingest.max-in-flight-bytes", "65536"));
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    @Test
    void aStalledUploadIsCutOffAtTheDeadline_andTheRequestsBehindItGoThrough() throws Exception {
        try (Socket stalled = stall("/v1/events", "application/json", 200_000, "{\"events\":[")) {

            // Behind the stalled upload, which holds the whole budget: answered once it is cut off.
            long started = System.nanoTime();
            CompletableFuture<HttpResponse<String>> behind = CompletableFuture.supplyAsync(() -> {
                try {
                    return sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("behind-the-stall"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            HttpResponse<String> answer = behind.get(20, TimeUnit.SECONDS);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(202, answer.statusCode(), answer.body());
            assertTrue(waitedMillis < 10_000, "waited " + waitedMillis + " ms");

            assertCutOff(stalled);
        }
        assertEquals(1, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void aStalledSpendUploadGivesUpTheImportSlotAtTheDeadline() throws Exception {
        try (Socket stalled = stall("/v1/spend", "text/csv", 1_000_000, SPEND_HEADER)) {

            // Imports run one at a time: this one waits for the stalled one, which is cut off.
            long started = System.nanoTime();
            HttpResponse<String> imported = importSpend(SPEND_HEADER + "2026-11-02,meta,c1,BF,40.00,EUR,100,10000\n");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(200, imported.statusCode(), imported.body());
            assertTrue(waitedMillis < 10_000, "waited " + waitedMillis + " ms");

            assertCutOff(stalled);
        }
    }

    @Test
    void anImportThatCannotStartWithinTheImportWaitGets503() throws Exception {
        sluice.close();
        sluice = TestGateway.start(dir.resolve("short-wait"), InstantSource.system(), Map.of(
                "sluice.ingest.body-read-timeout", "3s",
                "sluice.ledger.import-wait", "200ms"));
        String csv = SPEND_HEADER + "2026-11-02,meta,c1,BF,40.00,EUR,100,10000\n";
        try (Socket stalled = stall("/v1/spend", "text/csv", 1_000_000, SPEND_HEADER)) {
            long started = System.nanoTime();
            HttpResponse<String> busy = importSpend(csv);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertEquals(503, busy.statusCode(), busy.body());
            assertTrue(busy.body().contains("problem:import-busy"), busy.body());
            assertEquals("10", busy.headers().firstValue("Retry-After").orElse(null));
            assertTrue(waitedMillis < 2_500, "waited " + waitedMillis + " ms, not the import wait");

            assertCutOff(stalled);
        }
        // The slot is free once the stalled upload is cut off.
        assertEquals(200, importSpend(csv).statusCode());
    }

    @Test
    void aBodyThatEndsBeforeItsDeclaredLengthGets400() throws Exception {
        assertCutShortGets400("/v1/events", "application/json", TestGateway.ACME_KEY, Events.purchase("cut-short"));
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("after")).statusCode());
    }

    @Test
    void aSpendBodyThatEndsBeforeItsDeclaredLengthGets400_andNothingIsImported() throws Exception {
        String rows = SPEND_HEADER + "2026-11-02,meta,c1,BF,40.00,EUR,100,10000\n";
        assertCutShortGets400("/v1/spend", "text/csv", TestGateway.ACME_KEY, rows);
        HttpResponse<String> report = sluice.send(java.net.http.HttpRequest.newBuilder(
                        sluice.uri("/v1/reports/kpis?from=2026-11-01&to=2026-11-30"))
                .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY).GET().build());
        assertEquals(200, report.statusCode(), report.body());
        assertTrue(!report.body().contains("\"meta\""), "the cut-short import booked spend: " + report.body());
        assertEquals(200, importSpend(rows).statusCode());
    }

    /**
     * A JSON spend import cut short after a member beside {@code rows} (refused before the body
     * ended) got 500 until session 39: the parser closed the body's stream, and Helidon's close
     * failed outside the reads that tell a cut-short body.
     */
    @Test
    void aJsonSpendBodyCutShortAfterAMemberItDoesNotTakeGets400() throws Exception {
        assertCutShortGets400("/v1/spend", "application/json", TestGateway.ACME_KEY, "{\"x\":[");
        assertCutShortGets400("/v1/spend", "application/json", TestGateway.ACME_KEY, "{\"rows\":[],\"x\":[");
        assertCutShortGets400("/v1/spend", "application/json", TestGateway.ACME_KEY, "{\"x\":\"abc");
    }

    @Test
    void adminAndPrivacyBodiesCutShortGet400() throws Exception {
        // Before session 34 both were answered 500 with an unhandled_error line.
        assertCutShortGets400("/v1/admin/dead-letters/replay", "application/json", TestGateway.ACME_ADMIN_KEY, "{\"ids\":[1,");
        assertCutShortGets400("/v1/privacy/erasure", "application/json", TestGateway.ACME_ADMIN_KEY, "{\"email\":\"a@");
    }

    @Test
    void aStalledErasureRequestIsCutOffAtTheDeadline() throws Exception {
        try (Socket stalled = stall("/v1/privacy/erasure", "application/json", 2_000, "{\"email\":", TestGateway.ACME_ADMIN_KEY)) {
            assertCutOff(stalled);
        }
    }

    @Test
    void aReplayBodyOverItsLimitGets413() {
        String ids = "{\"ids\":[" + "1,".repeat(140_000) + "1]}";
        HttpResponse<String> answer = sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/v1/admin/dead-letters/replay"))
                .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(ids)).build());
        assertEquals(413, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("problem:body-too-large"), answer.body());
    }

    /** Sends {@code body} under a Content-Length 500 bytes longer, closes its side, and expects 400 incomplete-body. */
    private void assertCutShortGets400(String path, String type, String key, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", sluice.gateway().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: sluice\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: " + type + "\r\nContent-Length: " + (body.length() + 500) + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            socket.setSoTimeout(10_000);
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400"), path + ": " + answer);
            assertTrue(answer.contains("incomplete-body"), path + ": " + answer);
        }
    }

    private HttpResponse<String> importSpend(String csv) {
        return sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/v1/spend"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                .header("Content-Type", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv)).build());
    }

    /** A request that declares {@code length} bytes of body, sends {@code start} of it and stalls. */
    private Socket stall(String path, String type, int length, String start) throws Exception {
        return stall(path, type, length, start, TestGateway.ACME_KEY);
    }

    private Socket stall(String path, String type, int length, String start, String key) throws Exception {
        Socket socket = new Socket("127.0.0.1", sluice.gateway().port());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: sluice\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: " + type + "\r\nContent-Length: " + length + "\r\n\r\n" + start)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200);
        return socket;
    }

    /** The stalled connection was closed; if the answer got out first, it is the 408. */
    private static void assertCutOff(Socket stalled) throws IOException {
        stalled.setSoTimeout(10_000);
        String rest = readAll(stalled.getInputStream());
        assertTrue(rest.isEmpty() || rest.startsWith("HTTP/1.1 408"), rest);
    }

    private static String readAll(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open: " + text, e);
        } catch (IOException reset) {
            // Closed by the server: what was read is the answer.
        }
        return text.toString();
    }
}
