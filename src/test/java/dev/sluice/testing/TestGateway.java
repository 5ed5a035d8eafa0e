package dev.sluice.testing;

import dev.sluice.Gateway;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import io.helidon.config.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The real gateway on a free port, over SQLite in a temporary directory, configured from
 * {@code src/test/resources/test-application.yaml}. Tenant {@code acme} uses key
 * {@link #ACME_KEY}; tenant {@code globex} uses {@link #GLOBEX_KEY} and signs with
 * {@link #GLOBEX_SECRET}.
 */
public final class TestGateway implements AutoCloseable {
    public static final String ACME_KEY = "slk_test_acme";
    public static final String GLOBEX_KEY = "slk_test_globex";
    public static final String ACME_ADMIN_KEY = "slk_test_acme_admin";
    public static final String GLOBEX_ADMIN_KEY = "slk_test_globex_admin";
    public static final String GLOBEX_SECRET = "globex-signing-secret";
    public static final String DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    public static final String META_TOKEN = "test-meta-access-token";
    public static final String TIKTOK_TOKEN = "test-tiktok-access-token";
    public static final String WEBHOOK_SECRET = "test-webhook-secret-0123456789";

    private final Gateway gateway;
    private final Path dataDir;
    private final HttpClient client = HttpClient.newHttpClient();

    private TestGateway(Gateway gateway, Path dataDir) {
        this.gateway = gateway;
        this.dataDir = dataDir;
    }

    /** Starts a gateway whose data lives in {@code dataDir}, with extra config overrides. */
    public static TestGateway start(Path dataDir, InstantSource clock, Map<String, String> overrides) {
        return start(Path.of("src/test/resources/test-application.yaml"), dataDir, clock, overrides);
    }

    /** As {@link #start(Path, InstantSource, Map)}, from another configuration file (the same secrets). */
    public static TestGateway start(Path configFile, Path dataDir, InstantSource clock, Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("sluice.data-dir", dataDir.toString());
        Config root = ConfigLoader.load(configFile, all);
        Secrets secrets = Secrets.of(Map.of("TEST_DATA_KEY", DATA_KEY, "GLOBEX_SIGNING_SECRET", GLOBEX_SECRET,
                "TEST_META_TOKEN", META_TOKEN, "TEST_TIKTOK_TOKEN", TIKTOK_TOKEN, "TEST_WEBHOOK_SECRET", WEBHOOK_SECRET),
                dataDir);
        SluiceConfig config = SluiceConfig.load(root, secrets);
        return new TestGateway(Gateway.start(root, config, secrets, clock), dataDir);
    }

    public static TestGateway start(Path dataDir) {
        return start(dataDir, InstantSource.system(), Map.of());
    }

    public Gateway gateway() {
        return gateway;
    }

    public Path dataDir() {
        return dataDir;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** POSTs a JSON body to /v1/events with the given API key. */
    public HttpResponse<String> postEvents(String apiKey, String json) {
        return send(HttpRequest.newBuilder(uri("/v1/events"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
