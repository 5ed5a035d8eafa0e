package dev.sluice.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sluice.connector.PayloadFields.decimal;
import static dev.sluice.connector.PayloadFields.hashes;
import static dev.sluice.connector.PayloadFields.putText;
import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one Meta server event
 * (platforms.md §1, "Per event"). Pure; field order is fixed so equal input gives equal bytes.
 * Values are copied, never hashed or normalized: the privacy stage hashed them with Meta's
 * profile already.
 */
final class MetaEventMapper {
    // exact: keep "129.90" as 129.90 instead of letting Jackson strip or round it
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** Canonical hashed field -> Meta user_data key, in the order the docs list them. */
    private static final List<Map.Entry<String, String>> HASHED = List.of(
            Map.entry("email", "em"), Map.entry("phone", "ph"),
            Map.entry("first_name", "fn"), Map.entry("last_name", "ln"),
            Map.entry("date_of_birth", "db"), Map.entry("gender", "ge"),
            Map.entry("city", "ct"), Map.entry("state", "st"), Map.entry("zip", "zp"),
            Map.entry("country", "country"), Map.entry("external_id", "external_id"));

    /**
     * user_data key sets Meta rejects when an event carries only (a subset of) one of them
     * (platforms.md §1, "Invalid user_data combinations").
     */
    private static final List<Set<String>> INSUFFICIENT = List.of(
            Set.of("ct", "country", "st", "zp", "ge", "client_user_agent"),
            Set.of("db", "client_user_agent"), Set.of("fn", "ge"), Set.of("ln", "ge"));

    private MetaEventMapper() {
    }

    static ObjectNode event(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        ObjectNode e = NODES.objectNode();
        e.put("event_name", item.eventName());
        e.put("event_time", item.eventTime().getEpochSecond());
        e.put("event_id", item.eventId());
        String actionSource = text(p, "action_source");
        if (actionSource == null) {
            throw new UnmappableItemException(item.id(), "action_source is missing");
        }
        e.put("action_source", actionSource);
        putText(e, "event_source_url", p, "event_source_url");
        ObjectNode user = userData(p.path("user"));
        e.set("user_data", user);
        ObjectNode custom = customData(item, p.path("custom"));
        if (!custom.isEmpty()) {
            e.set("custom_data", custom);
        }
        limitedUse(item, p.path("platform_flags"), e);
        checkAcceptable(item, e, user);
        return e;
    }

    private static ObjectNode userData(JsonNode u) {
        ObjectNode out = NODES.objectNode();
        JsonNode hashed = u.path("hashed");
        for (Map.Entry<String, String> field : HASHED) {
            // Meta takes lists of hashes.
            ArrayNode list = hashes(hashed.path(field.getKey()));
            if (!list.isEmpty()) {
                out.set(field.getValue(), list);
            }
        }
        // Sent raw, as Meta requires; they were stored only encrypted.
        putText(out, "client_ip_address", u, "client_ip");
        putText(out, "client_user_agent", u, "user_agent");
        putText(out, "fbc", u.path("click_ids"), "fbc");
        putText(out, "fbp", u.path("click_ids"), "fbp");
        return out;
    }

    private static ObjectNode customData(OutboxItem item, JsonNode c) {
        ObjectNode out = NODES.objectNode();
        JsonNode value = c.path("value");
        if (!value.isMissingNode() && !value.isNull()) {
            out.set("value", NODES.numberNode(decimal(item, value)));
        }
        // ISO 4217 as the canonical event holds it (upper case); Meta's own examples use "usd".
        putText(out, "currency", c, "currency");
        if (c.path("content_ids").isArray() && !c.path("content_ids").isEmpty()) {
            ArrayNode ids = out.putArray("content_ids");
            c.path("content_ids").forEach(id -> ids.add(id.asText()));
        }
        putText(out, "order_id", c, "order_id");
        if (c.path("num_items").canConvertToInt()) {
            out.put("num_items", c.path("num_items").intValue());
        }
        return out;
    }

    /** The consent flags Meta has fields for (platforms.md §1, "Consent"). */
    private static final Set<String> LIMITED_USE_FIELDS = Set.of(
            "data_processing_options", "data_processing_options_country", "data_processing_options_state");

    /**
     * Limited Data Use flags from the consent decision ({@code platform_flags}, written in Meta's
     * own field names by the consent policy) when the decision was LIMITED.
     */
    private static void limitedUse(OutboxItem item, JsonNode l, ObjectNode e) {
        if (l.isObject()) {
            // A flag Meta has no field for is a policy mistake; sending the event without the
            // restriction the policy asked for would break the decision, so the item is refused.
            Set<String> unknown = new java.util.TreeSet<>();
            l.fieldNames().forEachRemaining(unknown::add);
            unknown.removeAll(LIMITED_USE_FIELDS);
            if (!unknown.isEmpty()) {
                throw new UnmappableItemException(item.id(), "platform_flags " + unknown + " have no Meta field");
            }
            if (l.has("data_processing_options") && !l.path("data_processing_options").isArray()) {
                throw new UnmappableItemException(item.id(), "platform_flags.data_processing_options must be a list");
            }
        }
        if (!l.path("data_processing_options").isArray()) {
            return;
        }
        ArrayNode options = e.putArray("data_processing_options");
        l.path("data_processing_options").forEach(o -> options.add(o.asText()));
        Integer country = integer(l.path("data_processing_options_country"));
        Integer state = integer(l.path("data_processing_options_state"));
        if ((country == null) != (state == null)) {
            // Meta: "if you set a country you must also set a state"; a half-set pair is a policy bug.
            throw new UnmappableItemException(item.id(), "data_processing_options needs both country and state, or neither");
        }
        if (country != null) {
            e.put("data_processing_options_country", country);
            e.put("data_processing_options_state", state);
        }
    }

    private static Integer integer(JsonNode n) {
        if (n.canConvertToInt() && n.isIntegralNumber()) {
            return n.intValue();
        }
        if (n.isTextual() && !n.asText().isEmpty() && n.asText().length() < 10 && n.asText().chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(n.asText());
        }
        return null;
    }

    /**
     * Rejects locally what Meta would reject, because one such event makes Meta refuse the whole
     * batch it travels in (platforms.md §1 "Limits", §10).
     */
    private static void checkAcceptable(OutboxItem item, ObjectNode e, ObjectNode user) {
        if ("website".equals(e.path("action_source").asText())) {
            if (!e.has("event_source_url")) {
                throw new UnmappableItemException(item.id(), "website events need event_source_url");
            }
            if (!user.has("client_user_agent")) {
                throw new UnmappableItemException(item.id(), "website events need user.user_agent");
            }
        }
        Set<String> keys = new LinkedHashSet<>();
        user.fieldNames().forEachRemaining(keys::add);
        if (keys.isEmpty() || INSUFFICIENT.stream().anyMatch(combination -> combination.containsAll(keys))) {
            throw new UnmappableItemException(item.id(), "user_data " + keys + " is too little for Meta to match");
        }
    }
}
