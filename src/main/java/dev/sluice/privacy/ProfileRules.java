package dev.sluice.privacy;

import static dev.sluice.privacy.PiiField.CITY;
import static dev.sluice.privacy.PiiField.COUNTRY;
import static dev.sluice.privacy.PiiField.DATE_OF_BIRTH;
import static dev.sluice.privacy.PiiField.EMAIL;
import static dev.sluice.privacy.PiiField.EXTERNAL_ID;
import static dev.sluice.privacy.PiiField.FIRST_NAME;
import static dev.sluice.privacy.PiiField.GENDER;
import static dev.sluice.privacy.PiiField.LAST_NAME;
import static dev.sluice.privacy.PiiField.PHONE;
import static dev.sluice.privacy.PiiField.STATE;
import static dev.sluice.privacy.PiiField.ZIP;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which fields each platform receives, in which normalized shape, hashed or in plain text: one
 * table per platform, following platforms.md (§ numbers below). A field absent from a table is
 * not sent to that platform at all. Facts the digest marks UNCONFIRMED are marked here too, so
 * they are easy to find and correct.
 *
 * <p>External ids are trimmed and hashed with their case kept wherever they are sent: ids such
 * as {@code AbC-1} and {@code abc-1} may be different customers in the merchant's system, and
 * Meta, Snapchat, Pinterest and Reddit recommend hashing them. Platform SDKs pass 64-hex values
 * through, so a merchant hashing ids itself gets the same result.
 */
final class ProfileRules {

    /** One row: send {@code field}, rendered as {@code form}, hashed unless {@code plain}. */
    record Rule(PiiField field, Form form, boolean plain) {
    }

    private static final Map<HashingProfile, List<Rule>> TABLES = new EnumMap<>(HashingProfile.class);

    static {
        for (HashingProfile profile : HashingProfile.values()) {
            TABLES.put(profile, table(profile));
        }
    }

    private ProfileRules() {
    }

    static List<Rule> of(HashingProfile profile) {
        return TABLES.get(profile);
    }

    private static List<Rule> table(HashingProfile profile) {
        return switch (profile) {
            // §1: every user_data key hashed; names lower case without punctuation; st as the
            // two-letter code; phone digits with country code, no '+'.
            case META -> List.of(
                    hash(EMAIL, Form.EMAIL_LOWER), hash(PHONE, Form.PHONE_DIGITS),
                    hash(FIRST_NAME, Form.NAME_LETTERS), hash(LAST_NAME, Form.NAME_LETTERS),
                    hash(DATE_OF_BIRTH, Form.DATE), hash(GENDER, Form.GENDER),
                    hash(CITY, Form.CITY_COMPACT), hash(STATE, Form.STATE), hash(ZIP, Form.ZIP),
                    hash(COUNTRY, Form.COUNTRY_LOWER), hash(EXTERNAL_ID, Form.EXTERNAL_ID));
            // §2 (Ads enhanced conversions, addressInfo) and §3 (GA4 user_data): email, phone and
            // names hashed; city, state, postal code and country sent plain. Names only trimmed
            // and lower-cased, as the Ads docs say (GA4's "remove digits and symbols" differs:
            // UNCONFIRMED which one Google matches on), without prefixes and suffixes (Mrs., Jr.)
            // as they also say. Plain city keeps spaces (GA4 text).
            // No date of birth, gender or external id in either API.
            case GOOGLE -> List.of(
                    hash(EMAIL, Form.EMAIL_GOOGLE), hash(PHONE, Form.PHONE_E164),
                    hash(FIRST_NAME, Form.NAME_LOWER), hash(LAST_NAME, Form.NAME_LOWER),
                    plain(CITY, Form.CITY_SPACED), plain(STATE, Form.STATE), plain(ZIP, Form.ZIP),
                    plain(COUNTRY, Form.COUNTRY_UPPER));
            // §4: email, phone, external_id hashed. Newer first_name/last_name/zip_code hashed and
            // city/state/country plain come from Segment's mapper only: UNCONFIRMED.
            case TIKTOK -> List.of(
                    hash(EMAIL, Form.EMAIL_LOWER), hash(PHONE, Form.PHONE_TIKTOK),
                    hash(EXTERNAL_ID, Form.EXTERNAL_ID),
                    hash(FIRST_NAME, Form.NAME_LETTERS), hash(LAST_NAME, Form.NAME_LETTERS),
                    hash(ZIP, Form.ZIP),
                    plain(CITY, Form.CITY_COMPACT), plain(STATE, Form.STATE), plain(COUNTRY, Form.COUNTRY_LOWER));
            // §5: em, ph, fn, ln, ge, ct, st, zp, country hashed, external_id hashing recommended.
            // db is not in the SDK model (UNCONFIRMED); ct/st/zp/ge follow Meta (UNCONFIRMED).
            case SNAPCHAT -> List.of(
                    hash(EMAIL, Form.EMAIL_LOWER), hash(PHONE, Form.PHONE_DIGITS),
                    hash(FIRST_NAME, Form.NAME_LETTERS), hash(LAST_NAME, Form.NAME_LETTERS),
                    hash(GENDER, Form.GENDER), hash(CITY, Form.CITY_COMPACT), hash(STATE, Form.STATE),
                    hash(ZIP, Form.ZIP), hash(COUNTRY, Form.COUNTRY_LOWER), hash(EXTERNAL_ID, Form.EXTERNAL_ID));
            // §6: every user_data key hashed. The spec says zp "digits only"; Sluice sends Meta's
            // form, identical for US ZIP codes and not destroying UK/CA codes (UNCONFIRMED).
            case PINTEREST -> List.of(
                    hash(EMAIL, Form.EMAIL_LOWER), hash(PHONE, Form.PHONE_DIGITS),
                    hash(FIRST_NAME, Form.NAME_LETTERS), hash(LAST_NAME, Form.NAME_LETTERS),
                    hash(DATE_OF_BIRTH, Form.DATE), hash(GENDER, Form.GENDER),
                    hash(CITY, Form.CITY_COMPACT), hash(STATE, Form.STATE), hash(ZIP, Form.ZIP),
                    hash(COUNTRY, Form.COUNTRY_LOWER), hash(EXTERNAL_ID, Form.EXTERNAL_ID));
            // §7: only SHA256_EMAIL is hashed. userInfo.firstName/lastName would go in plain
            // text; design.md invariant 1 keeps names off disk, so Sluice does not produce them.
            case LINKEDIN -> List.of(
                    hash(EMAIL, Form.EMAIL_LOWER), plain(COUNTRY, Form.COUNTRY_UPPER));
            // §8: email without dots and +alias (every domain), phone E.164; external_id hashing
            // recommended.
            case REDDIT -> List.of(
                    hash(EMAIL, Form.EMAIL_NO_ALIAS), hash(PHONE, Form.PHONE_E164),
                    hash(EXTERNAL_ID, Form.EXTERNAL_ID));
            // §9a: em without dots and +alias, ph E.164. Whether externalId is expected hashed:
            // UNCONFIRMED; Sluice never sends a merchant id in plain text.
            case MICROSOFT -> List.of(
                    hash(EMAIL, Form.EMAIL_NO_ALIAS), hash(PHONE, Form.PHONE_E164),
                    hash(EXTERNAL_ID, Form.EXTERNAL_ID));
        };
    }

    private static Rule hash(PiiField field, Form form) {
        return new Rule(field, form, false);
    }

    private static Rule plain(PiiField field, Form form) {
        return new Rule(field, form, true);
    }
}
