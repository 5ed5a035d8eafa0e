package dev.sluice.connector.linkedin;

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

/** LinkedIn destinations and LINKEDIN-profile payloads for tests. */
final class LinkedinFixtures {
    /** Holds characters that must survive a header untouched. */
    static final String TOKEN = "AQXdSP_W41_li-capi.T0ken~9";
    static final Secrets SECRETS = Secrets.of(Map.of("LINKEDIN_TOKEN", TOKEN, "SPACED_TOKEN", "li token with spaces"),
            Path.of(""));
    static final String PURCHASE_RULE = "12345678";
    static final String LEAD_RULE = "23456789";
    static final String RULES = "Purchase=" + PURCHASE_RULE + ", Lead=" + LEAD_RULE;

    /** sha256("jane.doe@example.com"): the LINKEDIN profile's email (trim, lower case) for design.md's example. */
    static final String EMAIL_HASH = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
    /** A first-party ads tracking id as the li_fat_id URL parameter carries it. */
    static final String LI_FAT_ID = "df5gf5-gh6t7-ph4j7h-fgf6n1";

    /**
     * design.md's purchase as ingest writes it for a LinkedIn destination (layout pinned by
     * PayloadWriterTest): only the email hashed and the country plain, as ProfileRules' LINKEDIN row
     * says; client IP, user agent and click ids raw.
     */
    static final String FULL = """
            {"v":1,"event_id":"order-10023","event_name":"Purchase","event_time":1795861000,"action_source":"website",\
            "event_source_url":"https://shop.example/checkout",\
            "user":{"hashed":{"email":"%s"},"plain":{"country":"US"},\
            "client_ip":"203.0.113.7","user_agent":"Mozilla/5.0","click_ids":{"gclid":"Cj0-g","li_fat_id":"%s"}},\
            "custom":{"value":"129.90","currency":"EUR","order_id":"10023","content_ids":["sku-1"],"num_items":2},\
            "attribution":{"utm_source":"linkedin"},\
            "consent":{"ad_user_data":"granted","gpc":false},\
            "consent_decision":{"decision":"ALLOW","rules":["row.no-objection"]}}"""
            .formatted(EMAIL_HASH, LI_FAT_ID);

    /** The fewest fields LinkedIn can use: a hashed email, nothing else. */
    static final String MINIMAL = """
            {"v":1,"event_id":"e-2","event_name":"Lead","event_time":1795861000,"action_source":"system_generated",\
            "user":{"hashed":{"email":"%s"}},"consent":{},\
            "consent_decision":{"decision":"ALLOW","rules":["r1"]}}""".formatted(EMAIL_HASH);

    /** A click from a LinkedIn ad and nothing about the person. */
    static final String LI_FAT_ID_ONLY = """
            {"v":1,"event_id":"e-3","event_name":"Lead","event_time":1795861000,"action_source":"website",\
            "user":{"hashed":{},"click_ids":{"li_fat_id":"%s"}},"consent":{},\
            "consent_decision":{"decision":"ALLOW","rules":["r1"]}}""".formatted(LI_FAT_ID);

    private static final ObjectMapper JSON = new ObjectMapper();

    private LinkedinFixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("access-token", "env:LINKEDIN_TOKEN");
        settings.put("conversion-rules", RULES);
        settings.put("base-url", baseUrl);
        settings.put("hashing-profile", "linkedin"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("li", "linkedin", settings), SECRETS, clock, "destinations.li");
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

    static OutboxItem item(long id, String json) {
        return TestItems.item(id, payload(json));
    }
}
