package dev.sluice.ingest;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.event.ConsentSignals;
import dev.sluice.event.CustomData;
import dev.sluice.event.Event;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.privacy.PiiField;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the per-destination payload stored (sealed) in the outbox: the canonical event with
 * its personal data replaced by that destination's hashes, in the compact stored form that
 * {@link PayloadFormat} reads back into the version connectors take. Raw values that some platforms need
 * unhashed (client IP, user agent, click ids) are included here, which is why the payload is
 * only ever stored encrypted. Field order is fixed, so the same input gives the same bytes.
 */
final class PayloadWriter {
    /** Version of this payload layout, first field of every payload ({@link PayloadFormat}). */
    static final int VERSION = PayloadFormat.VERSION;

    private static final JsonBytes.Name V = JsonBytes.name(PayloadFormat.V);
    private static final JsonBytes.Name EVENT_ID = JsonBytes.name(PayloadFormat.EVENT_ID);
    private static final JsonBytes.Name EVENT_NAME = JsonBytes.name(PayloadFormat.EVENT_NAME);
    private static final JsonBytes.Name EVENT_TIME = JsonBytes.name(PayloadFormat.EVENT_TIME);
    private static final JsonBytes.Name ACTION_SOURCE = JsonBytes.name(PayloadFormat.ACTION_SOURCE);
    private static final JsonBytes.Name EVENT_SOURCE_URL = JsonBytes.name(PayloadFormat.EVENT_SOURCE_URL);
    private static final JsonBytes.Name ATTRIBUTION = JsonBytes.name(PayloadFormat.ATTRIBUTION);
    private static final JsonBytes.Name CONSENT_DECISION = JsonBytes.name(PayloadFormat.CONSENT_DECISION);
    private static final JsonBytes.Name DECISION = JsonBytes.name(PayloadFormat.DECISION);
    private static final JsonBytes.Name RULES = JsonBytes.name(PayloadFormat.RULES);
    private static final JsonBytes.Name PLATFORM_FLAGS = JsonBytes.name(PayloadFormat.PLATFORM_FLAGS);
    private static final JsonBytes.Name USER = JsonBytes.name(PayloadFormat.USER);
    private static final JsonBytes.Name HASHED = JsonBytes.name(PayloadFormat.HASHED);
    private static final JsonBytes.Name PLAIN = JsonBytes.name(PayloadFormat.PLAIN);
    private static final JsonBytes.Name CLIENT_IP = JsonBytes.name(PayloadFormat.CLIENT_IP);
    private static final JsonBytes.Name USER_AGENT = JsonBytes.name(PayloadFormat.USER_AGENT);
    private static final JsonBytes.Name CLICK_IDS = JsonBytes.name(PayloadFormat.CLICK_IDS);
    private static final JsonBytes.Name CUSTOM = JsonBytes.name(PayloadFormat.CUSTOM);
    private static final JsonBytes.Name VALUE = JsonBytes.name(PayloadFormat.VALUE);
    private static final JsonBytes.Name CURRENCY = JsonBytes.name(PayloadFormat.CURRENCY);
    private static final JsonBytes.Name ORDER_ID = JsonBytes.name(PayloadFormat.ORDER_ID);
    private static final JsonBytes.Name CONTENT_IDS = JsonBytes.name(PayloadFormat.CONTENT_IDS);
    private static final JsonBytes.Name NUM_ITEMS = JsonBytes.name(PayloadFormat.NUM_ITEMS);
    private static final JsonBytes.Name CONSENT = JsonBytes.name(PayloadFormat.CONSENT);
    private static final JsonBytes.Name AD_STORAGE = JsonBytes.name(PayloadFormat.AD_STORAGE);
    private static final JsonBytes.Name AD_USER_DATA = JsonBytes.name(PayloadFormat.AD_USER_DATA);
    private static final JsonBytes.Name AD_PERSONALIZATION = JsonBytes.name(PayloadFormat.AD_PERSONALIZATION);
    private static final JsonBytes.Name ANALYTICS_STORAGE = JsonBytes.name(PayloadFormat.ANALYTICS_STORAGE);
    private static final JsonBytes.Name TCF = JsonBytes.name(PayloadFormat.TCF);
    private static final JsonBytes.Name GPC = JsonBytes.name(PayloadFormat.GPC);
    private static final JsonBytes.Name US_PRIVACY = JsonBytes.name(PayloadFormat.US_PRIVACY);
    private static final JsonBytes.Name OPT_OUT = JsonBytes.name(PayloadFormat.OPT_OUT);
    private static final JsonBytes.Name JURISDICTION = JsonBytes.name(PayloadFormat.JURISDICTION);
    private static final PiiField[] FIELDS = PiiField.values();
    /** Personal-data field names, by field ordinal. */
    private static final JsonBytes.Name[] FIELD_NAME = new JsonBytes.Name[FIELDS.length];

    static {
        for (PiiField field : FIELDS) {
            FIELD_NAME[field.ordinal()] = JsonBytes.name(PayloadFormat.field(field));
        }
    }

    /**
     * Where a rendered payload is cut into the segments of {@link dev.sluice.privacy.PayloadParts}:
     * the user data are {@code [userStart, userEnd)}, the tail starts at {@code tailStart}. A
     * payload whose user data are stripped has {@code userStart} -1: its user object holds no
     * client IP or user agent, so it shares nothing with copies that hold them.
     */
    static final class Layout {
        int userStart = -1;
        int userEnd = -1;
        int tailStart = -1;

        boolean shareable() {
            return userStart >= 0;
        }
    }

    byte[] write(Event event, HashedIdentity identity, ConsentDecision decision) {
        JsonBytes g = new JsonBytes(2048);
        render(g, event, identity, decision, new Layout(), false);
        return g.toBytes();
    }

    /**
     * Writes the payload into {@code g}, which must be empty ({@link JsonBytes#reset}), and its cuts
     * into {@code layout}; with {@code rawDigests}, the user data's digests are written raw
     * ({@link JsonBytes#rawHashed}), for a copy whose user data become its own part, and the bytes
     * are a payload only once cut and spliced.
     */
    void render(JsonBytes g, Event event, HashedIdentity identity, ConsentDecision decision, Layout layout,
                boolean rawDigests) {
        layout.userStart = -1;
        layout.userEnd = -1;
        g.startObject();
        g.field(V).number(VERSION);
        g.stringField(EVENT_ID, event.eventId());
        g.stringField(EVENT_NAME, event.eventName());
        g.field(EVENT_TIME).number(event.eventTime().getEpochSecond());
        g.stringField(ACTION_SOURCE, event.actionSource().wireName());
        optional(g, EVENT_SOURCE_URL, event.eventSourceUrl());
        if (decision.restrictions().stripUserData()) {
            strippedUser(g, event);
        } else {
            user(g, event, identity, layout, rawDigests);
        }
        custom(g, event.custom());
        if (!event.attribution().isEmpty()) {
            stringMap(g, ATTRIBUTION, event.attribution());
        }
        consent(g, event.consent());
        layout.tailStart = g.length();
        tail(g, decision);
    }

    /**
     * Writes only what a copy that holds the user object in full does not share with the event's
     * other copies: an object holding just the user object with its user data (digests raw), then
     * its tail, with the cuts into {@code layout}. The user data and the tail are the very bytes
     * {@link #render} writes with raw digests for the same identity and decision (the head and
     * middle, written once per event, are not needed again). {@code g} must be empty.
     */
    void renderOwn(JsonBytes g, HashedIdentity identity, ConsentDecision decision, Layout layout) {
        if (decision.restrictions().stripUserData()) {
            throw new IllegalArgumentException("a copy without user data shares no part");
        }
        g.startObject();
        g.field(USER).startObject();
        layout.userStart = g.length();
        userData(g, identity, true);
        layout.userEnd = g.length();
        g.endObject();
        layout.tailStart = g.length();
        tail(g, decision);
    }

    /** The consent decision and platform flags, then the payload's closing brace. */
    private static void tail(JsonBytes g, ConsentDecision decision) {
        g.field(CONSENT_DECISION).startObject();
        g.stringField(DECISION, decision.decision().name());
        g.field(RULES).startArray();
        for (String rule : decision.ruleIds()) {
            g.string(rule);
        }
        g.endArray();
        g.endObject();
        if (!decision.restrictions().platformFlags().isEmpty()) {
            g.field(PLATFORM_FLAGS);
            value(g, decision.restrictions().platformFlags());
        }
        g.endObject();
    }

    private static void user(JsonBytes g, Event event, HashedIdentity identity, Layout layout, boolean rawDigests) {
        g.field(USER).startObject();
        layout.userStart = g.length();
        userData(g, identity, rawDigests);
        layout.userEnd = g.length();
        optional(g, CLIENT_IP, event.user().clientIp());
        optional(g, USER_AGENT, event.user().userAgent());
        if (!event.user().clickIds().isEmpty()) {
            stringMap(g, CLICK_IDS, event.user().clickIds());
        }
        g.endObject();
    }

    /** The destination's user data: its hashes (digests raw, or quoted), then its plain values. */
    private static void userData(JsonBytes g, HashedIdentity identity, boolean rawDigests) {
        g.field(HASHED).startObject();
        // Field order (PiiField's), by ordinal: the identity keeps its values in arrays, and the
        // digests ingest made as bytes, which are copied rather than parsed from hex.
        for (PiiField field : FIELDS) {
            if (identity.hashes(field)) {
                g.field(FIELD_NAME[field.ordinal()]);
                if (rawDigests) {
                    g.rawHashed(identity, field);
                } else {
                    g.hashed(identity, field);
                }
            }
        }
        g.endObject();
        if (identity.hasPlain()) {
            g.field(PLAIN).startObject();
            for (PiiField field : FIELDS) {
                String value = identity.plain(field);
                if (value != null) {
                    g.stringField(FIELD_NAME[field.ordinal()], value);
                }
            }
            g.endObject();
        }
    }

    /**
     * The user block when consent allows no user data: only the click ids, which identify the ad
     * click rather than the person (the consent policy keeps them for LIMITED decisions).
     */
    private static void strippedUser(JsonBytes g, Event event) {
        g.field(USER).startObject();
        g.field(HASHED).startObject().endObject();
        if (!event.user().clickIds().isEmpty()) {
            stringMap(g, CLICK_IDS, event.user().clickIds());
        }
        g.endObject();
    }

    /** Writes policy flag values: strings, numbers, booleans, lists and maps of those. */
    private static void value(JsonBytes g, Object value) {
        switch (value) {
            case null -> g.nul();
            case String s -> g.string(s);
            case Integer i -> g.number(i);
            case Long l -> g.number(l);
            case Number n -> g.number(new java.math.BigDecimal(n.toString()).toString());
            case Boolean b -> g.bool(b);
            case List<?> list -> {
                g.startArray();
                for (Object item : list) {
                    value(g, item);
                }
                g.endArray();
            }
            case Map<?, ?> map -> {
                g.startObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.field(String.valueOf(e.getKey()));
                    value(g, e.getValue());
                }
                g.endObject();
            }
            default -> g.string(value.toString());
        }
    }

    private static void custom(JsonBytes g, CustomData custom) {
        if (custom.value().isEmpty() && custom.currency().isEmpty() && custom.orderId().isEmpty()
                && custom.contentIds().isEmpty() && custom.numItems().isEmpty()) {
            return;
        }
        g.field(CUSTOM).startObject();
        if (custom.value().isPresent()) {
            g.stringField(VALUE, custom.value().get().toPlainString());
        }
        optional(g, CURRENCY, custom.currency());
        optional(g, ORDER_ID, custom.orderId());
        if (!custom.contentIds().isEmpty()) {
            g.field(CONTENT_IDS).startArray();
            for (String id : custom.contentIds()) {
                g.string(id);
            }
            g.endArray();
        }
        if (custom.numItems().isPresent()) {
            g.field(NUM_ITEMS).number(custom.numItems().get());
        }
        g.endObject();
    }

    private static void consent(JsonBytes g, ConsentSignals c) {
        g.field(CONSENT).startObject();
        flag(g, AD_STORAGE, c.adStorage());
        flag(g, AD_USER_DATA, c.adUserData());
        flag(g, AD_PERSONALIZATION, c.adPersonalization());
        flag(g, ANALYTICS_STORAGE, c.analyticsStorage());
        optional(g, TCF, c.tcf());
        if (c.gpc().isPresent()) {
            g.field(GPC).bool(c.gpc().get());
        }
        optional(g, US_PRIVACY, c.usPrivacy());
        if (c.optOut().isPresent()) {
            g.field(OPT_OUT).bool(c.optOut().get());
        }
        optional(g, JURISDICTION, c.jurisdiction());
        g.endObject();
    }

    private static void flag(JsonBytes g, JsonBytes.Name name, Optional<ConsentSignals.Flag> flag) {
        if (flag.isPresent()) {
            g.stringField(name, flag.get().name().toLowerCase(Locale.ROOT));
        }
    }

    private static void optional(JsonBytes g, JsonBytes.Name name, Optional<String> value) {
        if (value.isPresent()) {
            g.stringField(name, value.get());
        }
    }

    /**
     * A map of strings in key order (click ids, attribution): {@code Event} and {@code UserData}
     * keep these maps sorted by key from the parser on, so they are written as they come
     * (PayloadWriterTest's event lists them out of order).
     */
    private static void stringMap(JsonBytes g, JsonBytes.Name name, Map<String, String> map) {
        g.field(name).startObject();
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.field(e.getKey()).string(e.getValue());
        }
        g.endObject();
    }
}
