package dev.sluice.connector.reddit;

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

/** Reddit destinations and Reddit-profile payloads for tests. */
final class RedditFixtures {
    static final String PIXEL_ID = "a2_pixel42";
    /** Holds characters that must survive a header untouched. */
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.rdt-capi_T0ken+/=";
    static final Secrets SECRETS = Secrets.of(Map.of("REDDIT_TOKEN", TOKEN, "SPACED_TOKEN", "rdt token with spaces"),
            Path.of(""));

    /** Reddit's own hashing examples (platforms.md §8; privacy/vectors.csv rows REDDIT). */
    static final String EMAIL_HASH = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";
    static final String PHONE_HASH = "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8";
    static final String EXTERNAL_ID_HASH = "a4cc2fc5adf58a029291c1514d273989113a1d05e1d753c1d0c3a848af7109cc";
    static final String RDT_CID = "3184742045291813272";

    /**
     * A purchase as the ingest stage writes it for a Reddit destination (the layout pinned by
     * PayloadWriterTest): only email, phone and external id hashed, as ProfileRules' REDDIT row says.
     */
    static final String FULL = """
            {"v":1,"event_id":"e-1","event_name":"Purchase","event_time":1795861000,"action_source":"website",\
            "event_source_url":"https://shop.example/checkout?x=1",\
            "user":{"hashed":{"email":"%s","phone":"%s","external_id":"%s"},\
            "client_ip":"203.0.113.7","user_agent":"Mozilla/5.0","click_ids":{"gclid":"Cj0-g","rdt_cid":"%s"}},\
            "custom":{"value":"129.90","currency":"EUR","order_id":"o-1","content_ids":["sku-1","sku-2"],"num_items":2},\
            "attribution":{"utm_campaign":"bf-2026","utm_source":"reddit"},\
            "consent":{"ad_user_data":"granted","gpc":false},\
            "consent_decision":{"decision":"ALLOW","rules":["r1"]}}"""
            .formatted(EMAIL_HASH, PHONE_HASH, EXTERNAL_ID_HASH, RDT_CID);

    /** The fewest fields Reddit can use: one hashed identifier, no custom data. */
    static final String MINIMAL = """
            {"v":1,"event_id":"e-2","event_name":"Lead","event_time":1795861000,"action_source":"system_generated",\
            "user":{"hashed":{"external_id":"%s"}},"consent":{},\
            "consent_decision":{"decision":"ALLOW","rules":["r1"]}}""".formatted(EXTERNAL_ID_HASH);

    /** Reddit's limited-use flags as the shipped consent policy resolves them for California (consent/restrictions.csv). */
    static final String LDU_FLAGS = """
            {"user":{"data_processing_options":{"modes":["LDU"],"country":"US","region":"US-CA"}}}""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RedditFixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pixel-id", PIXEL_ID);
        settings.put("access-token", "env:REDDIT_TOKEN");
        settings.put("base-url", baseUrl);
        settings.put("hashing-profile", "reddit"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("rdt", "reddit", settings), SECRETS, clock, "destinations.rdt");
    }

    static ObjectNode payload(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #FULL} as outbox row {@code id}, changed by {@code edit}. */
    static OutboxItem full(long id, Consumer<ObjectNode> edit) {
        ObjectNode p = payload(FULL);
        edit.accept(p);
        return TestItems.item(id, p);
    }

    static OutboxItem full() {
        return full(1, p -> { });
    }
}
