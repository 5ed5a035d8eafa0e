package dev.sluice.connector.tiktok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.sluice.connector.PayloadFields.decimal;
import static dev.sluice.connector.PayloadFields.putText;
import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one entry of the Events API 2.0 {@code data}
 * array (platforms.md §4, "Body"). Pure; field order is fixed so equal input gives equal bytes.
 * Values are copied, never hashed or normalized: the privacy stage hashed them with TikTok's
 * profile already ({@code ProfileRules}, case TIKTOK).
 */
final class TiktokEventMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * Sluice standard names that TikTok spells differently. Every other Sluice standard name is
     * also a TikTok standard name spelt the same (TikTok Ads Manager help, "About supported
     * standard events", 2025: AddPaymentInfo, AddToCart, AddToWishlist, CompleteRegistration,
     * Contact, CustomizeProduct, FindLocation, InitiateCheckout, Lead, Purchase, Schedule, Search,
     * StartTrial, SubmitApplication, Subscribe, ViewContent), or has no TikTok counterpart
     * (PageView, Donate, Refund) and goes as a custom event, which TikTok accepts for reporting
     * and audiences but not optimization. {@code Purchase} is sent as is: the 2025 list names
     * it, where older lists had {@code CompletePayment}.
     */
    static final Map<String, String> EVENT_NAMES = Map.of("SignUp", "CompleteRegistration");

    /**
     * Action sources that TikTok takes through another event source than a pixel: app events
     * need an app id, store sales an offline event set (platforms.md §4 "Body": event_source
     * {@code app} / {@code offline}). Sent to a pixel they would be counted as web conversions,
     * so they are refused with a reason instead. The other action sources (system_generated,
     * email, phone_call, chat, ...) have no closer TikTok event source that a pixel destination
     * could use and go to the pixel; whether TikTok would rather take phone and chat conversions
     * through an offline or CRM event set is UNCONFIRMED.
     */
    static final Set<String> NOT_WEB = Set.of("app", "physical_store");

    /** Canonical hashed field -> TikTok {@code user} key. Names and zip hashed: UNCONFIRMED (§4). */
    private static final List<Map.Entry<String, String>> HASHED = List.of(
            Map.entry("email", "email"), Map.entry("phone", "phone"), Map.entry("external_id", "external_id"),
            Map.entry("first_name", "first_name"), Map.entry("last_name", "last_name"));
    /** Sent unhashed, as TikTok's profile leaves them (Segment's mapper only: UNCONFIRMED, §4). */
    private static final List<String> PLAIN = List.of("city", "state", "country");
    /** The only consent flag TikTok has a field for (§4 "Consent"). */
    static final String LIMITED_DATA_USE = "limited_data_use";

    private TiktokEventMapper() {
    }

    static ObjectNode event(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        String actionSource = text(p, "action_source");
        if (actionSource == null) {
            throw new UnmappableItemException(item.id(), "action_source is missing");
        }
        if (NOT_WEB.contains(actionSource)) {
            throw new UnmappableItemException(item.id(), "action_source " + actionSource
                    + " is not a web event; TikTok takes it through an app or offline event source, not a pixel");
        }
        ObjectNode e = NODES.objectNode();
        e.put("event", EVENT_NAMES.getOrDefault(item.eventName(), item.eventName()));
        e.put("event_time", item.eventTime().getEpochSecond());
        e.put("event_id", item.eventId());
        e.set("user", user(p.path("user")));
        ObjectNode properties = properties(item, p.path("custom"));
        if (!properties.isEmpty()) {
            e.set("properties", properties);
        }
        String url = text(p, "event_source_url");
        if (url != null) {
            e.putObject("page").put("url", url);
        }
        limitedDataUse(item, p.path("platform_flags"), e);
        return e;
    }

    private static ObjectNode user(JsonNode u) {
        ObjectNode out = NODES.objectNode();
        JsonNode hashed = u.path("hashed");
        for (Map.Entry<String, String> field : HASHED) {
            putText(out, field.getValue(), hashed, field.getKey());
        }
        for (String field : PLAIN) {
            putText(out, field, u.path("plain"), field);
        }
        putText(out, "zip_code", hashed, "zip");
        // Raw click ids and device data, unhashed as TikTok requires; stored only encrypted.
        putText(out, "ttclid", u.path("click_ids"), "ttclid");
        // The _ttp cookie, as ingest takes it (click_ids.ttp).
        putText(out, "ttp", u.path("click_ids"), "ttp");
        putText(out, "ip", u, "client_ip");
        putText(out, "user_agent", u, "user_agent");
        return out;
    }

    private static ObjectNode properties(OutboxItem item, JsonNode c) {
        ObjectNode out = NODES.objectNode();
        JsonNode value = c.path("value");
        if (!value.isMissingNode() && !value.isNull()) {
            out.set("value", NODES.numberNode(decimal(item, value)));
        }
        putText(out, "currency", c, "currency");
        // contents[] is the shape TikTok's own request example uses; content_type is left out
        // because the event does not say whether its ids are products or product groups.
        if (c.path("content_ids").isArray() && !c.path("content_ids").isEmpty()) {
            ArrayNode contents = out.putArray("contents");
            c.path("content_ids").forEach(id -> contents.addObject().put("content_id", id.asText()));
        }
        if (c.path("num_items").canConvertToInt()) {
            out.put("num_items", c.path("num_items").intValue());
        }
        putText(out, "order_id", c, "order_id");
        return out;
    }

    /**
     * The consent decision's flags, written in TikTok's field names by the consent policy
     * ({@code tiktok.limited-data-use}). A flag TikTok has no field for, or a non-boolean
     * {@code limited_data_use}, is a policy mistake; sending the event without the restriction
     * the policy asked for would break the consent decision, so the item is refused instead.
     */
    private static void limitedDataUse(OutboxItem item, JsonNode flags, ObjectNode e) {
        if (!flags.isObject()) {
            return;
        }
        Set<String> unknown = new TreeSet<>();
        flags.fieldNames().forEachRemaining(unknown::add);
        unknown.remove(LIMITED_DATA_USE);
        if (!unknown.isEmpty()) {
            throw new UnmappableItemException(item.id(), "platform_flags " + unknown + " have no TikTok field");
        }
        JsonNode ldu = flags.path(LIMITED_DATA_USE);
        if (ldu.isMissingNode()) {
            return;
        }
        if (!ldu.isBoolean()) {
            throw new UnmappableItemException(item.id(), "platform_flags.limited_data_use must be true or false");
        }
        e.put(LIMITED_DATA_USE, ldu.booleanValue());
    }
}
