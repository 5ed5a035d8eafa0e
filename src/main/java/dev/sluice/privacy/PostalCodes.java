package dev.sluice.privacy;

/**
 * Postal codes (platforms.md §1 {@code zp}): lower case, letters and digits only (no spaces or
 * dashes); a US ZIP or ZIP+4 is cut to its first five digits. A code has a digit, at most
 * twelve letters and digits, and no control character. Meta's written rule removes dashes rather
 * than cutting at the first one as its SDKs do, so {@code 1000-001} (Lisbon) keeps all seven digits.
 */
final class PostalCodes {
    private static final int MIN_LENGTH = 2;
    /**
     * The longest postal codes in use (Iran's) have ten digits, a US ZIP+4 nine; twelve leaves room
     * for Meta's own test vector {@code 641041-ABC-XYZ} (normalization-vectors.md §1b).
     */
    private static final int MAX_LENGTH = 12;

    private PostalCodes() {
    }

    /**
     * Normalizes a trimmed, non-blank value.
     *
     * @param region upper-case alpha-2 region of the event (its country, else the tenant's
     *               default), or null; decides whether ZIP rules apply
     */
    static String parse(String trimmed, String region) {
        StringBuilder out = new StringBuilder(trimmed.length());
        int leadingDigits = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < 0x80 && Character.isLetterOrDigit(c)) {
                if (c >= '0' && c <= '9' && leadingDigits == out.length()) {
                    leadingDigits++;
                }
                out.append(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c) || Character.isISOControl(c)) {
                // Postal codes are written in ASCII everywhere; a non-ASCII letter is not one.
                throw invalid();
            }
        }
        // Every postal code system in use has digits, and none is longer than twelve characters:
        // until session 43 an email, a URL or "N/A" here was hashed as a postal code.
        if (out.length() < MIN_LENGTH || out.length() > MAX_LENGTH || !hasDigit(out)) {
            throw invalid();
        }
        if (Regions.usesZipCodes(region) && leadingDigits >= 5) {
            return out.substring(0, 5);
        }
        return out.toString();
    }

    private static boolean hasDigit(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                return true;
            }
        }
        return false;
    }

    private static InvalidValueException invalid() {
        return new InvalidValueException("invalid_zip",
                "must be a postal code of 2 to 12 letters and digits, at least one of them a digit");
    }
}
