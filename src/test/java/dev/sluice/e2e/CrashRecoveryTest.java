package dev.sluice.e2e;

import dev.sluice.store.OutboxRow;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import dev.sluice.testing.ChildGateway;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 2 (design.md): the server runs in a child JVM, many clients post concurrently, the
 * process is killed with SIGKILL mid-stream, and afterwards every event that was answered
 * {@code accepted} is in the store exactly once, with all of its outbox rows (nothing half-written).
 */
class CrashRecoveryTest {
    private static final int DESTINATIONS = 3;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEventSurvivesKillDashNine() throws Exception {
        int port = ChildGateway.freePort();
        Process server = ChildGateway.start(List.of("-Xmx256m"), port, dir, dir.resolve("server.log"), Map.of());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            ChildGateway.awaitReady(port, server);
            AtomicBoolean stop = new AtomicBoolean();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 16; t++) {
                    int thread = t;
                    clients.submit(() -> post(client, port, thread, stop, acknowledged));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (acknowledged.size() < 600 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                server.destroyForcibly();   // SIGKILL: no shutdown hook, no drain
                server.waitFor(10, TimeUnit.SECONDS);
                stop.set(true);
            }
        } finally {
            server.destroyForcibly();
        }
        assertTrue(acknowledged.size() >= 100, "load reached the server before the kill: " + acknowledged.size());

        // Restarted on the same data directory (the test opened the file itself until session 42):
        // it serves, and what it acknowledged before the kill is known to it (answered duplicate).
        int again = ChildGateway.freePort();
        Process restarted = ChildGateway.start(List.of("-Xmx256m"), again, dir, dir.resolve("restart.log"), Map.of());
        try {
            ChildGateway.awaitReady(again, restarted);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (String id : acknowledged.stream().sorted().limit(50).toList()) {
                assertTrue(send(client, again, id).body().contains("\"duplicate\""), "acknowledged " + id + " is a duplicate after the restart");
            }
            HttpResponse<String> fresh = send(client, again, "after-restart");
            assertEquals(202, fresh.statusCode(), fresh.body());
            assertTrue(fresh.body().contains("\"accepted\""), fresh.body());
        } finally {
            restarted.destroy();
            restarted.waitFor(20, TimeUnit.SECONDS);
            restarted.destroyForcibly();
        }
        acknowledged.add("after-restart");

        try (Store store = Stores.open(new StoreConfig("sqlite", dir.resolve("sluice.db"), "", "", Optional.empty(), 1))) {
            List<OutboxRow> rows = store.outbox("acme", Integer.MAX_VALUE);
            Map<String, Long> rowsPerEvent = rows.stream().collect(Collectors.groupingBy(OutboxRow::eventId, Collectors.counting()));
            for (String id : acknowledged) {
                assertEquals(Long.valueOf(DESTINATIONS), rowsPerEvent.get(id), "acknowledged event " + id + " is stored whole");
            }
            rowsPerEvent.forEach((id, count) -> assertEquals(DESTINATIONS, count, "event " + id + " is not half-written"));
            assertEquals(rowsPerEvent.size(), store.countEvents("acme"), "each event row has its outbox rows");
        }
    }

    private static HttpResponse<String> send(HttpClient client, int port, String id) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase(id))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void post(HttpClient client, int port, int thread, AtomicBoolean stop, Set<String> acknowledged) {
        for (int n = 0; !stop.get(); n++) {
            String id = "crash-" + thread + "-" + n;
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
}
