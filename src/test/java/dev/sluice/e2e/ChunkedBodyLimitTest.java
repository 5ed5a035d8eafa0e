package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunked body is read in two steps (its first 128 KiB, then, once admitted, the rest): a
 * body limit below that first step still holds, and bodies on either side of the step are read
 * whole (docs/ingest.md, Chunked bodies).
 */
class ChunkedBodyLimitTest {
    @TempDir
    Path dir;
    TestGateway sluice;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        sluice.close();
    }

    @Test
    void aLimitBelowTheFirstStepHolds() throws Exception {
        sluice = TestGateway.start(dir, InstantSource.system(), Map.of("sluice.ingest.max-body-bytes", "4096"));
        String small = Events.purchase("small");
        assertEquals(202, postChunked(small).statusCode());
        String[] events = new String[20];
        for (int i = 0; i < events.length; i++) {
            events[i] = Events.purchase("over-" + i);
        }
        HttpResponse<String> over = postChunked(Events.batch(events));
        assertEquals(413, over.statusCode(), over.body());
        assertEquals(1, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void bodiesOnEitherSideOfTheFirstStepAreReadWhole() throws Exception {
        sluice = TestGateway.start(dir, InstantSource.system(), Map.of());
        for (int count : new int[] {40, 400}) {
            String[] events = new String[count];
            for (int i = 0; i < count; i++) {
                events[i] = Events.purchase("batch-" + count + "-" + i);
            }
            String body = Events.batch(events);
            HttpResponse<String> res = postChunked(body);
            assertEquals(202, res.statusCode(), res.body());
            assertTrue(res.body().contains("\"accepted\":" + count), res.body());
        }
        assertEquals(440, sluice.gateway().store().countEvents("acme"));
    }

    private HttpResponse<String> postChunked(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return client.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
