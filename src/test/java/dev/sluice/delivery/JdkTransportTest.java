package dev.sluice.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport reads at most {@link JdkTransport#MAX_RESPONSE_BYTES} of an answer and ends the
 * whole exchange, body included, at the send's timeout: a destination answering a large body ran
 * the 64 MiB heap out (and again after every restart, its batch still due), one dripping its body
 * held the dispatcher forever (until session 34).
 */
class JdkTransportTest {
    private MockWebServer server;
    private JdkTransport transport;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        transport = new JdkTransport(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        transport.close();
        server.close();
    }

    @Test
    void aSmallAnswerIsReadWhole() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"events_received\":1}").build());
        HttpResponseSpec answer = transport.send(post(), Duration.ofSeconds(5));
        assertEquals(200, answer.status());
        assertArrayEquals("{\"events_received\":1}".getBytes(StandardCharsets.UTF_8), answer.body());
    }

    @Test
    void aLargeAnswerIsReadOnlyToTheLimit() throws Exception {
        Buffer large = new Buffer();
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 48; i++) {
            large.write(chunk); // 3 MiB
        }
        server.enqueue(new MockResponse.Builder().code(500).body(large).build());
        HttpResponseSpec answer = transport.send(post(), Duration.ofSeconds(10));
        assertEquals(500, answer.status());
        assertEquals(JdkTransport.MAX_RESPONSE_BYTES, answer.body().length);
    }

    @Test
    void aBodyStillArrivingAtTheTimeoutEndsTheExchange() {
        // Headers at once, then 10 bytes every 100 ms: 100 KB would take 1,000 s.
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(new byte[100_000]))
                .throttleBody(10, 100, TimeUnit.MILLISECONDS).build());
        long started = System.nanoTime();
        assertThrows(HttpTimeoutException.class, () -> transport.send(post(), Duration.ofMillis(500)));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < 5_000, "took " + tookMillis + " ms");
    }

    private HttpRequestSpec post() {
        return new HttpRequestSpec("POST", server.url("/events").uri(), Map.of("Content-Type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8));
    }
}
