package dev.sluice.connector.pinterest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.Connectors;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Pinterest destinations and payloads for tests. */
final class PinterestFixtures {
    static final String AD_ACCOUNT_ID = "549755885175";
    /** Shaped like a conversion token from Ads Manager; long enough to be caught if echoed. */
    static final String TOKEN = "pina_AMAZJ5QWAB3GQAQAGCAFWDSQ5SGJXGQBQBIQCUKQ2FK6T3N7WZ6EZUSDIK3SM";
    static final Secrets SECRETS = Secrets.of(Map.of("PINTEREST_TOKEN", TOKEN,
            "SPACED_TOKEN", "pina_abc def", "CONTROL_TOKEN", "pina_abc\u0007def"), Path.of(""));
    /** A Pinterest click id (the _epik cookie), as the merchant forwards it. */
    static final String EPIK = "dj0yJnU9cWZYbUc4TFZPdGxVQ0dBSERaSm1uX0FjQnRlY1o3WVAmcD0yJm49QzNFbWVoN2xfRzJUMm1f";
    static final String EMAIL_HASH = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";

    /**
     * A lead with nothing but an e-mail hash, written as the ingest stage writes payload v1 (see
     * PayloadWriterTest#minimalEvent), under an ALLOW decision.
     */
    static final String MINIMAL_LEAD = "{\"v\":1,\"event_id\":\"lead-7\",\"event_name\":\"Lead\",\"event_time\":1764324900,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{\"email\":\"" + EMAIL_HASH + "\"}},"
            + "\"consent\":{},\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"row.allow.baseline\"]}}";

    /**
     * The same lead under the shipped policy's LIMITED decision for Pinterest (consent/restrictions.csv:
     * US, CA, gpc=true): platform_flags carry Limited Data Processing in Pinterest's field names.
     */
    static final String LIMITED_LEAD = "{\"v\":1,\"event_id\":\"lead-7\",\"event_name\":\"Lead\",\"event_time\":1764324900,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{\"email\":\"" + EMAIL_HASH + "\"}},"
            + "\"consent\":{\"gpc\":true},"
            + "\"consent_decision\":{\"decision\":\"LIMITED\",\"rules\":[\"us.limit.gpc\",\"pinterest.limited-data-processing\"]},"
            + "\"platform_flags\":{\"custom_data\":{\"opt_out_type\":\"LDP\"}}}";

    private PinterestFixtures() {
    }

    static Map<String, String> settings(String baseUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put("ad-account-id", AD_ACCOUNT_ID);
        settings.put("conversion-token", "env:PINTEREST_TOKEN");
        settings.put("base-url", baseUrl);
        settings.put("hashing-profile", "pinterest"); // read by the privacy stage, ignored here
        return settings;
    }

    static Connector connector(Map<String, String> settings, InstantSource clock) {
        return Connectors.create(new DestinationConfig("pin", "pinterest", settings), SECRETS, clock, "destinations.pin");
    }

    /** The canonical purchase example with a Pinterest click id added. */
    static OutboxItem purchase(long id, String eventId) {
        return purchase(id, eventId, p -> { });
    }

    static OutboxItem purchase(long id, String eventId, Consumer<ObjectNode> edit) {
        return TestItems.purchase(id, eventId, p -> {
            ((ObjectNode) p.path("user").path("click_ids")).put("epik", EPIK);
            edit.accept(p);
        });
    }

    /** An item from payload JSON text. */
    static OutboxItem item(long id, String payload) {
        return TestItems.item(id, TestItems.json(payload.getBytes(StandardCharsets.UTF_8)));
    }
}
