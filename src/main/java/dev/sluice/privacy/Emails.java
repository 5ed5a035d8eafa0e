package dev.sluice.privacy;

/**
 * Email validation and the three email shapes the platforms hash (platforms.md §0): lower-cased
 * as given; Google's gmail canonical form; and the alias-free form of Reddit and Microsoft.
 *
 * <p>Validation is a shape check, not RFC 5322: one {@code @}, a local part without whitespace
 * or RFC 5322 specials (unless quoted) and without control or invisible format characters, a
 * domain of at least two dot-separated labels of letters, digits and hyphens. That rejects what
 * the platforms' own SDKs reject ({@code TEST}, {@code a@b}, {@code @b.c}) while keeping unusual
 * but real addresses. The address is lower-cased in NFC.
 */
final class Emails {
    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;
    /** RFC 5322 specials: not allowed in an unquoted local part. */
    private static final String SPECIALS = "()<>[]:;,\\\"";

    private Emails() {
    }

    /** A valid address, lower-cased; {@code at} is the index of the {@code @}. */
    record Address(String lower, int at) implements Canonical {
        @Override
        public String render(Form form) {
            return switch (form) {
                case EMAIL_LOWER -> lower;
                case EMAIL_GOOGLE -> isGmail() ? withoutDotsAndAlias() : lower;
                case EMAIL_NO_ALIAS -> withoutDotsAndAlias();
                default -> throw new IllegalArgumentException("form " + form + " does not apply to email");
            };
        }

        private boolean isGmail() {
            // Only these two domains: Google documents the rule for them alone.
            int domainLength = lower.length() - at - 1;
            return (domainLength == 9 && lower.endsWith("gmail.com"))
                    || (domainLength == 14 && lower.endsWith("googlemail.com"));
        }

        /** Local part without dots and without {@code +} and what follows it. */
        private String withoutDotsAndAlias() {
            StringBuilder local = new StringBuilder(at);
            for (int i = 0; i < at; i++) {
                char c = lower.charAt(i);
                if (c == '+') {
                    break;
                }
                if (c != '.') {
                    local.append(c);
                }
            }
            // An address like "+x@example.com" would lose its whole local part; keep it as given.
            if (local.isEmpty()) {
                return lower;
            }
            return local.append(lower, at, lower.length()).toString();
        }

        @Override
        public String toString() {
            return "Email[redacted]";
        }
    }

    /** Parses a trimmed, non-blank value. */
    static Address parse(String trimmed) {
        // In NFC, as names are: "e\u0301@" and "\u00e9@" are one address (until session 43 the
        // decomposed one was hashed as sent).
        String lower = Texts.lowerNfc(trimmed);
        int at = lower.lastIndexOf('@');
        if (at <= 0 || at > MAX_LOCAL || at == lower.length() - 1
                || !validLocal(lower, at) || !validDomain(lower, at + 1)) {
            throw new InvalidValueException("invalid_email",
                    "must be an email address such as name@example.com");
        }
        return new Address(lower, at);
    }

    private static boolean validLocal(String s, int end) {
        boolean quoted = end >= 2 && s.charAt(0) == '"' && s.charAt(end - 1) == '"';
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            // Invisible format characters (zero-width, bidirectional marks, soft hyphen) are no
            // part of a mailbox: hashed, they made a digest that matches nobody (until session 43).
            if (Character.isISOControl(c) || c == '@' || Character.getType(c) == Character.FORMAT
                    || (!quoted && (Character.isWhitespace(c) || SPECIALS.indexOf(c) >= 0))) {
                return false;
            }
        }
        return true;
    }

    private static boolean validDomain(String s, int start) {
        int length = s.length() - start;
        if (length > MAX_DOMAIN) {
            return false;
        }
        int labels = 0;
        int labelStart = start;
        for (int i = start; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                if (!validLabel(s, labelStart, i)) {
                    return false;
                }
                labels++;
                labelStart = i + 1;
            }
        }
        return labels >= 2;
    }

    private static boolean validLabel(String s, int from, int to) {
        if (to - from < 1 || to - from > 63 || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            // Letters beyond ASCII admit internationalized domains written in Unicode.
            if (!(Character.isLetterOrDigit(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
