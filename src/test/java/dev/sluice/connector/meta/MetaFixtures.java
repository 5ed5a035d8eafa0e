package dev.sluice.connector.meta;

import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.Connectors;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/** Meta destinations for tests. */
final class MetaFixtures {
    static final String PIXEL_ID = "1234567890";
    /** Holds characters that must be percent-encoded in a query. */
    static final String TOKEN = "EAAGm0PX4ZCpsBA+tok/en=";
    static final Secrets SECRETS = Secrets.of(Map.of("META_TOKEN", TOKEN), Path.of(""));

    private MetaFixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pixel-id", PIXEL_ID);
        settings.put("access-token", "env:META_TOKEN");
        settings.put("base-url", baseUrl);
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("meta", "meta", settings), SECRETS, clock, "destinations.meta");
    }
}
