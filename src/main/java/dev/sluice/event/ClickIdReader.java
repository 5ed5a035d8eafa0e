package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code user.click_ids}. Click ids are case-sensitive opaque tokens that platforms match
 * byte for byte, so they are checked for syntax and kept exactly as sent (never lower-cased).
 */
final class ClickIdReader {

    static final String POINTER = "/user/click_ids";
    static final int MAX_LENGTH = 512;

    // Meta: fb.{subdomain index}.{creation time ms}.{fbclid | random digits}, optionally followed by
    // the Parameter Builder's appendix (8 characters, 2 in its legacy form).
    private static final Pattern FBC = Pattern.compile(
            "fb\\.[0-9]\\.[0-9]{10,13}\\.[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]{2,8})?");
    private static final Pattern FBP = Pattern.compile(
            "fb\\.[0-9]\\.[0-9]{10,13}\\.[0-9]+(?:\\.[A-Za-z0-9_-]{2,8})?");
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9._~+/=-]+");

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
            String pointer = POINTER + "/" + FieldReader.escape(key);
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

    private static boolean matches(String key, String value) {
        return switch (key) {
            case "fbc" -> FBC.matcher(value).matches();
            case "fbp" -> FBP.matcher(value).matches();
            default -> URL_SAFE.matcher(value).matches();
        };
    }

    private static String expectation(String key) {
        return switch (key) {
            case "fbc" -> "must look like fb.<subdomain index>.<creation time ms>.<fbclid>, as in the _fbc cookie";
            case "fbp" -> "must look like fb.<subdomain index>.<creation time ms>.<random number>, as in the _fbp cookie";
            default -> "must consist of letters, digits and . _ ~ + / = -";
        };
    }
}
