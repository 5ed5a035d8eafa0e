package dev.sluice.connector.pinterest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;
import dev.sluice.event.ActionSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.sluice.connector.PayloadFields.hashes;
import static dev.sluice.connector.PayloadFields.putText;
import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one entry of Pinterest's {@code data} array
 * (platforms.md §6, "Body"). Pure; field order is fixed (the order of Pinterest's own request
 * example) so equal input gives equal bytes. Hashes are copied, never computed: the privacy stage
 * hashed them with the Pinterest profile already.
 */
final class PinterestEventMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Sluice standard event -> Pinterest {@code event_name}. The first nine Pinterest names are in
     * every published version of the v5 description; {@code add_payment_info},
     * {@code add_to_wishlist}, {@code initiate_checkout}, {@code subscribe} and
     * {@code view_content} are in v5.23.0 (platforms.md §6) and Pinterest's "Track conversion
     * events" guide, not in older descriptions. Sluice events without a counterpart go as
     * {@code custom}, Pinterest's name for events it should report but has no word for.
     */
    static final Map<String, String> STANDARD_EVENTS = Map.ofEntries(
            Map.entry("Purchase", "checkout"),
            Map.entry("Lead", "lead"),
            Map.entry("SubmitApplication", "lead"),
            Map.entry("CompleteRegistration", "signup"),
            Map.entry("SignUp", "signup"),
            Map.entry("AddToCart", "add_to_cart"),
            Map.entry("AddToWishlist", "add_to_wishlist"),
            Map.entry("AddPaymentInfo", "add_payment_info"),
            Map.entry("InitiateCheckout", "initiate_checkout"),
            Map.entry("PageView", "page_visit"),
            Map.entry("ViewContent", "view_content"),
            Map.entry("Search", "search"),
            Map.entry("Subscribe", "subscribe"));

    /**
     * Pinterest events with no Sluice standard event, reachable by sending this custom name
     * (spelt like Sluice's standard names).
     */
    static final Map<String, String> PINTEREST_ONLY_EVENTS = Map.of(
            "ViewCategory", "view_category",
            "WatchVideo", "watch_video",
            "AppInstall", "app_install");

    static final String CUSTOM_EVENT = "custom";

    /**
     * Events never sent: Pinterest's API only adds conversions, so a refund would be counted as
     * one more ({@code custom}) conversion with a positive value.
     */
    static final Set<String> NOT_SENT = Set.of("Refund");

    /** Canonical hashed field -> Pinterest {@code user_data} key, each sent as a list of hashes. */
    private static final List<Map.Entry<String, String>> HASHED = List.of(
            Map.entry("email", "em"), Map.entry("phone", "ph"),
            Map.entry("first_name", "fn"), Map.entry("last_name", "ln"),
            Map.entry("date_of_birth", "db"), Map.entry("gender", "ge"),
            Map.entry("city", "ct"), Map.entry("state", "st"), Map.entry("zip", "zp"),
            Map.entry("country", "country"), Map.entry("external_id", "external_id"));

    private final Optional<String> appActionSource;

    PinterestEventMapper(Optional<String> appActionSource) {
        this.appActionSource = appActionSource;
    }

    ObjectNode event(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        PinterestFlags flags = PinterestFlags.read(item, p.path("platform_flags"));
        ObjectNode e = NODES.objectNode();
        e.put("event_name", eventName(item));
        e.put("action_source", actionSource(item, p));
        e.put("event_time", item.eventTime().getEpochSecond());
        e.put("event_id", item.eventId());
        putText(e, "event_source_url", p, "event_source_url");
        flags.optOut().ifPresent(optOut -> e.put("opt_out", optOut));
        e.set("user_data", userData(item, p.path("user")));
        ObjectNode custom = customData(item, p.path("custom"), flags.optOutType());
        if (!custom.isEmpty()) {
            e.set("custom_data", custom);
        }
        return e;
    }

    private static String eventName(OutboxItem item) {
        String name = item.eventName();
        if (NOT_SENT.contains(name)) {
            throw new UnmappableItemException(item.id(), name + " has no Pinterest event (the API cannot take a conversion back)");
        }
        String mapped = STANDARD_EVENTS.get(name);
        if (mapped == null) {
            mapped = PINTEREST_ONLY_EVENTS.getOrDefault(name, CUSTOM_EVENT);
        }
        return mapped;
    }

    /**
     * Pinterest knows four sources. Everything that is neither a web page nor an app happened
     * away from Pinterest's tag and SDK, which is what Pinterest calls {@code offline}.
     */
    private String actionSource(OutboxItem item, JsonNode p) {
        ActionSource source = ActionSource.fromWire(p.path("action_source").asText(""))
                .orElseThrow(() -> new UnmappableItemException(item.id(), "action_source is missing or unknown"));
        return switch (source) {
            case WEBSITE -> "web";
            case APP -> appActionSource.orElseThrow(() -> new UnmappableItemException(item.id(),
                    "app events need the destination setting " + PinterestSettings.APP_PLATFORM
                            + " (android or ios): the event does not say which"));
            case EMAIL, PHONE_CALL, CHAT, PHYSICAL_STORE, SYSTEM_GENERATED, BUSINESS_MESSAGING, OTHER -> "offline";
        };
    }

    private static ObjectNode userData(OutboxItem item, JsonNode u) {
        ObjectNode out = NODES.objectNode();
        JsonNode hashed = u.path("hashed");
        for (Map.Entry<String, String> field : HASHED) {
            // Pinterest takes lists of hashes.
            ArrayNode list = hashes(hashed.path(field.getKey()));
            if (!list.isEmpty()) {
                out.set(field.getValue(), list);
            }
        }
        // Raw, as Pinterest requires; user.plain is never sent: Pinterest takes no plain-text identifiers.
        putText(out, "client_ip_address", u, "client_ip");
        putText(out, "client_user_agent", u, "user_agent");
        putText(out, "click_id", u.path("click_ids"), "epik");
        // platforms.md §6: at least em, hashed_maids, or client_ip_address with client_user_agent.
        // Sluice has no mobile advertising ids, so em or the pair must be there.
        if (!out.has("em") && !(out.has("client_ip_address") && out.has("client_user_agent"))) {
            throw new UnmappableItemException(item.id(), "user_data " + keys(out)
                    + " lacks what Pinterest requires: em, or client_ip_address with client_user_agent");
        }
        return out;
    }

    private static ObjectNode customData(OutboxItem item, JsonNode c, Optional<String> optOutType) {
        ObjectNode out = NODES.objectNode();
        putText(out, "currency", c, "currency");
        JsonNode value = c.path("value");
        if (!value.isMissingNode() && !value.isNull()) {
            out.put("value", decimal(item, value)); // a string: Pinterest parses it itself
        }
        if (c.path("content_ids").isArray() && !c.path("content_ids").isEmpty()) {
            ArrayNode ids = out.putArray("content_ids");
            c.path("content_ids").forEach(id -> ids.add(id.asText()));
        }
        if (c.path("num_items").canConvertToInt()) {
            out.put("num_items", c.path("num_items").intValue());
        }
        putText(out, "order_id", c, "order_id");
        optOutType.ifPresent(type -> out.put("opt_out_type", type));
        return out;
    }

    // Money arrives as a decimal string; parsing only checks it, toPlainString keeps "129.90" as is.
    private static String decimal(OutboxItem item, JsonNode value) {
        try {
            return (value.isTextual() ? new BigDecimal(value.asText()) : value.decimalValue()).toPlainString();
        } catch (NumberFormatException e) {
            throw new UnmappableItemException(item.id(), "custom.value is not a decimal number");
        }
    }

    private static Set<String> keys(ObjectNode node) {
        Set<String> keys = new TreeSet<>();
        node.properties().forEach(field -> keys.add(field.getKey()));
        return keys;
    }
}
