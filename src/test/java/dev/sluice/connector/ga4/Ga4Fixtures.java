package dev.sluice.connector.ga4;

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
 * GA4 destinations and payloads for tests. {@code connector/ga4-purchase-v1.json} is design.md's
 * example event as the privacy stage writes it for the GOOGLE profile (pinned by
 * {@code Ga4ConnectorTest.fixture_isWhatThePrivacyStageWritesForGoogle}), under an ALLOW decision
 * with the shipped policy's GA4 flags, with a {@code _ga} cookie in its click ids.
 */
final class Ga4Fixtures {
    static final String MEASUREMENT_ID = "G-T3ST12345X";
    /**
     * Shaped like an MP API secret, with characters ({@code + / =}) that must be URL-encoded in a
     * query string, and long enough to be caught if echoed.
     */
    static final String SECRET = "mP-s3cr3t_Xy9+Zq/Wv8Lk2Jh=";
    static final String SECRET_IN_URL = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    static final Secrets SECRETS = Secrets.of(Map.of("GA4_SECRET", SECRET, "SPACED_SECRET", "ga4 abc def",
            "CONTROL_SECRET", "ga4\u0007abc"), Path.of(""));
    static final String COOKIE = "GA1.1.1234567890.1764320000";
    static final String CLIENT_ID = "1234567890.1764320000";
    static final String EMAIL = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
    static final String PHONE = "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8";
    static final String FIRST = "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2";
    static final String LAST = "799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f";

    /** A lead with nothing but the bare client id, under an ALLOW decision without flags. */
    static final String MINIMAL_LEAD = "{\"v\":1,\"event_id\":\"lead-7\",\"event_name\":\"Lead\",\"event_time\":1764324900,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{},\"click_ids\":{\"_ga\":\"" + CLIENT_ID + "\"}},"
            + "\"consent\":{},\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"row.no-objection\"]}}";

    /**
     * A sign-up under the shipped policy's LIMITED decision for GA4 (consent/restrictions.csv: US,
     * CA, gpc=true): user data stripped upstream (only the click ids stay, as PayloadWriterTest
     * pins), both Google consent fields DENIED.
     */
    static final String LIMITED_SIGN_UP = "{\"v\":1,\"event_id\":\"signup-7\",\"event_name\":\"SignUp\",\"event_time\":1764324900,"
            + "\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/welcome\","
            + "\"user\":{\"hashed\":{},\"click_ids\":{\"_ga\":\"" + COOKIE + "\",\"gclid\":\"Cj0KCQiA\"}},"
            + "\"consent\":{\"gpc\":true},"
            + "\"consent_decision\":{\"decision\":\"LIMITED\",\"rules\":[\"us.limit.gpc\",\"ga4.ads-consent-denied\"]},"
            + "\"platform_flags\":{\"consent\":{\"ad_user_data\":\"DENIED\",\"ad_personalization\":\"DENIED\"}}}";

    /** PayloadWriterTest.minimalEvent's bytes: what ingest stores for an event with no user data. */
    static final String INGEST_MINIMAL = "{\"v\":1,\"event_id\":\"e-2\",\"event_name\":\"Lead\",\"event_time\":1795861000,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{}},\"consent\":{},"
            + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Ga4Fixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("measurement-id", MEASUREMENT_ID);
        settings.put("api-secret", "env:GA4_SECRET");
        if (baseUrl != null) {
            settings.put("base-url", baseUrl);
        }
        settings.put("hashing-profile", "google"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("ga", "ga4", settings), SECRETS, clock, "destinations.ga");
    }

    /** A fresh copy of the GOOGLE-profile example payload. */
    static ObjectNode purchasePayload() {
        return TestItems.payload("/connector/ga4-purchase-v1.json");
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
