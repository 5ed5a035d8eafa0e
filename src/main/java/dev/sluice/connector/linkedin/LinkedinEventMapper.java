package dev.sluice.connector.linkedin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.regex.Pattern;

import static dev.sluice.connector.PayloadFields.text;

/**
 * Maps one canonical hashed event (payload v1) to one element of LinkedIn's
 * {@code BATCH_CREATE /rest/conversionEvents} body (platforms.md §7, "Event"). Pure; field order
 * is fixed (the order of LinkedIn's own request example) so equal input gives equal bytes. Values
 * are copied, never hashed or normalized.
 *
 * <p>What goes to LinkedIn, and only if the payload carries it:
 * <ul>
 *   <li>{@code user.hashed.email} as {@code SHA256_EMAIL} (the LINKEDIN profile hashes email only);</li>
 *   <li>{@code user.click_ids.li_fat_id} as {@code LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID}, raw;</li>
 *   <li>{@code userInfo} only when {@code user.plain} holds both first and last name, which
 *       LinkedIn requires of any {@code userInfo}. The LINKEDIN profile never produces plain names
 *       (design.md invariant 1 keeps names off disk), so today {@code userInfo} is never sent:
 *       a plain country alone cannot go. Hashed names are never sent as if they were plain.</li>
 * </ul>
 * Phone, address, external id, client IP and user agent stay home: LinkedIn's documented
 * {@code userIds} take none of them.
 */
final class LinkedinEventMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final String CONVERSION_URN_PREFIX = "urn:lla:llaPartnerConversion:";
    static final String SHA256_EMAIL = "SHA256_EMAIL";
    static final String FIRST_PARTY_ADS_TRACKING_UUID = "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID";
    static final String LI_FAT_ID = "li_fat_id";
    /** ISO 3166-1 alpha-2, upper case, as LinkedIn's {@code countryCode} example ("US") and the LINKEDIN profile write it. */
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    private final LinkedinSettings settings;

    LinkedinEventMapper(LinkedinSettings settings) {
        this.settings = settings;
    }

    ObjectNode element(OutboxItem item) {
        JsonNode p = item.payload();
        if (p.path("v").asInt() != 1) {
            throw new UnmappableItemException(item.id(), "unsupported payload version (expected v 1)");
        }
        refuseFlags(item, p.path("platform_flags"));
        String rule = settings.ruleFor(item.eventName()).orElseThrow(() -> new UnmappableItemException(item.id(),
                item.eventName().equals(LinkedinSettings.REFUND)
                        ? "Refund has no LinkedIn conversion (the API cannot take a conversion back)"
                        : "no LinkedIn conversion rule for event " + item.eventName() + " (add it to "
                                + LinkedinSettings.CONVERSION_RULES + " or set " + LinkedinSettings.CONVERSION_RULE_ID + ")"));
        ObjectNode e = NODES.objectNode();
        e.put("conversion", CONVERSION_URN_PREFIX + rule);
        e.put("conversionHappenedAt", item.eventTime().toEpochMilli());
        conversionValue(item, p.path("custom"), e);
        e.set("user", user(item, p.path("user")));
        // LinkedIn deduplicates Insight Tag and Conversions API events on it: always the event id.
        // Salesforce's LinkedIn connector caps eventId at 64 characters, LinkedIn's own pages state no
        // maximum (UNCONFIRMED); Sluice's ids may have 128, and a longer one LinkedIn refuses comes
        // back as that item's rejection, so it is not refused here on a secondary source's word.
        e.put("eventId", item.eventId());
        return e;
    }

    /**
     * {@code conversionValue} needs both a currency and an amount (LinkedIn answers 422
     * "/conversionValue/amount :: field is required" otherwise), so it goes only with both. The
     * amount is a decimal string, kept exactly as the event had it ("129.90").
     */
    private static void conversionValue(OutboxItem item, JsonNode c, ObjectNode e) {
        JsonNode value = c.path("value");
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        String currency = text(c, "currency");
        if (currency == null) {
            throw new UnmappableItemException(item.id(), "custom.value has no custom.currency");
        }
        BigDecimal amount;
        try {
            amount = value.isTextual() ? new BigDecimal(value.asText()) : value.decimalValue();
        } catch (NumberFormatException ex) {
            throw new UnmappableItemException(item.id(), "custom.value is not a decimal number");
        }
        if (amount.signum() < 0) {
            throw new UnmappableItemException(item.id(), "custom.value is negative; LinkedIn conversions cannot be taken back");
        }
        e.putObject("conversionValue").put("currencyCode", currency).put("amount", amount.toPlainString());
    }

    private static ObjectNode user(OutboxItem item, JsonNode u) {
        ObjectNode user = NODES.objectNode();
        ArrayNode ids = user.putArray("userIds");
        String email = text(u.path("hashed"), "email");
        if (email != null) {
            ids.addObject().put("idType", SHA256_EMAIL).put("idValue", email);
        }
        String liFatId = text(u.path("click_ids"), LI_FAT_ID);
        if (liFatId != null) {
            ids.addObject().put("idType", FIRST_PARTY_ADS_TRACKING_UUID).put("idValue", liFatId);
        }
        if (ids.isEmpty()) {
            // LinkedIn cannot attribute an event without one, and refuses (422) a batch holding one.
            throw new UnmappableItemException(item.id(), "no LinkedIn user id: needs user.hashed.email or click_ids.li_fat_id");
        }
        JsonNode plain = u.path("plain");
        String first = text(plain, "first_name");
        String last = text(plain, "last_name");
        if (first != null && last != null) {
            ObjectNode info = user.putObject("userInfo").put("firstName", first).put("lastName", last);
            String country = text(plain, "country");
            if (country != null && COUNTRY.matcher(country).matches()) {
                info.put("countryCode", country);
            }
        }
        return user;
    }

    /**
     * LinkedIn's API has no consent or limited-use field, and the shipped consent policy turns a
     * LIMITED decision for LinkedIn into DENY ({@code linkedin.no-limited-mode}). Any flag that
     * reaches this connector was asked for by a policy it cannot honour, so the item is refused
     * rather than sent without the restriction.
     */
    private static void refuseFlags(OutboxItem item, JsonNode flags) {
        if (flags.isMissingNode() || flags.isNull()) {
            return;
        }
        if (!flags.isObject()) {
            throw new UnmappableItemException(item.id(), "platform_flags must be an object");
        }
        Iterator<String> names = flags.fieldNames();
        if (names.hasNext()) {
            throw new UnmappableItemException(item.id(), "platform_flags." + names.next()
                    + " cannot be sent: LinkedIn's API has no consent or limited-use field, and sending without it would ignore the consent policy");
        }
    }
}
