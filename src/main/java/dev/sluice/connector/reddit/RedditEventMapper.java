package dev.sluice.connector.reddit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.sluice.connector.PayloadFields.decimal;
import static dev.sluice.connector.PayloadFields.putText;
import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one Reddit Conversions API v3 event
 * (platforms.md §8, "v3 body"). Pure; field order is fixed so equal input gives equal bytes.
 * Values are copied, never hashed or normalized: the privacy stage hashed email, phone and
 * external id with Reddit's profile already.
 *
 * <p>Every Reddit-specific vocabulary fact sits in the constants below, marked where it rests on
 * a secondary source, so a correction is a one-line change.
 */
final class RedditEventMapper {
    // exact: keep "129.90" as 129.90 instead of letting Jackson strip or round it
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * Sluice standard event names with a Reddit standard event (v3 enum, UPPER_SNAKE_CASE, from
     * Reddit's capi-migration page as captured in Segment's V3-API-REFERENCE.md). Every other
     * name, standard or not, goes as {@code CUSTOM} under its own name, so that Reddit never
     * counts, say, an InitiateCheckout as a lead. CompleteRegistration is Meta's name for what
     * Reddit calls a sign-up.
     */
    static final Map<String, String> TRACKING_TYPES = Map.of(
            "PageView", "PAGE_VISIT", "ViewContent", "VIEW_CONTENT", "Search", "SEARCH",
            "AddToCart", "ADD_TO_CART", "AddToWishlist", "ADD_TO_WISHLIST", "Purchase", "PURCHASE",
            "Lead", "LEAD", "SignUp", "SIGN_UP", "CompleteRegistration", "SIGN_UP");
    static final String CUSTOM = "CUSTOM";
    /** "free-form, case-sensitive, UTF-8, ≤ 64 chars" (Direct Integration docs). */
    static final int MAX_CUSTOM_NAME_LENGTH = 64;

    /**
     * Sluice action_source -> Reddit's. WEBSITE, APP and OTHER are confirmed in Reddit's docs;
     * PHYSICAL_STORE is listed by the v3 changelog and OpenAPI but shown only as the label
     * "Offline (physical store)" in the Omnichannel page: UNCONFIRMED. Channels Reddit has no name
     * for (email, phone_call, chat, system_generated, business_messaging) are "somewhere else".
     */
    static final Map<String, String> ACTION_SOURCES = Map.of(
            "website", "WEBSITE", "app", "APP", "physical_store", "PHYSICAL_STORE");
    static final String OTHER_SOURCE = "OTHER";

    /**
     * Tracking types that take {@code value}/{@code currency}, and those that take
     * {@code item_count}. From Segment's v3 constants (the destination Reddit maintains);
     * Reddit's own pages do not say whether other types reject or ignore them: UNCONFIRMED.
     */
    static final Set<String> VALUE_TYPES = Set.of("ADD_TO_CART", "ADD_TO_WISHLIST", "PURCHASE", "LEAD", "SIGN_UP", CUSTOM);
    static final Set<String> ITEM_COUNT_TYPES = Set.of("ADD_TO_CART", "ADD_TO_WISHLIST", "PURCHASE", CUSTOM);

    /** The only consent flag Reddit has: {@code user.data_processing_options} (platforms.md §8 "Consent"). */
    private static final String FLAG_GROUP = "user";
    private static final String FLAG = "data_processing_options";
    private static final Set<String> FLAG_FIELDS = Set.of("modes", "country", "region");

    private RedditEventMapper() {
    }

    static ObjectNode event(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        String source = text(p, "action_source");
        if (source == null) {
            throw new UnmappableItemException(item.id(), "action_source is missing");
        }
        String actionSource = ACTION_SOURCES.getOrDefault(source, OTHER_SOURCE);
        String trackingType = TRACKING_TYPES.getOrDefault(item.eventName(), CUSTOM);

        ObjectNode e = NODES.objectNode();
        e.put("event_at", item.eventTime().toEpochMilli());
        e.put("action_source", actionSource);
        e.set("type", type(item, trackingType));
        // "WEBSITE only": Reddit parses the domain (and an rdt_cid in the query) from it.
        if (actionSource.equals("WEBSITE")) {
            putText(e, "event_source_url", p, "event_source_url");
        }
        JsonNode u = p.path("user");
        // Offline events carry hashed email/phone only: "no device identifiers, click ID, UUID".
        boolean online = !actionSource.equals("PHYSICAL_STORE");
        if (online) {
            putText(e, "click_id", u.path("click_ids"), "rdt_cid");
        }
        e.set("metadata", metadata(item, p.path("custom"), trackingType));
        ObjectNode user = user(u, online);
        limitedUse(item, p.path("platform_flags"), user);
        if (!user.isEmpty()) {
            e.set("user", user);
        }
        checkMatchable(item, e, user);
        return e;
    }

    private static ObjectNode type(OutboxItem item, String trackingType) {
        ObjectNode type = NODES.objectNode().put("tracking_type", trackingType);
        if (trackingType.equals(CUSTOM)) {
            if (item.eventName().isEmpty() || item.eventName().length() > MAX_CUSTOM_NAME_LENGTH) {
                throw new UnmappableItemException(item.id(), "event_name must be 1.." + MAX_CUSTOM_NAME_LENGTH
                        + " characters for a Reddit custom event");
            }
            type.put("custom_event_name", item.eventName());
        }
        return type;
    }

    /**
     * {@code conversion_id} is always the event id: Reddit deduplicates Pixel and CAPI events (and
     * Sluice's own retries) on it, so the merchant's pixel must send the same id.
     */
    private static ObjectNode metadata(OutboxItem item, JsonNode c, String trackingType) {
        ObjectNode out = NODES.objectNode();
        if (ITEM_COUNT_TYPES.contains(trackingType) && c.path("num_items").canConvertToInt()) {
            out.put("item_count", c.path("num_items").intValue());
        }
        if (VALUE_TYPES.contains(trackingType)) {
            putText(out, "currency", c, "currency");
            JsonNode value = c.path("value");
            if (!value.isMissingNode() && !value.isNull()) {
                // v3 "value": a number in the currency's base unit (129.90, not cents).
                out.set("value", NODES.numberNode(decimal(item, value)));
            }
        }
        out.put("conversion_id", item.eventId());
        if (c.path("content_ids").isArray() && !c.path("content_ids").isEmpty()) {
            ArrayNode products = out.putArray("products");
            c.path("content_ids").forEach(id -> products.addObject().put("id", id.asText()));
        }
        return out;
    }

    private static ObjectNode user(JsonNode u, boolean online) {
        ObjectNode out = NODES.objectNode();
        JsonNode hashed = u.path("hashed");
        putText(out, "email", hashed, "email");
        putText(out, "phone_number", hashed, "phone");
        putText(out, "external_id", hashed, "external_id");
        if (online) {
            // Sent raw, as Reddit accepts them; they were stored only encrypted.
            putText(out, "ip_address", u, "client_ip");
            putText(out, "user_agent", u, "user_agent");
        }
        return out;
    }

    /**
     * Places the consent decision's limited-use flag. The policy writes Reddit's flags in Reddit's
     * shape ({@code {"user":{"data_processing_options":{...}}}}); a flag this connector cannot
     * place, or a malformed one, makes the item unmappable, because sending it without the
     * restriction the decision asked for would break the consent invariant.
     */
    private static void limitedUse(OutboxItem item, JsonNode flags, ObjectNode user) {
        if (flags.isMissingNode() || flags.isNull()) {
            return;
        }
        requireOnly(item, flags, Set.of(FLAG_GROUP), "platform_flags");
        JsonNode group = flags.path(FLAG_GROUP);
        if (group.isMissingNode()) {
            return;
        }
        requireOnly(item, group, Set.of(FLAG), "platform_flags.user");
        JsonNode dpo = group.path(FLAG);
        if (dpo.isMissingNode()) {
            return;
        }
        user.set(FLAG, dataProcessingOptions(item, dpo));
    }

    private static ObjectNode dataProcessingOptions(OutboxItem item, JsonNode dpo) {
        String where = "platform_flags.user.data_processing_options";
        requireOnly(item, dpo, FLAG_FIELDS, where);
        JsonNode modes = dpo.path("modes");
        if (!modes.isArray() || modes.isEmpty()) {
            throw new UnmappableItemException(item.id(), where + ".modes must be a non-empty list");
        }
        ObjectNode out = NODES.objectNode();
        ArrayNode outModes = out.putArray("modes");
        for (JsonNode mode : modes) {
            if (!mode.isTextual() || mode.asText().isEmpty()) {
                throw new UnmappableItemException(item.id(), where + ".modes must hold only names such as LDU");
            }
            outModes.add(mode.asText());
        }
        for (String field : List.of("country", "region")) {
            JsonNode v = dpo.path(field);
            if (v.isMissingNode()) {
                continue;
            }
            if (!v.isTextual() || v.asText().isEmpty()) {
                throw new UnmappableItemException(item.id(), where + "." + field + " must be text");
            }
            out.put(field, v.asText());
        }
        return out;
    }

    private static void requireOnly(OutboxItem item, JsonNode node, Set<String> known, String where) {
        if (!node.isObject()) {
            throw new UnmappableItemException(item.id(), where + " must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new UnmappableItemException(item.id(), where + "." + name + " is not a Reddit field; known: "
                        + new TreeSet<>(known));
            }
        }
    }

    /**
     * Reddit attributes a conversion through a match key: the click id, a hashed identifier, or
     * IP address together with user agent (platforms.md §8; partner docs list the same keys). An
     * event with none cannot be attributed; whether Reddit refuses it (failing the whole batch) or
     * silently drops it is UNCONFIRMED, and either way it is better dead-lettered with a reason.
     */
    private static void checkMatchable(OutboxItem item, ObjectNode e, ObjectNode user) {
        boolean matchable = e.has("click_id") || user.has("email") || user.has("phone_number")
                || user.has("external_id") || (user.has("ip_address") && user.has("user_agent"));
        if (!matchable) {
            throw new UnmappableItemException(item.id(), "no Reddit match key: needs click_ids.rdt_cid, email, phone, "
                    + "external_id, or client_ip with user_agent");
        }
    }
}
