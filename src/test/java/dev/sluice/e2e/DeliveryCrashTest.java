package dev.sluice.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import dev.sluice.testing.Events;
import dev.sluice.testing.ChildGateway;
import dev.sluice.testing.TestGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 2 for delivery (issue 4, "Faults"): the gateway runs in a child JVM that delivers to
 * a slow fake Meta and webhook while clients post; it is killed with SIGKILL while batches are in
 * flight and started again on the same data directory. Afterwards every event that was answered
 * {@code accepted} has reached each platform at least once, and every delivered item carried its
 * {@code event_id}, so any repeat (a batch in flight at the kill) is one the platform deduplicates.
 * The restart delivers at once: claims of the killed process do not wait out their lease.
 */
final class DeliveryCrashTest {

    @TempDir
    Path dir;

    @Test
    void killDashNineDuringDelivery_afterRestartEveryAcceptedEventArrivesAtLeastOnceWithItsEventId() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (FakePlatforms platforms = new FakePlatforms()) {
            platforms.delayMillis = 100; // keeps batches in flight when the kill comes
            Process first = startChild(platforms, ChildGateway.freePort(), "first.log");
            try {
                int port = awaitReady(first);
                AtomicBoolean stop = new AtomicBoolean();
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int t = 0; t < 8; t++) {
                        int thread = t;
                        clients.submit(() -> post(client, port, thread, stop, acknowledged));
                    }
                    DeliveryFaultTest.await(() -> acknowledged.size() >= 300
                            && platforms.ok.get(FakePlatforms.META).get() >= 3 && platforms.ok.get(FakePlatforms.HOOK).get() >= 3);
                    first.destroyForcibly();   // SIGKILL: no shutdown hook, nothing released
                    first.waitFor(10, TimeUnit.SECONDS);
                    stop.set(true);
                }
            } finally {
                first.destroyForcibly();
            }
            assertThat("some accepted events were still undelivered at the kill",
                    platforms.accepted(FakePlatforms.META).keySet().containsAll(acknowledged), is(false));

            platforms.delayMillis = 0;
            Process second = startChild(platforms, ChildGateway.freePort(), "second.log");
            try {
                awaitReady(second);
                // Well inside the 2-minute lease the killed process held on its last batches.
                DeliveryFaultTest.await(() -> platforms.accepted(FakePlatforms.META).keySet().containsAll(acknowledged)
                        && platforms.accepted(FakePlatforms.HOOK).keySet().containsAll(acknowledged));
            } finally {
                second.destroy();
                second.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(platforms.withoutEventId.get(), is(0));
            for (String destination : List.of(FakePlatforms.META, FakePlatforms.HOOK)) {
                List<String> unknown = platforms.accepted(destination).keySet().stream()
                        .filter(id -> !id.startsWith("kill-")).toList();
                assertThat(destination + ": only posted events, each by its id", unknown, is(empty()));
            }
        }
        assertThat(acknowledged.size(), greaterThanOrEqualTo(300));
    }

    private static void post(HttpClient client, int port, int thread, AtomicBoolean stop, Set<String> acknowledged) {
        for (int n = 0; !stop.get(); n++) {
            String id = "kill-" + thread + "-" + n;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Events.purchase(id))).build();
            try {
                HttpResponse<String> res = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 202 && res.body().contains("\"accepted\",")) {
                    acknowledged.add(id);
                }
            } catch (IOException e) {
                return;   // the server is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final Map<Process, Integer> ports = new ConcurrentHashMap<>();

    private Process startChild(FakePlatforms platforms, int port, String log) throws IOException {
        Process process = ChildGateway.start(List.of("-Xmx256m"), port, dir.resolve("data"), dir.resolve(log), Map.of(
                "SLUICE_DELIVERY_ENABLED", "true",
                "SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_BASE_dash_URL", platforms.metaBase(),
                "SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_POLL_dash_INTERVAL", "20ms",
                "SLUICE_TENANTS_0_DESTINATIONS_2_SETTINGS_URL", platforms.hookUrl(),
                "SLUICE_TENANTS_0_DESTINATIONS_2_SETTINGS_POLL_dash_INTERVAL", "20ms",
                "SLUICE_TENANTS_0_DESTINATIONS_2_SETTINGS_MAX_dash_BATCH_dash_SIZE", "20"));
        ports.put(process, port);
        return process;
    }

    private int awaitReady(Process server) throws Exception {
        int port = ports.get(server);
        ChildGateway.awaitReady(port, server);
        return port;
    }
}
