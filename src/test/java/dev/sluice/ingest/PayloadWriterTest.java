package dev.sluice.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.event.Event;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParsedBody;
import dev.sluice.event.ParsedEvent;
import dev.sluice.event.ParserLimits;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.PiiField;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sealed payload's bytes, exactly: connectors and stored outbox rows depend on the layout, so
 * a change to how payloads are written (such as rendering the parts every destination shares once
 * per event, which session 5 tried and measured slower) must keep these bytes.
 */
final class PayloadWriterTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:20:00Z");
    private static final EventParser PARSER = new EventParser(ParserLimits.defaults(), InstantSource.fixed(NOW));
    private static final String FULL = """
            {"event_id":"e-1","event_name":"Purchase","event_time":1795861000,"action_source":"website",
             "event_source_url":"https://shop.example/checkout?x=1",
             "user":{"email":"a@b.example","client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (tést) \\u2028",
                     "click_ids":{"gclid":"Cj0-g","fbp":"fb.1.1596403881668.1116446470"}},
             "custom":{"value":"129.90","currency":"EUR","order_id":"o-1","content_ids":["sku-1","sku-2"],"num_items":2},
             "attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},
             "consent":{"ad_storage":"granted","ad_user_data":"granted","ad_personalization":"denied","gpc":false,
                        "us_privacy":"1YNN"}}""";
    private static final String MINIMAL = """
            {"event_id":"e-2","event_name":"Lead","event_time":1795861000,"action_source":"system_generated"}""";

    private final PayloadWriter writer = new PayloadWriter();

    @Test
    void fullEvent_allowed() {
        assertEquals("{\"v\":1,\"event_id\":\"e-1\",\"event_name\":\"Purchase\",\"event_time\":1795861000,"
                        + "\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/checkout?x=1\","
                        + "\"user\":{\"hashed\":{\"email\":\"" + "a".repeat(64) + "\",\"phone\":\"" + "b".repeat(64) + "\"},"
                        + "\"plain\":{\"country\":\"us\"},\"client_ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0 (t\u00e9st) \u2028\","
                        + "\"click_ids\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0-g\"}},"
                        + "\"custom\":{\"value\":\"129.90\",\"currency\":\"EUR\",\"order_id\":\"o-1\",\"content_ids\":[\"sku-1\",\"sku-2\"],\"num_items\":2},"
                        + "\"attribution\":{\"utm_campaign\":\"bf-2026\",\"utm_source\":\"facebook\"},"
                        + "\"consent\":{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\",\"ad_personalization\":\"denied\",\"gpc\":false,\"us_privacy\":\"1YNN\"},"
                        + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}",
                write(FULL, identity(), decision(Decision.ALLOW, Restrictions.NONE)));
    }

    @Test
    void fullEvent_limitedWithFlags_andStripped() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("data_processing_options", List.of("LDU"));
        flags.put("data_processing_options_country", 1);
        String limited = write(FULL, identity(), decision(Decision.LIMITED, new Restrictions(false, flags)));
        assertEquals(true, limited.endsWith("\"consent_decision\":{\"decision\":\"LIMITED\",\"rules\":[\"r1\"]},"
                + "\"platform_flags\":{\"data_processing_options\":[\"LDU\"],\"data_processing_options_country\":1}}"), limited);

        String stripped = write(FULL, identity(), decision(Decision.LIMITED, Restrictions.NOTHING));
        assertEquals(true, stripped.contains("\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/checkout?x=1\","
                + "\"user\":{\"hashed\":{},\"click_ids\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0-g\"}},"
                + "\"custom\":{"), stripped);
    }

    @Test
    void minimalEvent() {
        assertEquals("{\"v\":1,\"event_id\":\"e-2\",\"event_name\":\"Lead\",\"event_time\":1795861000,"
                        + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{}},\"consent\":{},"
                        + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}",
                write(MINIMAL, new HashedIdentity(new EnumMap<>(PiiField.class), new EnumMap<>(PiiField.class)),
                        decision(Decision.ALLOW, Restrictions.NONE)));
    }

    private String write(String json, HashedIdentity identity, ConsentDecision decision) {
        Event event = event(json);
        return new String(writer.write(event, identity, decision), StandardCharsets.UTF_8);
    }

    static Event event(String json) {
        ParsedBody.Events body = (ParsedBody.Events) PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
        ParsedEvent parsed = body.events().getFirst();
        if (parsed instanceof ParsedEvent.Valid valid) {
            return valid.event();
        }
        throw new AssertionError("the fixture is invalid: " + parsed);
    }

    private static HashedIdentity identity() {
        Map<PiiField, String> hashed = new EnumMap<>(PiiField.class);
        hashed.put(PiiField.EMAIL, "a".repeat(64));
        hashed.put(PiiField.PHONE, "b".repeat(64));
        Map<PiiField, String> plain = new EnumMap<>(PiiField.class);
        plain.put(PiiField.COUNTRY, "us");
        return new HashedIdentity(hashed, plain);
    }

    private static ConsentDecision decision(Decision decision, Restrictions restrictions) {
        return new ConsentDecision("d", "meta", decision, List.of("r1"), List.of(), restrictions, "gdpr");
    }
}
