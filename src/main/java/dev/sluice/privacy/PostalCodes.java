package dev.sluice.privacy;

/**
 * Postal codes (platforms.md §1 {@code zp}): lower case, letters and digits only (no spaces or
 * dashes); a US ZIP or ZIP+4 is cut to its first five digits. Meta's written rule removes dashes
 * rather than cutting at the first one as its SDKs do, so {@code 1000-001} (Lisbon) keeps all
 * seven digits.
 */
final class PostalCodes {
    private static final int MIN_LENGTH = 2;

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
            } else if (Character.isLetterOrDigit(c)) {
                // Postal codes are written in ASCII everywhere; a non-ASCII letter is not one.
                throw invalid();
            }
        }
        if (out.length() < MIN_LENGTH) {
            throw invalid();
        }
        if (Regions.usesZipCodes(region) && leadingDigits >= 5) {
            return out.substring(0, 5);
        }
        return out.toString();
    }

    private static InvalidValueException invalid() {
        return new InvalidValueException("invalid_zip", "must be a postal code of letters and digits");
    }
}
