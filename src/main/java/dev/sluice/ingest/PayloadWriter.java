package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.consent.ConsentDecision;
import dev.sluice.event.ConsentSignals;
import dev.sluice.event.CustomData;
import dev.sluice.event.Event;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.PiiField;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the per-destination payload stored (sealed) in the outbox: the canonical event with
 * its personal data replaced by that destination's hashes. Raw values that some platforms need
 * unhashed (client IP, user agent, click ids) are included here, which is why the payload is
 * only ever stored encrypted. Field order is fixed, so the same input gives the same bytes.
 */
final class PayloadWriter {
    /** Version of this payload layout, first field of every payload. */
    static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    byte[] write(Event event, HashedIdentity identity, ConsentDecision decision) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("event_id", event.eventId());
            g.writeStringField("event_name", event.eventName());
            g.writeNumberField("event_time", event.eventTime().getEpochSecond());
            g.writeStringField("action_source", event.actionSource().wireName());
            optional(g, "event_source_url", event.eventSourceUrl());
            if (decision.restrictions().stripUserData()) {
                strippedUser(g, event);
            } else {
                user(g, event, identity);
            }
            custom(g, event.custom());
            if (!event.attribution().isEmpty()) {
                stringMap(g, "attribution", event.attribution());
            }
            consent(g, event.consent());
            g.writeObjectFieldStart("consent_decision");
            g.writeStringField("decision", decision.decision().name());
            g.writeArrayFieldStart("rules");
            for (String rule : decision.ruleIds()) {
                g.writeString(rule);
            }
            g.writeEndArray();
            g.writeEndObject();
            if (!decision.restrictions().platformFlags().isEmpty()) {
                g.writeFieldName("platform_flags");
                value(g, decision.restrictions().platformFlags());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void user(JsonGenerator g, Event event, HashedIdentity identity) throws IOException {
        g.writeObjectFieldStart("user");
        g.writeObjectFieldStart("hashed");
        for (Map.Entry<PiiField, String> e : identity.hashed().entrySet()) {
            g.writeStringField(e.getKey().jsonName(), e.getValue());
        }
        g.writeEndObject();
        if (!identity.plain().isEmpty()) {
            g.writeObjectFieldStart("plain");
            for (Map.Entry<PiiField, String> e : identity.plain().entrySet()) {
                g.writeStringField(e.getKey().jsonName(), e.getValue());
            }
            g.writeEndObject();
        }
        optional(g, "client_ip", event.user().clientIp());
        optional(g, "user_agent", event.user().userAgent());
        if (!event.user().clickIds().isEmpty()) {
            stringMap(g, "click_ids", event.user().clickIds());
        }
        g.writeEndObject();
    }

    /**
     * The user block when consent allows no user data: only the click ids, which identify the ad
     * click rather than the person (the consent policy keeps them for LIMITED decisions).
     */
    private static void strippedUser(JsonGenerator g, Event event) throws IOException {
        g.writeObjectFieldStart("user");
        g.writeObjectFieldStart("hashed");
        g.writeEndObject();
        if (!event.user().clickIds().isEmpty()) {
            stringMap(g, "click_ids", event.user().clickIds());
        }
        g.writeEndObject();
    }

    /** Writes policy flag values: strings, numbers, booleans, lists and maps of those. */
    private static void value(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Number n -> g.writeNumber(new java.math.BigDecimal(n.toString()));
            case Boolean b -> g.writeBoolean(b);
            case List<?> list -> {
                g.writeStartArray();
                for (Object item : list) {
                    value(g, item);
                }
                g.writeEndArray();
            }
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            default -> g.writeString(value.toString());
        }
    }

    private static void custom(JsonGenerator g, CustomData custom) throws IOException {
        if (custom.value().isEmpty() && custom.currency().isEmpty() && custom.orderId().isEmpty()
                && custom.contentIds().isEmpty() && custom.numItems().isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("custom");
        if (custom.value().isPresent()) {
            g.writeStringField("value", custom.value().get().toPlainString());
        }
        optional(g, "currency", custom.currency());
        optional(g, "order_id", custom.orderId());
        if (!custom.contentIds().isEmpty()) {
            g.writeArrayFieldStart("content_ids");
            for (String id : custom.contentIds()) {
                g.writeString(id);
            }
            g.writeEndArray();
        }
        if (custom.numItems().isPresent()) {
            g.writeNumberField("num_items", custom.numItems().get());
        }
        g.writeEndObject();
    }

    private static void consent(JsonGenerator g, ConsentSignals c) throws IOException {
        g.writeObjectFieldStart("consent");
        flag(g, "ad_storage", c.adStorage());
        flag(g, "ad_user_data", c.adUserData());
        flag(g, "ad_personalization", c.adPersonalization());
        flag(g, "analytics_storage", c.analyticsStorage());
        optional(g, "tcf", c.tcf());
        if (c.gpc().isPresent()) {
            g.writeBooleanField("gpc", c.gpc().get());
        }
        optional(g, "us_privacy", c.usPrivacy());
        if (c.optOut().isPresent()) {
            g.writeBooleanField("opt_out", c.optOut().get());
        }
        optional(g, "jurisdiction", c.jurisdiction());
        g.writeEndObject();
    }

    private static void flag(JsonGenerator g, String name, Optional<ConsentSignals.Flag> flag) throws IOException {
        if (flag.isPresent()) {
            g.writeStringField(name, flag.get().name().toLowerCase(Locale.ROOT));
        }
    }

    private static void optional(JsonGenerator g, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, value.get());
        }
    }

    private static void stringMap(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(map).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
