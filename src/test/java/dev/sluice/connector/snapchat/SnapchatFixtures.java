package dev.sluice.connector.snapchat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.Connectors;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Snapchat destinations and payloads for tests. {@code connector/snapchat-purchase-v1.json} is
 * design.md's example event as the privacy stage writes it for the SNAPCHAT profile (pinned by
 * {@code SnapchatConnectorTest.fixture_isWhatThePrivacyStageWritesForSnapchat}), with a ScCid.
 */
final class SnapchatFixtures {
    static final String PIXEL_ID = "1ec32188-754e-4be2-8e55-c949a984a39f";
    /**
     * Shaped like a long-lived CAPI token, with the characters ({@code + / =}) that must be
     * URL-encoded in a query string, and long enough to be caught if echoed.
     */
    static final String TOKEN = "eyJhbGciOiJIUzI1NiIsImtpZCI6IkNhbnZhc1MyU0hNQUNQcm9kIn0.cap+i/v3Tok3n==";
    static final String TOKEN_IN_URL = URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);
    static final Secrets SECRETS = Secrets.of(Map.of("SNAP_TOKEN", TOKEN, "SPACED_TOKEN", "snap abc def",
            "CONTROL_TOKEN", "snap\u0007abc"), Path.of(""));
    static final String EMAIL = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
    static final String SCCID = "b1e7c0a2-5b3f-4c1e-9d2a-6f8e4a7c3b21";

    /** A sign-up with nothing but an e-mail hash, as ingest writes payload v1 under an ALLOW decision. */
    static final String MINIMAL_SIGN_UP = "{\"v\":1,\"event_id\":\"signup-7\",\"event_name\":\"SignUp\",\"event_time\":1764324900,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{\"email\":\"" + EMAIL + "\"}},"
            + "\"consent\":{},\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"row.no-objection\"]}}";

    /**
     * The same sign-up under the shipped policy's LIMITED decision for Snapchat
     * (consent/restrictions.csv: US, CA, gpc=true): Limited Data Use in Snap's field names.
     */
    static final String LIMITED_SIGN_UP = "{\"v\":1,\"event_id\":\"signup-7\",\"event_name\":\"SignUp\",\"event_time\":1764324900,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{\"email\":\"" + EMAIL + "\"}},"
            + "\"consent\":{\"gpc\":true},"
            + "\"consent_decision\":{\"decision\":\"LIMITED\",\"rules\":[\"us.limit.gpc\",\"snapchat.limited-data-use\"]},"
            + "\"platform_flags\":{\"data_processing_options\":[\"LDU\"]}}";

    /** PayloadWriterTest.minimalEvent's bytes: what ingest stores for an event with no user data. */
    static final String INGEST_MINIMAL = "{\"v\":1,\"event_id\":\"e-2\",\"event_name\":\"Lead\",\"event_time\":1795861000,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{}},\"consent\":{},"
            + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapchatFixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pixel-id", PIXEL_ID);
        settings.put("access-token", "env:SNAP_TOKEN");
        settings.put("base-url", baseUrl);
        settings.put("hashing-profile", "snapchat"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("snap", "snapchat", settings), SECRETS, clock, "destinations.snap");
    }

    /** A fresh copy of the SNAPCHAT-profile example payload. */
    static ObjectNode purchasePayload() {
        return TestItems.payload("/connector/snapchat-purchase-v1.json");
    }

    /** The example as outbox row {@code id}, with the payload changed by {@code edit}. */
    static OutboxItem purchase(long id, Consumer<ObjectNode> edit) {
        ObjectNode payload = purchasePayload();
        edit.accept(payload);
        return TestItems.item(id, payload);
    }

    /** An outbox row holding exactly these payload bytes. */
    static OutboxItem item(long id, String payload) {
        return TestItems.item(id, TestItems.json(payload.getBytes(StandardCharsets.UTF_8)));
    }
}
