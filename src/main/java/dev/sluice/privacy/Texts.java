package dev.sluice.privacy;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Character-level normalization of names and places. Plain loops instead of regular
 * expressions: these run for every event on the ingest path.
 */
final class Texts {
    private Texts() {
    }

    /**
     * {@code s} without the spacing around it: whitespace as {@link String#strip} knows it, and
     * also the no-break spaces ({@code U+00A0}, {@code U+2007}, {@code U+202F}) and the zero-width
     * characters ({@code U+200B}-{@code U+200D}, {@code U+2060}, the byte order mark {@code U+FEFF})
     * that copying from a web page or a spreadsheet leaves. Until session 39 an external id of a
     * lone no-break space was hashed rather than left out, and an email framed by them refused.
     */
    static String stripSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && spacing(s.charAt(start))) {
            start++;
        }
        while (end > start && spacing(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean spacing(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c)
                || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || c == '\uFEFF';
    }

    /**
     * A name or place as typed, without what makes its digest match nobody: the invisible format
     * characters (zero-width and bidirectional marks, soft hyphens, the byte order mark) are
     * dropped, and each run of spacing (any Unicode space, tabs and line breaks) becomes one
     * {@code U+0020}. Null when the text holds any other control character (NUL, ESC, DEL, C1):
     * no name or place holds one, and a digest of it would be garbage. Until session 43 Google's
     * names kept all of these ({@code "Jane\u0000"} was hashed with its NUL).
     */
    static String cleanWords(String trimmed) {
        if (isPlainAscii(trimmed)) {
            return trimmed;
        }
        StringBuilder out = new StringBuilder(trimmed.length());
        boolean pendingSpace = false;
        for (int i = 0; i < trimmed.length(); ) {
            int cp = trimmed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85) {
                pendingSpace = true;
            } else if (Character.isISOControl(cp)) {
                return null;
            } else if (Character.getType(cp) != Character.FORMAT) {
                if (pendingSpace && !out.isEmpty()) {
                    out.append(' ');
                }
                pendingSpace = false;
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /** Printable ASCII without two spaces in a row: {@link #cleanWords} would return it unchanged. */
    private static boolean isPlainAscii(String s) {
        char previous = 'x';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7F || (c == ' ' && previous == ' ')) {
                return false;
            }
            previous = c;
        }
        return true;
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
        // What was dropped may have stood between a letter and its mark ("e\u200d\u0301"): the
        // two now compose, and the digest must be of the composed form, as for the text typed
        // without it (until session 43 it was not).
        String kept = out.toString();
        return isAscii(kept) || Normalizer.isNormalized(kept, Normalizer.Form.NFC)
                ? kept : Normalizer.normalize(kept, Normalizer.Form.NFC);
    }

    /** Courtesy titles written before a name, lower case, without their period. */
    private static final Set<String> NAME_PREFIXES = Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame");
    /** Generational and academic suffixes written after a name, lower case, without their period. */
    private static final Set<String> NAME_SUFFIXES = Set.of("jr", "sr", "ii", "iii", "iv", "phd", "md", "esq");

    /**
     * A lower-cased name without the courtesy titles before it and the suffixes after it
     * ({@code mrs. jane} → {@code jane}, {@code doe, jr.} → {@code doe}), as Google asks ("no
     * prefixes/suffixes (Mrs., Jr.)", platforms.md §2); otherwise as given. A title is a whole
     * word, with or without its period; a lone word is the name even if it spells one, and a value
     * of nothing but titles is kept as given, never emptied.
     */
    static String withoutTitles(String lower) {
        int start = 0;
        int end = lower.length();
        while (true) {
            int wordEnd = start;
            while (wordEnd < end && !Character.isWhitespace(lower.charAt(wordEnd))) {
                wordEnd++;
            }
            if (wordEnd >= end || !NAME_PREFIXES.contains(withoutPeriod(lower, start, wordEnd))) {
                break;
            }
            start = wordEnd;
            while (start < end && Character.isWhitespace(lower.charAt(start))) {
                start++;
            }
        }
        while (true) {
            int wordStart = end;
            while (wordStart > start && !Character.isWhitespace(lower.charAt(wordStart - 1))
                    && lower.charAt(wordStart - 1) != ',') {
                wordStart--;
            }
            if (wordStart <= start || !NAME_SUFFIXES.contains(withoutPeriod(lower, wordStart, end))) {
                break;
            }
            end = wordStart;
            while (end > start && (Character.isWhitespace(lower.charAt(end - 1)) || lower.charAt(end - 1) == ',')) {
                end--;
            }
        }
        String name = lower.substring(start, end);
        return hasLetter(name) ? name : lower;
    }

    private static String withoutPeriod(String s, int from, int to) {
        return to > from && s.charAt(to - 1) == '.' ? s.substring(from, to - 1) : s.substring(from, to);
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

    /**
     * Letters only, accents removed, lower case, for lookup keys ({@code Côte d’Ivoire} →
     * {@code cotedivoire}); an {@code &} after a letter reads as {@code and}.
     */
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
            } else if (c == '&' && !out.isEmpty()) {
                // Only between words ("Bosnia & Herzegovina"): alone, "&" would read as "and",
                // Andorra's alpha-3 code (until session 43 it did).
                out.append("and");
            }
        }
        return out.toString();
    }
}
