package dev.sluice.privacy;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Character-level normalization of names and places. Plain loops instead of regular
 * expressions: these run for every event on the ingest path.
 */
final class Texts {
    private Texts() {
    }

    /**
     * Lower case (root locale) in Unicode NFC. NFC runs after lower-casing because case mapping
     * can decompose characters; ASCII input skips it, which is the common case.
     */
    static String lowerNfc(String trimmed) {
        String lower = trimmed.toLowerCase(Locale.ROOT);
        return isAscii(lower) || Normalizer.isNormalized(lower, Normalizer.Form.NFC)
                ? lower : Normalizer.normalize(lower, Normalizer.Form.NFC);
    }

    static boolean isAscii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** True when the text holds at least one letter (any script). */
    static boolean hasLetter(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isLetter(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /**
     * Letters, combining marks and digits, with each run of anything else that contains
     * whitespace collapsed to one space; punctuation and symbols are dropped ({@code o'brien-smith}
     * becomes {@code obriensmith}, {@code mary  ann} becomes {@code mary ann}).
     */
    static String lettersDigitsAndSpaces(String s) {
        return keep(s, true, true);
    }

    /** Letters and combining marks only, optionally keeping single spaces between words. */
    static String letters(String s, boolean keepSpaces) {
        return keep(s, false, keepSpaces);
    }

    private static String keep(String s, boolean digits, boolean spaces) {
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isLetterOrMark(cp) || (digits && Character.isDigit(cp))) {
                if (pendingSpace && !out.isEmpty()) {
                    out.append(' ');
                }
                pendingSpace = false;
                out.appendCodePoint(cp);
            } else if (spaces && Character.isWhitespace(cp)) {
                pendingSpace = true;
            }
        }
        return out.toString();
    }

    /** Marks are kept because many scripts (Devanagari, Thai...) write vowels with them. */
    private static boolean isLetterOrMark(int cp) {
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Letters only, accents removed, lower case, for lookup keys ({@code Côte d’Ivoire} → {@code cotedivoire}). */
    static String lookupKey(String s) {
        String lower = s.strip().toLowerCase(Locale.ROOT);
        if (!isAscii(lower)) {
            lower = Normalizer.normalize(lower, Normalizer.Form.NFD);
        }
        if (lower.startsWith("the ")) {
            lower = lower.substring(4);
        }
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out.append(c);
            } else if (c == '&') {
                out.append("and");
            }
        }
        return out.toString();
    }
}
