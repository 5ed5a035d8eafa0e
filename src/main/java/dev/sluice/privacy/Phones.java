package dev.sluice.privacy;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Set;

/**
 * Phone numbers, read by libphonenumber in the event's region, and the three shapes the
 * platforms hash (platforms.md §0): digits with country code (Meta, Snapchat, Pinterest), E.164
 * with {@code +} (Google, TikTok, Reddit, Microsoft) and TikTok's national number for China.
 *
 * <p>A number must be <em>possible</em> (right length for its country), not <em>valid</em>:
 * validity depends on number-range metadata that lags reality and rejects the 555 test numbers
 * merchants use in staging. "Possible only locally" (a US number without area code) is rejected,
 * because it cannot be written in E.164.
 */
final class Phones {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String UNKNOWN_REGION = "ZZ";
    private static final int CHINA = 86;
    private static final int NANP = 1;
    /** Regions of the North American Numbering Plan (US, CA, PR, JM, ...) as libphonenumber names them. */
    private static final Set<String> NANP_REGIONS = Set.copyOf(UTIL.getRegionCodesForCountryCode(NANP));
    /** Calling codes known to libphonenumber, indexed by code (all are below 1000). */
    private static final boolean[] CALLING_CODES = new boolean[1000];

    static {
        for (int code : UTIL.getSupportedCallingCodes()) {
            CALLING_CODES[code] = true;
        }
    }

    private Phones() {
    }

    /** A possible phone number: country calling code and national significant number. */
    record Number(int countryCode, String national) implements Canonical {
        @Override
        public String render(Form form) {
            return switch (form) {
                case PHONE_DIGITS -> countryCode + national;
                case PHONE_E164 -> "+" + countryCode + national;
                case PHONE_TIKTOK -> countryCode == CHINA ? national : "+" + countryCode + national;
                default -> throw new IllegalArgumentException("form " + form + " does not apply to phone");
            };
        }

        @Override
        public String toString() {
            return "Phone[redacted]";
        }
    }

    /**
     * Reads a trimmed, non-blank number; throws {@link InvalidValueException} if it is not a
     * possible number.
     *
     * @param region ISO alpha-2 region for national numbers, or null when unknown
     */
    static Number parse(String trimmed, String region) {
        // "00" is the international prefix almost everywhere; libphonenumber only knows it for
        // regions that use it, so "0044 20..." from a US tenant would otherwise be misread.
        String text = trimmed.startsWith("00") ? "+" + trimmed.substring(2) : trimmed;
        Number number = fromPlainE164(text);
        if (number == null) {
            number = fromNanpNational(text, region);
        }
        if (number == null) {
            number = parseWithLibrary(text, region);
        }
        if (number == null && trimmed.startsWith("00") && region != null) {
            // Read as "+" the "00" is not the region's whole international prefix: Australia
            // dials 0011, Korea and Singapore 001. Only when that reading fails is the number read
            // as dialled there, so no number read before changes.
            number = fromRegionIdd(trimmed, region);
        }
        if (number == null) {
            throw new InvalidValueException("invalid_phone",
                    "must be a phone number with country code, or a national number of the event's country");
        }
        return number;
    }

    /**
     * Fast path for input that already is E.164, possibly with separators ({@code +1 (650)
     * 555-1212}), the shape most merchants send: split off the calling code (calling codes are
     * prefix-free) and ask libphonenumber only whether the length is possible. Anything else,
     * including national numbers and leading-zero national parts (Italy), goes through the full
     * parser. Null means "not handled here".
     */
    static Number fromPlainE164(String text) {
        if (text.length() < 8 || text.length() > 32 || text.charAt(0) != '+') {
            return null;
        }
        StringBuilder digits = new StringBuilder(16);
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
                return null;
            }
        }
        if (digits.length() < 7 || digits.length() > 15 || digits.charAt(0) == '0') {
            return null;
        }
        int code = 0;
        for (int length = 1; length <= 3; length++) {
            code = code * 10 + (digits.charAt(length - 1) - '0');
            if (CALLING_CODES[code]) {
                String national = digits.substring(length);
                if (national.isEmpty() || national.charAt(0) == '0') {
                    return null;
                }
                PhoneNumber number = new PhoneNumber().setCountryCode(code)
                        .setNationalNumber(Long.parseLong(national));
                return possible(number) ? new Number(code, national) : null;
            }
        }
        return null;
    }

    /**
     * Fast path for a national number of the North American Numbering Plan read in a NANP region
     * ({@code (650) 555-1212}, {@code 1-650-555-1212}): ASCII digits and the separators space,
     * {@code -}, {@code .}, {@code (} and {@code )} only; 10 digits, or 11 starting with the
     * national prefix 1; area code (NPA) and exchange (NXX) starting with 2-9. Such a number is
     * what libphonenumber reads too: +1 and the 10 digits, always possible (NANP possibility is
     * length only). Everything else falls through to the full parser, which stays the authority,
     * including for shapes it accepts that are not real NANP numbers (an NPA or NXX starting with
     * 0 or 1, where its answer depends on international-prefix and national-prefix stripping),
     * extensions, vanity letters and other digits or separators. Null means "not handled here".
     *
     * @param region the region as passed to libphonenumber; matched exactly, as it does
     */
    static Number fromNanpNational(String text, String region) {
        if (region == null || text.length() < 10 || text.length() > 32 || !NANP_REGIONS.contains(region)) {
            return null;
        }
        char[] digits = new char[11];
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (count == digits.length) {
                    return null;
                }
                digits[count++] = c;
            } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
                return null;
            }
        }
        int start;
        if (count == 10) {
            start = 0;
        } else if (count == 11 && digits[0] == '1') {
            start = 1;
        } else {
            return null;
        }
        if (digits[start] < '2' || digits[start + 3] < '2') {
            return null;
        }
        return new Number(NANP, new String(digits, start, 10));
    }

    /**
     * The number when libphonenumber reads {@code text} as dialled from {@code region} with that
     * region's international prefix ({@code 0011 44 20 7183 8750} in Australia); null otherwise.
     */
    static Number fromRegionIdd(String text, String region) {
        try {
            PhoneNumber number = UTIL.parseAndKeepRawInput(text, region);
            return number.getCountryCodeSource() == PhoneNumber.CountryCodeSource.FROM_NUMBER_WITH_IDD && possible(number)
                    ? new Number(number.getCountryCode(), UTIL.getNationalSignificantNumber(number)) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** The full parser; null when the number is not possible. Also pins the fast path in tests. */
    static Number parseWithLibrary(String text, String region) {
        try {
            PhoneNumber number = UTIL.parse(text, region == null ? UNKNOWN_REGION : region);
            return possible(number) ? new Number(number.getCountryCode(), UTIL.getNationalSignificantNumber(number)) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    private static boolean possible(PhoneNumber number) {
        return UTIL.isPossibleNumberWithReason(number) == ValidationResult.IS_POSSIBLE;
    }
}
