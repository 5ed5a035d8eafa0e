package dev.sluice.connector.ga4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.RequestBodies;
import dev.sluice.connector.UnmappableItemException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sluice.connector.PayloadFields.decimal;
import static dev.sluice.connector.PayloadFields.hashes;
import static dev.sluice.connector.PayloadFields.putText;
import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one Measurement Protocol request body
 * (platforms.md §3, "Body"): {@code {client_id, timestamp_micros, user_data, consent,
 * events:[{name, params}]}}. Pure; field order is fixed so equal input gives equal bytes. Values
 * are copied, never hashed or normalized: the privacy stage hashed them with Google's profile
 * already ({@code ProfileRules}, case GOOGLE: e-mail, phone, first and last name hashed; city,
 * state, ZIP and country plain, as GA4's {@code address[]} takes them).
 *
 * <p>Left out, because the canonical event does not carry them: {@code user_id} (Google
 * recommends it beside {@code user_data}; the GOOGLE profile produces no external id, and a hash
 * of one would not be the site's User-ID anyway), {@code sha256_street},
 * {@code params.session_id} and {@code params.engagement_time_msec} (needed only for Realtime
 * and session reports), and item names, prices and quantities ({@code num_items} is a total, not
 * a quantity per item). {@code event_source_url} is not sent either: GA4 would take it as
 * {@code page_location}, which this connector leaves to the site's own tag.
 */
final class Ga4EventMapper {
    private static final JsonNodeFactory NODES = RequestBodies.NODES;

    /**
     * Sluice standard event -> GA4 event. The first group are GA4 recommended events (GA4
     * "Recommended events" reference): they fill GA4's ecommerce and lead reports. The second
     * group have no recommended counterpart and go as custom events, spelt the GA4 way; GA4
     * takes any custom name within its rules, so nothing standard is refused.
     *
     * <p>{@code page_view} is named reserved in GA's "Event naming rules" help page (web list,
     * for events created in the GA UI) but not in the Measurement Protocol reference's reserved
     * names; whether MP keeps a server-sent {@code page_view} is UNCONFIRMED (check with
     * {@code validate: true}).
     */
    static final Map<String, String> STANDARD_EVENTS = Map.ofEntries(
            Map.entry("Purchase", "purchase"), Map.entry("Refund", "refund"),
            Map.entry("AddToCart", "add_to_cart"), Map.entry("AddToWishlist", "add_to_wishlist"),
            Map.entry("AddPaymentInfo", "add_payment_info"), Map.entry("InitiateCheckout", "begin_checkout"),
            Map.entry("Lead", "generate_lead"), Map.entry("SignUp", "sign_up"),
            Map.entry("CompleteRegistration", "sign_up"), Map.entry("ViewContent", "view_item"),
            Map.entry("Search", "search"), Map.entry("PageView", "page_view"),
            // custom events: no recommended GA4 event means the same thing
            Map.entry("Contact", "contact"), Map.entry("CustomizeProduct", "customize_product"),
            Map.entry("Donate", "donate"), Map.entry("FindLocation", "find_location"),
            Map.entry("Schedule", "schedule"), Map.entry("StartTrial", "start_trial"),
            Map.entry("SubmitApplication", "submit_application"), Map.entry("Subscribe", "subscribe"));

    /** GA4's event name rule: a letter, then letters, digits or underscores, 40 at most. */
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");
    /** Reserved prefixes (MP reference; Firebase event reference): {@code _} cannot start a valid name anyway. */
    static final List<String> RESERVED_PREFIXES = List.of("firebase_", "google_", "ga_");
    /**
     * Reserved event names: the Measurement Protocol reference's list (the same as Firebase's
     * {@code FirebaseAnalytics.Event} reference) and the web events GA collects on its own (GA
     * help "Event naming rules"), except {@code page_view} (see {@link #STANDARD_EVENTS}). GA
     * says neither list is exhaustive: an unlisted reserved name is dropped by GA silently, and
     * {@code validate: true} reports it as NAME_RESERVED.
     */
    static final Set<String> RESERVED_NAMES = Set.of(
            "ad_activeview", "ad_click", "ad_exposure", "ad_impression", "ad_query", "ad_reward", "adunit_exposure",
            "app_background", "app_clear_data", "app_exception", "app_install", "app_remove", "app_store_refund",
            "app_store_subscription_cancel", "app_store_subscription_convert", "app_store_subscription_renew",
            "app_update", "app_upgrade", "dynamic_link_app_open", "dynamic_link_app_update",
            "dynamic_link_first_open", "error", "first_open", "first_visit", "in_app_purchase",
            "notification_dismiss", "notification_foreground", "notification_open", "notification_receive",
            "os_update", "screen_view", "session_start", "session_start_with_rollout", "user_engagement",
            "click", "file_download", "form_start", "form_submit", "scroll", "video_complete", "video_progress",
            "video_start", "view_complete", "view_search_results");

    /** Parameter values are at most 100 characters (MP "Limitations"; 500 for GA4 360 properties, not assumed). */
    static final int MAX_PARAM_VALUE = 100;

    /** The browser id ingest takes in {@code user.click_ids}. */
    static final String GA_COOKIE = "_ga";
    /**
     * The {@code _ga} cookie, {@code GA1.<domain level>.<random>.<first visit, unix seconds>};
     * the client id the site's tag sends is its last two parts.
     */
    private static final Pattern COOKIE = Pattern.compile("GA1\\.[0-9]{1,2}\\.([0-9]{1,20}\\.[0-9]{1,20})");
    /** A client id as the tag reports it ({@code gtag('get', ..., 'client_id')}): {@code <random>.<timestamp>}. */
    private static final Pattern CLIENT_ID = Pattern.compile("[0-9]{1,20}\\.[0-9]{1,20}");
    static final String NO_CLIENT_ID = "no GA client id (click_ids._ga)";
    static final String MALFORMED_CLIENT_ID = "no GA client id (click_ids._ga is neither a _ga cookie "
            + "GA1.<n>.<random>.<timestamp> nor a client id <random>.<timestamp>)";

    /** The consent policy's flags for GA4 (conf/consent-policy.yaml, {@code ga4}): GA4's own field names and values. */
    static final String CONSENT = "consent";
    static final Set<String> CONSENT_FIELDS = Set.of("ad_user_data", "ad_personalization");
    static final Set<String> CONSENT_VALUES = Set.of("GRANTED", "DENIED");

    private Ga4EventMapper() {
    }

    /** The request body for one item. */
    static ObjectNode request(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        String clientId = clientId(item, p.path("user").path("click_ids"));
        String name = eventName(item);
        ObjectNode params = params(item, name, p.path("custom"));
        ObjectNode consent = consent(item, p.path("platform_flags"));
        ObjectNode root = NODES.objectNode();
        root.put("client_id", clientId);
        root.put("timestamp_micros", micros(item.eventTime()));
        // ad_user_data DENIED means no user-provided data: upstream strips it for the shipped
        // policy's LIMITED decision, and a policy that sets the flag without stripping still
        // sends none, rather than data the flag says may not be used.
        boolean userDataDenied = "DENIED".equals(consent.path("ad_user_data").asText());
        ObjectNode userData = userDataDenied ? NODES.objectNode() : userData(p.path("user"));
        if (!userData.isEmpty()) {
            root.set("user_data", userData);
        }
        if (!consent.isEmpty()) {
            root.set(CONSENT, consent);
        }
        ObjectNode event = root.putArray("events").addObject();
        event.put("name", name);
        if (!params.isEmpty()) {
            event.set("params", params);
        }
        return root;
    }

    /**
     * The client id from {@code click_ids._ga}, in either form ingest accepts. Never made up: an
     * invented id would count a new user and attribute the conversion to nothing.
     */
    static String clientId(OutboxItem item, JsonNode clickIds) {
        String ga = text(clickIds, GA_COOKIE);
        if (ga == null) {
            throw new UnmappableItemException(item.id(), NO_CLIENT_ID);
        }
        Matcher cookie = COOKIE.matcher(ga);
        if (cookie.matches()) {
            return cookie.group(1);
        }
        if (CLIENT_ID.matcher(ga).matches()) {
            return ga;
        }
        throw new UnmappableItemException(item.id(), MALFORMED_CLIENT_ID);
    }

    /** Reasons never echo a custom name: it is the merchant's own text. */
    static String eventName(OutboxItem item) {
        String standard = STANDARD_EVENTS.get(item.eventName());
        if (standard != null) {
            return standard;
        }
        String name = item.eventName();
        if (!NAME.matcher(name).matches()) {
            throw new UnmappableItemException(item.id(),
                    "event_name does not fit GA4's name rules (a letter, then at most 39 letters, digits or underscores)");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED_NAMES.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith)) {
            throw new UnmappableItemException(item.id(), "event_name is reserved by GA4 (reserved name or prefix)");
        }
        return name;
    }

    private static ObjectNode params(OutboxItem item, String name, JsonNode c) {
        ObjectNode out = NODES.objectNode();
        String orderId = text(c, "order_id");
        if (orderId != null) {
            out.put("transaction_id", limited(item, orderId, "custom.order_id"));
        } else if (name.equals("refund")) {
            throw new UnmappableItemException(item.id(), "Refund needs custom.order_id: GA4 finds the purchase to refund by transaction_id");
        }
        JsonNode value = c.path("value");
        if (!value.isMissingNode() && !value.isNull()) {
            BigDecimal amount = decimal(item, value);
            if (text(c, "currency") == null) {
                throw new UnmappableItemException(item.id(), "custom.value needs custom.currency: GA4 counts no revenue without it");
            }
            out.set("value", NODES.numberNode(amount));
        }
        putText(out, "currency", c, "currency");
        JsonNode ids = c.path("content_ids");
        if (ids.isArray() && !ids.isEmpty()) {
            ArrayNode items = out.putArray("items");
            for (JsonNode id : ids) {
                items.addObject().put("item_id", limited(item, id.asText(), "custom.content_ids"));
            }
        }
        return out;
    }

    private static String limited(OutboxItem item, String value, String field) {
        if (value.length() > MAX_PARAM_VALUE) {
            throw new UnmappableItemException(item.id(), field + " is longer than GA4's " + MAX_PARAM_VALUE
                    + "-character limit for parameter values");
        }
        return value;
    }

    private static ObjectNode userData(JsonNode u) {
        ObjectNode out = NODES.objectNode();
        JsonNode hashed = u.path("hashed");
        ArrayNode emails = hashes(hashed.path("email"));
        if (!emails.isEmpty()) {
            out.set("sha256_email_address", emails);
        }
        ArrayNode phones = hashes(hashed.path("phone"));
        if (!phones.isEmpty()) {
            out.set("sha256_phone_number", phones);
        }
        ObjectNode address = NODES.objectNode();
        putText(address, "sha256_first_name", hashed, "first_name");
        putText(address, "sha256_last_name", hashed, "last_name");
        JsonNode plain = u.path("plain");
        putText(address, "city", plain, "city");
        putText(address, "region", plain, "state");
        putText(address, "postal_code", plain, "zip");
        putText(address, "country", plain, "country");
        if (!address.isEmpty()) {
            out.putArray("address").add(address);
        }
        return out;
    }

    /**
     * The consent decision's flags, written by the policy in GA4's own shape
     * ({@code {consent: {ad_user_data: GRANTED|DENIED, ad_personalization: ...}}}, values
     * upper-case as in the MP reference). A flag GA4 has no field for, or a value other than
     * GRANTED or DENIED, is a policy mistake: sending the event without the restriction the
     * decision asked for would send more than it allows, so the item is refused instead.
     */
    private static ObjectNode consent(OutboxItem item, JsonNode flags) {
        ObjectNode out = NODES.objectNode();
        if (flags.isMissingNode() || flags.isNull()) {
            return out;
        }
        if (!flags.isObject()) {
            throw new UnmappableItemException(item.id(), "platform_flags is not an object");
        }
        Set<String> unknown = new TreeSet<>();
        flags.fieldNames().forEachRemaining(unknown::add);
        unknown.remove(CONSENT);
        if (!unknown.isEmpty()) {
            throw new UnmappableItemException(item.id(), "platform_flags " + unknown
                    + " have no GA4 field; sending without them would ignore the consent policy");
        }
        JsonNode consent = flags.path(CONSENT);
        if (consent.isMissingNode()) {
            return out;
        }
        if (!consent.isObject()) {
            throw new UnmappableItemException(item.id(), "platform_flags.consent is not an object");
        }
        for (Map.Entry<String, JsonNode> flag : consent.properties()) {
            if (!CONSENT_FIELDS.contains(flag.getKey())) {
                throw new UnmappableItemException(item.id(), "platform_flags.consent has a field GA4 does not know");
            }
            if (!flag.getValue().isTextual() || !CONSENT_VALUES.contains(flag.getValue().asText())) {
                throw new UnmappableItemException(item.id(), "platform_flags.consent." + flag.getKey() + " must be GRANTED or DENIED");
            }
        }
        // GA4's field order, whatever order the policy wrote them in.
        putText(out, "ad_user_data", consent, "ad_user_data");
        putText(out, "ad_personalization", consent, "ad_personalization");
        return out;
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
