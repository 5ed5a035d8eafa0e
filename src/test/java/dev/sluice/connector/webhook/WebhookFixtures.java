package dev.sluice.connector.webhook;

import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.Connectors;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/** Webhook destinations for tests. */
final class WebhookFixtures {
    static final String SECRET_TEXT = "whsec-0123456789abcdef-test";
    static final Secret SECRET = Secret.of(SECRET_TEXT, "test");
    static final Secrets SECRETS = Secrets.of(Map.of("HOOK_SECRET", SECRET_TEXT, "SHORT_SECRET", "tooshort"), Path.of(""));

    private WebhookFixtures() {
    }

    static Map<String, String> settings(String url) {
        Map<String, String> settings = new HashMap<>();
        settings.put("url", url);
        settings.put("secret", "env:HOOK_SECRET");
        settings.put("hashing-profile", "meta"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("warehouse", "webhook", settings), SECRETS, clock,
                "destinations.warehouse");
    }
}
