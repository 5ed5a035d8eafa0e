package dev.sluice.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.store.DeliveryStore;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery under faults, through the real gateway (issue 4, "Faults"): a platform that is down
 * for a while and comes back, a poison event inside a batch of 1000, and a server that fails to
 * start after delivery has started. The {@code kill -9} case is {@link DeliveryCrashTest}.
 */
final class DeliveryFaultTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakePlatforms platforms;
    TestGateway sluice;

    @BeforeEach
    void startPlatforms() throws Exception {
        platforms = new FakePlatforms();
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        platforms.close();
    }

    private Map<String, String> deliveringTo(FakePlatforms p, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of(
                "sluice.delivery.enabled", "true",
                "sluice.tenants.0.destinations.0.settings.base-url", p.metaBase(),
                "sluice.tenants.0.destinations.0.settings.poll-interval", "20ms",
                "sluice.tenants.0.destinations.2.settings.url", p.hookUrl(),
                "sluice.tenants.0.destinations.2.settings.poll-interval", "20ms"));
        config.putAll(extra);
        return config;
    }

    @Test
    void platformDownThenBack_everyEventArrivesExactlyOncePerDestination_backoffAndCircuitBoundTheRequests() throws Exception {
        Map<String, String> fast = new HashMap<>();
        for (int d : new int[]{0, 2}) {
            String key = "sluice.tenants.0.destinations." + d + ".settings.";
            fast.put(key + "retry-initial-backoff", "100ms");
            fast.put(key + "retry-max-backoff", "400ms");
            fast.put(key + "circuit-open-duration", "1s");
        }
        sluice = TestGateway.start(dir, InstantSource.system(), deliveringTo(platforms, fast));
        platforms.down.set(true);

        List<String> ids = IntStream.range(0, 200).mapToObj(i -> "down-" + i).toList();
        for (int from = 0; from < ids.size(); from += 40) {
            HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY,
                    Events.batch(ids.subList(from, from + 40).stream().map(Events::purchase).toArray(String[]::new)));
            assertEquals(202, res.statusCode(), res.body());
        }
        long downSince = System.nanoTime();
        await(() -> platforms.failed.get(FakePlatforms.META).get() >= 5 && platforms.failed.get(FakePlatforms.HOOK).get() >= 5);
        Thread.sleep(Math.max(0, 1500 - (System.nanoTime() - downSince) / 1_000_000));
        platforms.down.set(false);

        await(() -> platforms.accepted(FakePlatforms.META).size() == ids.size()
                && platforms.accepted(FakePlatforms.HOOK).size() == ids.size());
        for (String destination : List.of(FakePlatforms.META, FakePlatforms.HOOK)) {
            Map<String, AtomicInteger> got = platforms.accepted(destination);
            assertThat(destination + ": every event, none twice", got.keySet(), is(new java.util.HashSet<>(ids)));
            assertThat(got.values().stream().map(AtomicInteger::get).toList(), everyItem(is(1)));
            // Polling every 20 ms for ~1.5 s would be ~75 requests; backoff with jitter and the
            // circuit breaker (open after 5 failures, one trial per second) keep it to a handful.
            assertThat(destination + " failed requests", platforms.failed.get(destination).get(),
                    allOf(greaterThanOrEqualTo(5), lessThanOrEqualTo(15)));
        }
        assertEquals(0, deadLetters().size());
    }

    @Test
    void poisonEventInABatchOf1000_isolatedInLogarithmicRequests_the999OthersDelivered() throws Exception {
        sluice = TestGateway.start(dir, InstantSource.system(), deliveringTo(platforms, Map.of()));
        platforms.poisonId = "ev-617";
        String[] events = IntStream.range(0, 1000).mapToObj(i -> Events.purchase("ev-" + i)).toArray(String[]::new);

        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, Events.batch(events));
        assertEquals(202, res.statusCode(), res.body());

        await(() -> platforms.accepted(FakePlatforms.META).size() == 999 && deadLetters().size() == 1);
        assertThat(platforms.accepted(FakePlatforms.META).values().stream().map(AtomicInteger::get).toList(), everyItem(is(1)));
        assertThat(platforms.accepted(FakePlatforms.META).containsKey("ev-617"), is(false));
        // One request for the whole batch, then two per level of the split: ceil(log2 1000) = 10.
        assertThat(platforms.requests(FakePlatforms.META), allOf(greaterThanOrEqualTo(11), lessThanOrEqualTo(21)));
        JsonNode dead = deadLetters().get(0);
        assertEquals("ev-617", dead.path("event_id").asText());
        assertEquals("100/2804003", dead.path("platform_code").asText());
        await(() -> platforms.accepted(FakePlatforms.HOOK).size() == 1000);
    }

    @Test
    void serverFailsToStartAfterDeliveryStarted_deliveryIsStoppedToo() throws Exception {
        sluice = TestGateway.start(dir);
        String[] events = IntStream.range(0, 20).mapToObj(i -> Events.purchase("start-" + i)).toArray(String[]::new);
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.batch(events)).statusCode());
        sluice.close();
        sluice = null;
        platforms.delayMillis = 100;

        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> config = deliveringTo(platforms, Map.of(
                    "server.port", Integer.toString(taken.getLocalPort()),
                    "sluice.tenants.0.destinations.2.settings.max-batch-size", "1"));
            assertThrows(RuntimeException.class, () -> TestGateway.start(dir, InstantSource.system(), config));
            int atFailure = platforms.requests(FakePlatforms.HOOK);
            Thread.sleep(1000);
            // A dispatcher left running would send one row per 100 ms; a stopped one nothing more.
            assertThat(platforms.requests(FakePlatforms.HOOK), lessThanOrEqualTo(atFailure + 1));
        }
        sluice = TestGateway.start(dir);
        long pending = sluice.gateway().store().delivery().backlog("acme").stream()
                .filter(b -> b.destinationId().equals("warehouse")).mapToLong(DeliveryStore.Backlog::pending).sum();
        assertThat(pending, greaterThanOrEqualTo(18L));
    }

    private JsonNode deadLetters() {
        HttpResponse<String> res = sluice.send(java.net.http.HttpRequest.newBuilder(sluice.uri("/v1/admin/dead-letters"))
                .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY).GET().build());
        try {
            return JSON.readTree(res.body()).path("dead_letters");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
