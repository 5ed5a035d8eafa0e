package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code user.click_ids}. Click ids are case-sensitive opaque tokens that platforms match
 * byte for byte, so they are checked for syntax and kept exactly as sent (never lower-cased).
 */
final class ClickIdReader {

    static final String POINTER = "/user/click_ids";
    static final int MAX_LENGTH = 512;


    /**
     * Click id keys on the wire; the URL-safe ones are every key but {@code fbc} and {@code fbp}.
     * Besides click ids proper, the first-party browser ids platforms match on: Meta's
     * {@code fbp}, TikTok's {@code ttp} (the {@code _ttp} cookie), Snap's {@code _scid} and Google
     * Analytics' {@code _ga} (the cookie, {@code GA1.1.<client id>}, or the client id itself);
     * these identify a browser, not an ad click, so the ledger never attributes by them.
     */
    static final Set<String> KNOWN = Set.of(
            "fbc", "fbp", "gclid", "gbraid", "wbraid", "ttclid", "ttp", "ScCid", "_scid", "_ga", "epik", "li_fat_id",
            "rdt_cid", "msclkid");

    private ClickIdReader() {
    }

    static Map<String, String> read(JsonNode node, FieldReader fields) {
        Optional<ObjectNode> object = fields.object(node, POINTER);
        if (object.isEmpty()) {
            return Map.of();
        }
        Map<String, String> clickIds = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.get().properties()) {
            String key = field.getKey();
            String pointer = FieldReader.member(POINTER, key);
            if (!KNOWN.contains(key)) {
                fields.warn(pointer, ProblemCode.UNKNOWN_FIELD, "is not a known click id and was ignored");
                continue;
            }
            Optional<String> value = fields.string(field.getValue(), pointer, MAX_LENGTH);
            if (value.isEmpty() || value.get().isBlank()) {
                continue;
            }
            if (!matches(key, value.get())) {
                fields.error(pointer, ProblemCode.INVALID_CLICK_ID, expectation(key));
                continue;
            }
            clickIds.put(key, value.get());
        }
        return clickIds;
    }

    /**
     * Whether {@code value} has the shape of click id {@code key}. Written out rather than as
     * regular expressions, whose matchers were about 7 % of reading an event (docs/benchmarks.md,
     * session 22); {@code ClickIdReaderTest} holds them to the expressions
     * {@code fb\\.[0-9]\\.[0-9]{10,13}\\.[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]{2,8})?} (fbc, with
     * {@code [0-9]+} in place of the fbclid for fbp) and {@code [A-Za-z0-9._~+/=-]+} (the rest).
     */
    static boolean matches(String key, String value) {
        return switch (key) {
            case "fbc" -> metaCookie(value, false);
            case "fbp" -> metaCookie(value, true);
            default -> urlSafe(value);
        };
    }

    /**
     * Meta: fb.{subdomain index}.{creation time ms}.{fbclid, or for fbp random digits}, optionally
     * followed by the Parameter Builder's appendix (8 characters, 2 in its legacy form).
     */
    private static boolean metaCookie(String s, boolean digitsOnly) {
        int n = s.length();
        if (n < 17 || !s.startsWith("fb.") || !isDigit(s.charAt(3)) || s.charAt(4) != '.') {
            return false;
        }
        int i = 5;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int timeDigits = i - 5;
        if (timeDigits < 10 || timeDigits > 13 || i == n || s.charAt(i) != '.') {
            return false;
        }
        int start = ++i;
        while (i < n && (digitsOnly ? isDigit(s.charAt(i)) : isToken(s.charAt(i)))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        if (i == n) {
            return true;
        }
        if (s.charAt(i) != '.' || n - (i + 1) < 2 || n - (i + 1) > 8) {
            return false;
        }
        for (i++; i < n; i++) {
            if (!isToken(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** One or more of {@code [A-Za-z0-9._~+/=-]}. */
    private static boolean urlSafe(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isToken(c) && c != '.' && c != '~' && c != '+' && c != '/' && c != '=') {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9_-]}. */
    private static boolean isToken(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_' || c == '-';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String expectation(String key) {
        return switch (key) {
            case "fbc" -> "must look like fb.<subdomain index>.<creation time ms>.<fbclid>, as in the _fbc cookie";
            case "fbp" -> "must look like fb.<subdomain index>.<creation time ms>.<random number>, as in the _fbp cookie";
            default -> "must consist of letters, digits and . _ ~ + / = -";
        };
    }
}
