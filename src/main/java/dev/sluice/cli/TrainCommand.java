package dev.sluice.cli;

import dev.sluice.Gateway;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import io.helidon.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code sluice aot-train}: the training run behind the JDK's ahead-of-time cache (JEP 483/514).
 * The build runs it once under {@code -XX:AOTCacheOutput=target/sluice.aot} (profile {@code aot},
 * JDK 25 or newer); the JVM then records the classes this run loaded and linked, and the methods
 * it profiled, and {@code conf/jvm.options} points later starts at the cache, which roughly
 * halves the time from {@code java} to ready (docs/benchmarks.md).
 *
 * <p>The run starts the gateway exactly as {@code serve} does, on the given configuration but in
 * a throw-away data directory on an ephemeral loopback port with delivery off, then exercises
 * what a first minute of production does: health and readiness, single events, batches, a
 * rejected event and a duplicate, metrics. It uses the demo tenant's key, so it needs the demo
 * configuration (the default {@code conf/application.yaml}). It writes nothing outside its
 * temporary directory, which it deletes.
 */
@Command(name = "aot-train", hidden = true,
        description = "Exercise a throw-away gateway so the JVM can write its ahead-of-time cache (used by the build).")
public final class TrainCommand implements Callable<Integer> {

    /** The demo tenant's documented ingest key (loopback only; see README). */
    private static final String DEMO_KEY = "slk_demo_local_only";

    @Option(names = {"-c", "--config"}, description = "Configuration file (default: conf/application.yaml).")
    Path config = Path.of("conf/application.yaml");

    @Option(names = "--events", description = "Single events to post (default: ${DEFAULT-VALUE}).")
    int events = 400;

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("sluice-aot-train");
        try {
            Config root = ConfigLoader.load(config, Map.of(
                    "server.host", "127.0.0.1",
                    "server.port", "0",
                    "sluice.data-dir", data.toString(),
                    "sluice.delivery.enabled", "false"));
            SluiceConfig sluice = SluiceConfig.load(root, Secrets.system());
            try (Gateway gateway = Gateway.start(root, sluice, InstantSource.system())) {
                exercise(URI.create("http://127.0.0.1:" + gateway.port()));
            }
            return 0;
        } finally {
            deleteTree(data);
        }
    }

    private void exercise(URI base) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            expect(http, get(base, "/health/live"), 200);
            expect(http, get(base, "/health/ready"), 200);
            long now = Instant.now().getEpochSecond();
            for (int i = 0; i < events; i++) {
                expect(http, post(base, event(i, now)), 202);
            }
            for (int b = 0; b < 20; b++) {
                StringBuilder batch = new StringBuilder("{\"events\":[");
                for (int i = 0; i < 50; i++) {
                    batch.append(i == 0 ? "" : ",").append(event(100_000 + b * 50 + i, now));
                }
                expect(http, post(base, batch.append("]}").toString()), 202);
            }
            expect(http, post(base, event(0, now)), 202);                      // a duplicate
            expect(http, post(base, "{\"event_name\":\"Purchase\"}"), 422);   // a rejected event
            expect(http, get(base, "/metrics"), 200);
        }
    }

    /** An event shaped like the load test's (src/load/events.lua), with a fresh id. */
    private static String event(int i, long now) {
        return """
                {"event_id":"train-%d","event_name":"Purchase","event_time":%d,"action_source":"website",\
                "event_source_url":"https://shop.example/checkout",\
                "user":{"email":"shopper%d@example.com","phone":"+1 650 555 %04d","first_name":"Jane","last_name":"Doe",\
                "city":"Menlo Park","state":"CA","zip":"94025","country":"US","external_id":"cust-%d",\
                "client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (X11; Linux x86_64)",\
                "click_ids":{"fbp":"fb.1.1596403881668.1116446470","gclid":"Cj0KCQiA-train"}},\
                "custom":{"value":"129.90","currency":"EUR","order_id":"o-%d","content_ids":["sku-1"],"num_items":1},\
                "attribution":{"utm_source":"facebook","utm_campaign":"train"},\
                "consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}"""
                .formatted(i, now, i, i % 10_000, i, i);
    }

    private static HttpRequest get(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).GET().build();
    }

    private static HttpRequest post(URI base, String body) {
        return HttpRequest.newBuilder(base.resolve("/v1/events"))
                .header("Authorization", "Bearer " + DEMO_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static void expect(HttpClient http, HttpRequest request, int status) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != status) {
            throw new IllegalStateException("training request " + request.method() + " " + request.uri().getPath()
                    + " answered " + response.statusCode() + ", expected " + status
                    + " (the training run needs the demo configuration)");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
