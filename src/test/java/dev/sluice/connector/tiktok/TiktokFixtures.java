package dev.sluice.connector.tiktok;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.Connectors;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TikTok destinations and payloads for tests. {@code connector/tiktok-purchase-v1.json} is
 * design.md's example event as the privacy stage writes it for the TIKTOK profile (pinned by
 * {@code TiktokConnectorTest.fixture_isWhatThePrivacyStageWritesForTiktok}), with a ttclid.
 */
final class TiktokFixtures {
    static final String PIXEL_CODE = "C9TESTPIXELCODE01234";
    static final String TOKEN = "tt-8f14e45fceea167a5a36dedd4bea2543";
    static final Secrets SECRETS = Secrets.of(Map.of("TIKTOK_TOKEN", TOKEN, "TOKEN_WITH_SPACE", "abc def"), Path.of(""));

    private static final ObjectMapper JSON = new ObjectMapper();

    private TiktokFixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pixel-code", PIXEL_CODE);
        settings.put("access-token", "env:TIKTOK_TOKEN");
        settings.put("base-url", baseUrl);
        settings.put("hashing-profile", "tiktok"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("tiktok", "tiktok", settings), SECRETS, clock, "destinations.tiktok");
    }

    /** A fresh copy of the TIKTOK-profile example payload. */
    static ObjectNode purchasePayload() {
        return TestItems.payload("/connector/tiktok-purchase-v1.json");
    }

    /** The example as outbox row {@code id}, with the payload changed by {@code edit}. */
    static OutboxItem purchase(long id, Consumer<ObjectNode> edit) {
        ObjectNode payload = purchasePayload();
        edit.accept(payload);
        return TestItems.item(id, payload);
    }

    /** An outbox row holding exactly these payload bytes. */
    static OutboxItem item(long id, String payload) {
        try {
            return TestItems.item(id, JSON.readTree(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
