package dev.sluice.connector.snapchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;
import dev.sluice.event.ActionSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.sluice.connector.PayloadFields.decimal;
import static dev.sluice.connector.PayloadFields.hashes;
import static dev.sluice.connector.PayloadFields.putText;
import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one entry of the Conversions API v3
 * {@code data} array (platforms.md §5, "Body"). Pure; field order is fixed (the order of Snap's
 * request example) so equal input gives equal bytes. Values are copied, never hashed or
 * normalized: the privacy stage hashed them with Snapchat's profile already
 * ({@code ProfileRules}, case SNAPCHAT).
 *
 * <p>Snap refuses a request for one event it cannot take (Test Event Tool: "any required field",
 * "missing price and/or currency in Purchase events", "insufficient PII" are all HTTP 400), so
 * what it is known to refuse is refused here, per item, with a reason.
 */
final class SnapchatEventMapper {
    // exact: keep "129.90" as 129.90 instead of letting Jackson strip or round it
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * Snapchat's event names, from Snap's official list of pixel and app events (Marketing API,
     * "Mobile App Events"; the same names in RudderStack's v3 mapping). {@code APP_INSTALL} and
     * {@code APP_OPEN} are left out: this connector sends to a pixel, never to a Snap App ID. Snap
     * has no free-form custom events, only {@code CUSTOM_EVENT_1} to {@code _5}.
     */
    static final Set<String> SNAP_EVENTS = Set.copyOf(Stream.concat(Stream.of(
            "PAGE_VIEW", "VIEW_CONTENT", "ADD_CART", "ADD_TO_WISHLIST", "SIGN_UP", "SEARCH", "PURCHASE", "ADD_BILLING",
            "START_CHECKOUT", "SUBSCRIBE", "START_TRIAL", "SAVE", "LIST_VIEW", "RESERVE", "AD_CLICK", "AD_VIEW",
            "COMPLETE_TUTORIAL", "LEVEL_COMPLETE", "ACHIEVEMENT_UNLOCKED", "SPENT_CREDITS", "RATE", "SHARE", "INVITE",
            "LOGIN"), IntStream.rangeClosed(1, 5).mapToObj(i -> "CUSTOM_EVENT_" + i)).toList());

    /**
     * Sluice standard event -> Snapchat event. CompleteRegistration is Meta's name for a sign-up;
     * AddPaymentInfo is Snap's ADD_BILLING; Schedule (booking an appointment) is Snap's RESERVE.
     * Lead, SubmitApplication, Contact, CustomizeProduct, Donate and FindLocation have no Snap
     * counterpart: they are refused unless the destination maps them ({@code event-names}, e.g.
     * {@code Lead=CUSTOM_EVENT_1}), because sending them as some other event would count them as
     * that event. A custom event already spelt as a Snapchat name (SAVE, CUSTOM_EVENT_2) goes as is.
     */
    static final Map<String, String> STANDARD_EVENTS = Map.ofEntries(
            Map.entry("Purchase", "PURCHASE"), Map.entry("AddToCart", "ADD_CART"),
            Map.entry("AddToWishlist", "ADD_TO_WISHLIST"), Map.entry("AddPaymentInfo", "ADD_BILLING"),
            Map.entry("InitiateCheckout", "START_CHECKOUT"), Map.entry("PageView", "PAGE_VIEW"),
            Map.entry("ViewContent", "VIEW_CONTENT"), Map.entry("Search", "SEARCH"),
            Map.entry("SignUp", "SIGN_UP"), Map.entry("CompleteRegistration", "SIGN_UP"),
            Map.entry("Subscribe", "SUBSCRIBE"), Map.entry("StartTrial", "START_TRIAL"),
            Map.entry("Schedule", "RESERVE"));

    /** Never sent: the API only adds conversions, so a refund would be counted as one more. */
    static final Set<String> NOT_SENT = Set.of("Refund");

    /**
     * Action sources. {@code WEB} for the shop's pages. Everything that happened away from the
     * pixel (store, phone, email, chat, the merchant's systems) is {@code OFFLINE}: Snap's native
     * value ("Offline Events" guide, which also accepts Meta's channel names as aliases). App
     * events need a Snap App ID endpoint and {@code app_data} that the canonical event lacks.
     */
    static final String WEB = "WEB";
    static final String OFFLINE = "OFFLINE";

    /** The event Snap refuses without {@code value} and {@code currency} (Test Event Tool table). */
    static final String PURCHASE = "PURCHASE";

    /** Canonical hashed field -> Snapchat {@code user_data} key, each sent as a list of hashes. */
    private static final List<Map.Entry<String, String>> HASHED = List.of(
            Map.entry("email", "em"), Map.entry("phone", "ph"),
            Map.entry("first_name", "fn"), Map.entry("last_name", "ln"),
            // db is in Snap's parameter list but not its SDK model, and the SNAPCHAT profile does
            // not produce it today (UNCONFIRMED); copied should a later profile hash it.
            Map.entry("date_of_birth", "db"), Map.entry("gender", "ge"),
            Map.entry("city", "ct"), Map.entry("state", "st"), Map.entry("zip", "zp"),
            Map.entry("country", "country"),
            // A list, as the Segment destination Snap maintains sends it: UNCONFIRMED in Snap's own text.
            Map.entry("external_id", "external_id"));

    /** Click ids: the ScCid URL parameter and the _scid cookie, both sent raw. */
    static final String CLICK_ID = "ScCid";
    /** The _scid cookie, as ingest takes it (click_ids._scid). */
    static final String COOKIE = "_scid";

    /** The consent policy's flags for Snapchat, in Snap's own field names (see {@link #limitedUse}). */
    static final String DPO = "data_processing_options";
    static final String DPO_COUNTRY = "data_processing_options_country";
    static final String DPO_STATE = "data_processing_options_state";
    private static final Pattern DPO_MODE = Pattern.compile("[A-Za-z_]{1,32}");

    private final Map<String, String> merchantNames;

    SnapchatEventMapper(Map<String, String> merchantNames) {
        this.merchantNames = Map.copyOf(merchantNames);
    }

    ObjectNode event(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        String eventName = eventName(item);
        String actionSource = actionSource(item, p);
        ObjectNode e = NODES.objectNode();
        e.put("event_name", eventName);
        e.put("event_time", item.eventTime().getEpochSecond());
        e.put("event_id", item.eventId());
        e.put("action_source", actionSource);
        String url = text(p, "event_source_url");
        if (url != null) {
            e.put("event_source_url", url);
        } else if (actionSource.equals(WEB)) {
            throw new UnmappableItemException(item.id(), "website events need event_source_url");
        }
        limitedUse(item, p.path("platform_flags"), e);
        e.set("user_data", userData(item, p.path("user")));
        ObjectNode custom = customData(item, p.path("custom"));
        if (eventName.equals(PURCHASE) && !(custom.has("value") && custom.has("currency"))) {
            throw new UnmappableItemException(item.id(), "Snapchat refuses a PURCHASE without custom.value and custom.currency");
        }
        if (!custom.isEmpty()) {
            e.set("custom_data", custom);
        }
        return e;
    }

    /** The reason names no event name: a custom name is the merchant's own text. */
    private String eventName(OutboxItem item) {
        String name = item.eventName();
        if (NOT_SENT.contains(name)) {
            throw new UnmappableItemException(item.id(), "Refund has no Snapchat event (the API cannot take a conversion back)");
        }
        String mapped = merchantNames.getOrDefault(name, STANDARD_EVENTS.get(name));
        if (mapped == null && SNAP_EVENTS.contains(name)) {
            mapped = name;
        }
        if (mapped == null) {
            throw new UnmappableItemException(item.id(), "event_name has no Snapchat event; map it with the destination setting "
                    + SnapchatSettings.EVENT_NAMES + " (e.g. to CUSTOM_EVENT_1)");
        }
        return mapped;
    }

    private static String actionSource(OutboxItem item, JsonNode p) {
        ActionSource source = ActionSource.fromWire(p.path("action_source").asText(""))
                .orElseThrow(() -> new UnmappableItemException(item.id(), "action_source is missing or unknown"));
        return switch (source) {
            case WEBSITE -> WEB;
            case APP -> throw new UnmappableItemException(item.id(),
                    "action_source app needs a Snap App ID and app_data; this destination sends to a pixel");
            case EMAIL, PHONE_CALL, CHAT, PHYSICAL_STORE, SYSTEM_GENERATED, BUSINESS_MESSAGING, OTHER -> OFFLINE;
        };
    }

    private static ObjectNode userData(OutboxItem item, JsonNode u) {
        ObjectNode out = NODES.objectNode();
        JsonNode hashed = u.path("hashed");
        for (Map.Entry<String, String> field : HASHED) {
            // Snap takes "string or list of strings".
            ArrayNode list = hashes(hashed.path(field.getKey()));
            if (!list.isEmpty()) {
                out.set(field.getValue(), list);
            }
        }
        // Raw, as Snap requires (a hashed IP is refused); they were stored only encrypted.
        // user.plain is never sent: every Snapchat identifier is hashed.
        putText(out, "client_ip_address", u, "client_ip");
        putText(out, "client_user_agent", u, "user_agent");
        putText(out, "sc_click_id", u.path("click_ids"), CLICK_ID);
        putText(out, "sc_cookie1", u.path("click_ids"), COOKIE);
        // Snap answers "Insufficient PII" with a 400 for the whole request. What suffices is
        // UNCONFIRMED in Snap's text; both integrations Snap's docs point to (Segment, RudderStack)
        // require em, ph, a mobile ad id, or IP address with user agent. Sluice has no mobile ad ids.
        if (!out.has("em") && !out.has("ph") && !(out.has("client_ip_address") && out.has("client_user_agent"))) {
            throw new UnmappableItemException(item.id(), "user_data " + keys(out)
                    + " is too little for Snapchat: needs em, ph, or client_ip_address with client_user_agent");
        }
        return out;
    }

    private static ObjectNode customData(OutboxItem item, JsonNode c) {
        ObjectNode out = NODES.objectNode();
        // ISO 4217 as the canonical event holds it (upper case), as in Snap's example.
        putText(out, "currency", c, "currency");
        JsonNode value = c.path("value");
        if (!value.isMissingNode() && !value.isNull()) {
            out.set("value", NODES.numberNode(decimal(item, value))); // a number in the SDK model
        }
        if (c.path("content_ids").isArray() && !c.path("content_ids").isEmpty()) {
            ArrayNode ids = out.putArray("content_ids");
            c.path("content_ids").forEach(id -> ids.add(id.asText()));
        }
        if (c.path("num_items").canConvertToInt()) {
            out.put("num_items", c.path("num_items").intValue());
        }
        // Snap deduplicates purchases on order_id against the pixel's transaction_id (UNCONFIRMED).
        putText(out, "order_id", c, "order_id");
        return out;
    }

    /**
     * Places the consent decision's limited-use flags, which the policy writes in Snap's own
     * field names (shipped policy: {@code {data_processing_options: [LDU]}}, platforms.md §5
     * "Consent"). Country and state qualifiers follow Meta's form, as the Segment destination Snap
     * maintains sends them (UNCONFIRMED in Snap's own text); neither is required. A flag this
     * connector does not know, or a malformed one, makes the item unmappable: sending the event
     * without the restriction the decision asked for would send more than the decision allows.
     */
    private static void limitedUse(OutboxItem item, JsonNode flags, ObjectNode e) {
        if (flags.isMissingNode() || flags.isNull()) {
            return;
        }
        if (!flags.isObject()) {
            throw new UnmappableItemException(item.id(), "platform_flags is not an object");
        }
        Set<String> unknown = new TreeSet<>();
        flags.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(Set.of(DPO, DPO_COUNTRY, DPO_STATE));
        if (!unknown.isEmpty()) {
            throw new UnmappableItemException(item.id(), "platform_flags " + unknown
                    + " have no Snapchat field; sending without them would ignore the consent policy");
        }
        JsonNode modes = flags.path(DPO);
        JsonNode country = flags.path(DPO_COUNTRY);
        JsonNode state = flags.path(DPO_STATE);
        if (modes.isMissingNode() && country.isMissingNode() && state.isMissingNode()) {
            return;
        }
        if (!modes.isArray() || modes.isEmpty()) {
            throw new UnmappableItemException(item.id(), "platform_flags.data_processing_options must be a non-empty list");
        }
        ArrayNode out = e.putArray(DPO);
        for (JsonNode mode : modes) {
            if (!mode.isTextual() || !DPO_MODE.matcher(mode.asText()).matches()) {
                throw new UnmappableItemException(item.id(), "platform_flags.data_processing_options must hold names such as LDU");
            }
            out.add(mode.asText());
        }
        if (country.isMissingNode() != state.isMissingNode()) {
            throw new UnmappableItemException(item.id(), "data_processing_options needs both country and state, or neither");
        }
        if (!country.isMissingNode()) {
            e.put(DPO_COUNTRY, code(item, country, DPO_COUNTRY));
            e.put(DPO_STATE, code(item, state, DPO_STATE));
        }
    }

    private static int code(OutboxItem item, JsonNode n, String name) {
        if (n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 0) {
            return n.intValue();
        }
        if (n.isTextual() && n.asText().matches("[0-9]{1,9}")) {
            return Integer.parseInt(n.asText());
        }
        throw new UnmappableItemException(item.id(), "platform_flags." + name + " must be a whole number");
    }

    private static Set<String> keys(ObjectNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

}
