package dev.sluice.connector;

import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectorsTest {
    private static final Secrets NONE = Secrets.of(Map.of(), Path.of(""));

    @Test
    void registry_listsTheBuiltConnectors() {
        assertEquals(Set.of("ga4", "linkedin", "meta", "pinterest", "reddit", "snapchat", "tiktok", "webhook"), Connectors.types());
    }

    /** The commented destination examples in conf/application.yaml, uncommented, make working connectors. */
    @Test
    void theDemoConfigurationsCommentedExamples_areValidSettings(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> examples = java.nio.file.Files.readAllLines(Path.of("conf/application.yaml")).stream()
                .filter(line -> line.startsWith("        # - {id: "))
                .map(line -> "        " + line.substring("        # ".length()))
                .toList();
        assertEquals(6, examples.size(), "one example per platform besides Meta");
        Path config = java.nio.file.Files.writeString(dir.resolve("examples.yaml"), """
                sluice:
                  crypto: {generate-demo-key: true}
                  tenants:
                    - id: t
                      api-key-hashes: ["sha256:%s"]
                      destinations:
                """.formatted("ab".repeat(32)) + String.join("\n", examples) + "\n");
        Map<String, String> env = new java.util.HashMap<>();
        for (String name : List.of("SLUICE_TIKTOK_TOKEN", "SLUICE_PINTEREST_TOKEN", "SLUICE_REDDIT_TOKEN", "SLUICE_SNAP_TOKEN",
                "SLUICE_LINKEDIN_TOKEN", "SLUICE_GA4_SECRET")) {
            env.put(name, "example-token-value");
        }
        Secrets secrets = Secrets.of(env, dir);
        SluiceConfig loaded = SluiceConfig.load(ConfigLoader.load(config, Map.of()), secrets);
        List<String> types = new java.util.ArrayList<>();
        for (DestinationConfig destination : loaded.tenants().get("t").destinations()) {
            types.add(Connectors.create(destination, secrets).type());
        }
        assertEquals(List.of("tiktok", "pinterest", "reddit", "snapchat", "linkedin", "ga4"), types);
    }

    @Test
    void typeWithoutConnector_isRefusedNamingTheTypeKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Connectors.create(new DestinationConfig("msft", "microsoft", Map.of()), NONE));
        assertEquals("destinations.msft.type", e.key());
    }

    @Test
    void missingRequiredSetting_isNamedWithItsFullKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Connectors.create(new DestinationConfig("fb", "meta", Map.of("access-token", "env:X")), NONE));
        assertEquals("destinations.fb.settings.pixel-id", e.key());
    }

    @Test
    void defaultTransportError_isRetriedLater() {
        Connector any = new Connector() {
            public String type() { return "x"; }
            public int maxBatchSize() { return 1; }
            public Duration maxEventAge() { return Duration.ofDays(1); }
            public HttpRequestSpec prepare(java.util.List<OutboxItem> batch) { throw new UnsupportedOperationException(); }
            public DeliveryOutcome interpret(HttpResponseSpec r, java.util.List<OutboxItem> b) { throw new UnsupportedOperationException(); }
        };
        assertEquals(new DeliveryOutcome.RetryLater("transport: ConnectException", Optional.empty()),
                any.onTransportError(new java.net.ConnectException("refused")));
    }
}
