package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination with {@code dispatchers: 4} has several requests in flight at once and still
 * delivers every event exactly once: each dispatcher claims its own rows under its own lease.
 * The stand-in platform holds each request until a second one is in flight (or two seconds have
 * passed), so one dispatcher working alone would show as a maximum of one request in flight.
 */
final class ConcurrentDispatchersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    MockWebServer hook;
    TestGateway sluice;
    final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        hook.close();
    }

    @Test
    void fourDispatchersSendConcurrently_andDeliverEachEventOnce() throws Exception {
        hook = new MockWebServer();
        hook.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                int now = inFlight.incrementAndGet();
                mostInFlight.accumulateAndGet(now, Math::max);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (mostInFlight.get() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                try {
                    JsonNode body = JSON.readTree(request.getBody().toByteArray());
                    body.path("events").forEach(e ->
                            delivered.computeIfAbsent(e.path("event_id").asText(), k -> new AtomicInteger()).incrementAndGet());
                } catch (java.io.IOException e) {
                    return new MockResponse.Builder().code(400).build();
                } finally {
                    inFlight.decrementAndGet();
                }
                return new MockResponse.Builder().code(200).body("{}").build();
            }
        });
        hook.start();
        Path config = Files.writeString(dir.resolve("concurrent.yaml"), """
                server: {host: 127.0.0.1, port: 0}
                sluice:
                  store: {kind: sqlite}
                  crypto: {active-key: k1, keys: {k1: env:TEST_DATA_KEY}}
                  tenants:
                    - id: acme
                      api-key-hashes: ["sha256:95494c18b71960c764cfdd002ea26e2e1ef466e32311c871bf8d77320987f19f"]
                      destinations:
                        - {id: hook, type: webhook, settings: {url: "%s", secret: env:TEST_WEBHOOK_SECRET, max-batch-size: "5", dispatchers: "4", poll-interval: 20ms}}
                """.formatted(hook.url("/hook")));
        sluice = TestGateway.start(config, dir.resolve("data"), InstantSource.system(), Map.of());
        assertEquals(4, sluice.gateway().deliveryDispatchers(), "four dispatchers for the one destination");

        List<String> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(Events.purchase("c-" + i));
        }
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.batch(events.toArray(String[]::new))).statusCode());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.size() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(200, delivered.size(), "every event delivered");
        delivered.forEach((id, n) -> assertEquals(1, n.get(), id + " delivered once"));
        assertTrue(mostInFlight.get() >= 2, "requests were in flight at once: " + mostInFlight.get());
    }
}
