package dev.sluice.privacy;

import java.time.LocalDate;
import java.util.Locale;

/**
 * Validates one raw personal value and parses it into its {@link Canonical} form, once per event,
 * whatever the platforms: validity never depends on where the event goes.
 */
final class FieldParser {
    /** Longer values are rejected before any parsing: no real identifier needs more. */
    static final int MAX_LENGTH = 256;
    private static final int SHA256_HEX_LENGTH = 64;

    private FieldParser() {
    }

    /**
     * Parses a trimmed, non-blank value.
     *
     * @param region      upper-case alpha-2 region of the event, or null
     * @param latestBirth the latest possible date of birth
     * @throws InvalidValueException with a stable code when the value cannot be normalized
     */
    static Canonical parse(PiiField field, String trimmed, String region, LocalDate latestBirth) {
        if (trimmed.length() > MAX_LENGTH) {
            throw new InvalidValueException("value_too_long", "must be at most " + MAX_LENGTH + " characters");
        }
        // Checked before normalizing (platforms.md §10): normalizing would reshape a digest
        // (strip its digits as a name, reject it as a phone) and the result would be re-hashed.
        if (isSha256Hex(trimmed)) {
            return new Canonical.Prehashed(trimmed.toLowerCase(Locale.ROOT));
        }
        return switch (field) {
            case EMAIL -> Emails.parse(trimmed);
            case PHONE -> Phones.parse(trimmed, region);
            case FIRST_NAME, LAST_NAME -> words(trimmed, "invalid_name", "must contain at least one letter");
            case CITY -> words(trimmed, "invalid_city", "must contain at least one letter");
            case STATE -> new Canonical.Single(state(trimmed));
            case ZIP -> new Canonical.Single(PostalCodes.parse(trimmed, region));
            case COUNTRY -> new Canonical.Country(country(trimmed));
            case DATE_OF_BIRTH -> new Canonical.Single(BirthDates.parse(trimmed, latestBirth));
            case GENDER -> new Canonical.Single(gender(trimmed));
            case EXTERNAL_ID -> new Canonical.Single(trimmed);
        };
    }

    /** The region a country value names, or null; used before parsing phones and ZIP codes. */
    static String regionOf(String trimmedCountry) {
        return trimmedCountry.length() > MAX_LENGTH ? null : Countries.resolve(trimmedCountry);
    }

    /**
     * True when a trimmed value is SHA-256 of the empty string, in either case: a merchant that
     * hashed an empty value. Such a value is empty and left out, never passed through
     * (platforms.md §10: that digest must never leave Sluice).
     */
    static boolean isEmptyDigest(String trimmed) {
        return trimmed.length() == SHA256_HEX_LENGTH && trimmed.equalsIgnoreCase(Sha256.EMPTY_HASH);
    }

    static boolean isSha256Hex(String s) {
        if (s.length() != SHA256_HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < SHA256_HEX_LENGTH; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static Canonical.Words words(String trimmed, String code, String message) {
        String clean = Texts.cleanWords(trimmed);
        if (clean == null) {
            throw new InvalidValueException(code, "must not contain control characters");
        }
        String lower = Texts.lowerNfc(clean);
        if (!Texts.hasLetter(lower)) {
            throw new InvalidValueException(code, message);
        }
        return new Canonical.Words(lower);
    }

    private static String state(String trimmed) {
        if (Texts.cleanWords(trimmed) == null) {
            throw new InvalidValueException("invalid_state", "must not contain control characters");
        }
        String code = Regions.code(trimmed);
        if (code != null) {
            return code;
        }
        String compact = Texts.lettersDigitsAndSpaces(Texts.lowerNfc(trimmed)).replace(" ", "");
        if (compact.isEmpty()) {
            throw new InvalidValueException("invalid_state", "must be a state, province or region name or code");
        }
        return compact;
    }

    private static String country(String trimmed) {
        String code = Countries.resolve(trimmed);
        if (code == null) {
            throw new InvalidValueException("invalid_country", "must be an ISO 3166-1 country code or English country name");
        }
        return code;
    }

    private static String gender(String trimmed) {
        return switch (trimmed.toLowerCase(Locale.ROOT)) {
            case "f", "female" -> "f";
            case "m", "male" -> "m";
            default -> throw new InvalidValueException("invalid_gender", "must be f, m, female or male");
        };
    }
}
