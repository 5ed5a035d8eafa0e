package dev.sluice.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * Builds request bodies for tests: start from the design handbook's purchase, change fields by
 * pointer, render a single-event or batch body.
 */
final class EventJson {

    /** Five minutes after the handbook event's time. */
    static final Instant NOW = Instant.parse("2026-11-28T10:20:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(NOW);
    // Exact decimals, so that test bodies carry numbers such as 129.90 exactly as written.
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    static final String FBC = "fb.1.1764324900000.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk";
    static final String FBP = "fb.1.1764324900000.1098115397";
    static final String GCLID = "EAIaIQobChMIq9O3tqGb-gIVqhkGAB0Z_w-8EAAYASAAEgKQ_vD_BwE";
    static final String TTCLID = "E.C.P.v3Ghz2Bza3k9R";
    static final String TCF = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA.YAAAAAAAAAAA";

    private final ObjectNode root;

    private EventJson(ObjectNode root) {
        this.root = root;
    }

    static EventParser parser() {
        return new EventParser(ParserLimits.defaults(), CLOCK);
    }

    /** The canonical event of the design handbook, with realistic click ids. */
    static EventJson purchase() {
        return parse("""
                {
                  "event_id": "order-10023",
                  "event_name": "Purchase",
                  "event_time": "2026-11-28T10:15:00Z",
                  "action_source": "website",
                  "event_source_url": "https://shop.example/checkout",
                  "user": {
                    "email": "Jane.Doe@Example.com", "phone": "+1 (650) 555-1212",
                    "first_name": "Jane", "last_name": "Doe", "date_of_birth": "1990-04-01",
                    "gender": "f", "city": "Menlo Park", "state": "CA", "zip": "94025", "country": "US",
                    "external_id": "cust-42", "client_ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (X11)",
                    "click_ids": {"fbc": "%s", "fbp": "%s", "gclid": "%s", "ttclid": "%s"}
                  },
                  "custom": {"value": "129.90", "currency": "EUR", "order_id": "10023",
                             "content_ids": ["sku-1"], "num_items": 2},
                  "attribution": {"utm_source": "facebook", "utm_campaign": "bf-2026", "campaign_id": "123"},
                  "consent": {"ad_user_data": "granted", "ad_personalization": "denied",
                              "tcf": "%s", "gpc": false, "us_privacy": "1YNN"},
                  "destinations": ["meta", "google_ads"]
                }
                """.formatted(FBC, FBP, GCLID, TTCLID, TCF));
    }

    /** The fewest fields a valid event needs. */
    static EventJson minimal() {
        return parse("""
                {"event_id": "e-1", "event_name": "Lead", "event_time": 1795860900, "action_source": "system_generated"}
                """);
    }

    static EventJson parse(String json) {
        try {
            return new EventJson((ObjectNode) MAPPER.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON", e);
        }
    }

    /** Sets the field at a pointer such as {@code /user/email}, creating objects on the way. */
    EventJson set(String pointer, Object value) {
        int slash = pointer.lastIndexOf('/');
        parent(pointer.substring(0, slash)).set(pointer.substring(slash + 1), MAPPER.valueToTree(value));
        return this;
    }

    /** Sets a field to raw JSON text, e.g. a number literal that must not pass through Java types. */
    EventJson setRaw(String pointer, String json) {
        int slash = pointer.lastIndexOf('/');
        try {
            parent(pointer.substring(0, slash)).set(pointer.substring(slash + 1), MAPPER.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON", e);
        }
        return this;
    }

    EventJson remove(String pointer) {
        int slash = pointer.lastIndexOf('/');
        parent(pointer.substring(0, slash)).remove(pointer.substring(slash + 1));
        return this;
    }

    private ObjectNode parent(String pointer) {
        ObjectNode node = root;
        for (String key : pointer.isEmpty() ? List.<String>of() : List.of(pointer.substring(1).split("/"))) {
            node = node.has(key) && node.get(key).isObject() ? (ObjectNode) node.get(key) : node.putObject(key);
        }
        return node;
    }

    ObjectNode node() {
        return root.deepCopy();
    }

    /** A single-event body. */
    byte[] body() {
        return bytes(root);
    }

    /** A batch body of the given events. */
    static byte[] batch(EventJson... events) {
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode array = body.putArray("events");
        for (EventJson event : events) {
            array.add(event.node());
        }
        return bytes(body);
    }

    static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
