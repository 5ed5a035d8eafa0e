package dev.sluice.privacy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The stored form of an outbox payload, and its reading back into the form connectors take.
 *
 * <p>Connectors read payload version 1: the canonical hashed event with readable member names
 * and SHA-256 digests as 64 lower-case hex digits ({@code dev.sluice.connector.OutboxItem}).
 * Ingest stores version 2, the same members in the same order with short names and each digest
 * as 43 base64url characters (no padding), about a quarter fewer bytes for the single writer to
 * put on disk per destination (docs/benchmarks.md, session 7). A hashed value that is not a
 * lower-case hex SHA-256 digest is stored verbatim behind {@code =}, which base64url never
 * starts with. {@link #version1} turns either version into version 1; the names of maps whose
 * keys are data (click ids, attribution, platform flags) are never renamed. {@link #readVersion1}
 * does the same from the stored bytes without building the version 2 tree first (delivery opens
 * every claimed payload with it).
 */
public final class PayloadFormat {
    /** The version ingest writes. */
    public static final int VERSION = 2;

    // Top level.
    public static final String V = "v";
    public static final String EVENT_ID = "i";
    public static final String EVENT_NAME = "n";
    public static final String EVENT_TIME = "t";
    public static final String ACTION_SOURCE = "s";
    public static final String EVENT_SOURCE_URL = "u";
    public static final String USER = "U";
    public static final String CUSTOM = "c";
    public static final String ATTRIBUTION = "a";
    public static final String CONSENT = "C";
    public static final String CONSENT_DECISION = "d";
    public static final String PLATFORM_FLAGS = "f";
    // In the user object.
    public static final String HASHED = "h";
    public static final String PLAIN = "p";
    public static final String CLIENT_IP = "ip";
    public static final String USER_AGENT = "ua";
    public static final String CLICK_IDS = "k";
    // In custom.
    public static final String VALUE = "v";
    public static final String CURRENCY = "c";
    public static final String ORDER_ID = "o";
    public static final String CONTENT_IDS = "ids";
    public static final String NUM_ITEMS = "q";
    // In consent.
    public static final String AD_STORAGE = "as";
    public static final String AD_USER_DATA = "au";
    public static final String AD_PERSONALIZATION = "ap";
    public static final String ANALYTICS_STORAGE = "an";
    public static final String TCF = "tcf";
    public static final String GPC = "gpc";
    public static final String US_PRIVACY = "usp";
    public static final String OPT_OUT = "oo";
    public static final String JURISDICTION = "j";
    // In consent_decision.
    public static final String DECISION = "d";
    public static final String RULES = "r";

    private static final Map<PiiField, String> FIELDS = new EnumMap<>(Map.ofEntries(
            Map.entry(PiiField.EMAIL, "em"), Map.entry(PiiField.PHONE, "ph"), Map.entry(PiiField.FIRST_NAME, "fn"),
            Map.entry(PiiField.LAST_NAME, "ln"), Map.entry(PiiField.DATE_OF_BIRTH, "db"), Map.entry(PiiField.GENDER, "ge"),
            Map.entry(PiiField.CITY, "ct"), Map.entry(PiiField.STATE, "st"), Map.entry(PiiField.ZIP, "zp"),
            Map.entry(PiiField.COUNTRY, "co"), Map.entry(PiiField.EXTERNAL_ID, "x")));

    /** Short name to version 1 name, per object. */
    private static final Map<String, String> TOP_NAMES = Map.ofEntries(Map.entry(EVENT_ID, "event_id"),
            Map.entry(EVENT_NAME, "event_name"), Map.entry(EVENT_TIME, "event_time"),
            Map.entry(ACTION_SOURCE, "action_source"), Map.entry(EVENT_SOURCE_URL, "event_source_url"),
            Map.entry(USER, "user"), Map.entry(CUSTOM, "custom"), Map.entry(ATTRIBUTION, "attribution"),
            Map.entry(CONSENT, "consent"), Map.entry(CONSENT_DECISION, "consent_decision"),
            Map.entry(PLATFORM_FLAGS, "platform_flags"));
    private static final Map<String, String> USER_NAMES = Map.of(HASHED, "hashed", PLAIN, "plain", CLIENT_IP, "client_ip",
            USER_AGENT, "user_agent", CLICK_IDS, "click_ids");
    private static final Map<String, String> CUSTOM_NAMES = Map.of(VALUE, "value", CURRENCY, "currency",
            ORDER_ID, "order_id", CONTENT_IDS, "content_ids", NUM_ITEMS, "num_items");
    private static final Map<String, String> CONSENT_NAMES = Map.of(AD_STORAGE, "ad_storage", AD_USER_DATA, "ad_user_data",
            AD_PERSONALIZATION, "ad_personalization", ANALYTICS_STORAGE, "analytics_storage", TCF, "tcf", GPC, "gpc",
            US_PRIVACY, "us_privacy", OPT_OUT, "opt_out", JURISDICTION, "jurisdiction");
    private static final Map<String, String> DECISION_NAMES = Map.of(DECISION, "decision", RULES, "rules");
    private static final Map<String, String> FIELD_NAMES = new HashMap<>();

    static {
        FIELDS.forEach((field, shortName) -> FIELD_NAMES.put(shortName, field.jsonName()));
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final HexFormat HEX = HexFormat.of();
    private static final int DIGEST_HEX = 64;

    private PayloadFormat() {
    }

    /** A personal-data field's short name in version 2. */
    public static String field(PiiField field) {
        return FIELDS.get(field);
    }

    /** How version 2 stores a hashed value: a hex SHA-256 digest as base64url, anything else behind {@code =}. */
    public static String hashed(String value) {
        byte[] stored = new byte[STORED_DIGEST_LENGTH];
        return writeDigest(value, stored, 0) ? new String(stored, java.nio.charset.StandardCharsets.US_ASCII) : "=" + value;
    }

    /** Each ASCII character's value as a lower-case hex digit, or -1. */
    private static final byte[] NIBBLES = new byte[128];

    static {
        java.util.Arrays.fill(NIBBLES, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            NIBBLES[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            NIBBLES[c] = (byte) (c - 'a' + 10);
        }
    }

    /**
     * A lower-case hex digit's value, or -1. A table rather than comparisons: in a digest, digits
     * and letters come in no pattern a branch predictor could follow.
     */
    private static int nibble(char c) {
        return c < 128 ? NIBBLES[c] : -1;
    }

    /**
     * First byte of a digest written raw ({@link #writeRawDigest}): a zero byte, which JSON text
     * never holds (control characters in strings are escaped, and none may stand between tokens).
     */
    public static final byte RAW_DIGEST = 0;
    /** Length of a raw digest: {@link #RAW_DIGEST} and the digest's 32 bytes. */
    public static final int RAW_DIGEST_LENGTH = 33;

    /**
     * Writes a lower-case hex SHA-256 digest raw, in place of its quoted stored form: {@link #RAW_DIGEST}
     * then its 32 bytes, into {@code out} from {@code offset}; false, with {@code out} left in an
     * unspecified state from {@code offset}, when {@code value} is not such a digest. Only a
     * payload's own part holds raw digests ({@link PayloadParts}), twelve bytes fewer each;
     * {@link #writeSplicedDigest} turns one back into a stored value.
     */
    public static boolean writeRawDigest(String value, byte[] out, int offset) {
        if (value.length() != DIGEST_HEX) {
            return false;
        }
        out[offset] = RAW_DIGEST;
        int bad = 0;
        for (int i = 0, o = offset + 1; i < DIGEST_HEX; i += 2, o++) {
            int b = nibble(value.charAt(i)) << 4 | nibble(value.charAt(i + 1));
            bad |= b;
            out[o] = (byte) b;
        }
        return bad >= 0;
    }

    /**
     * Writes the 32 digest bytes at {@code in[from..from+32)} as a quoted stored value that every
     * reader takes as is: the digest's 64 lower-case hex digits behind {@code =}
     * ({@link #SPLICED_DIGEST_LENGTH} bytes with the quotes), the form version 1 holds, so that
     * reading the payload neither encodes nor decodes base64url for it. Returns the offset after it.
     */
    public static int writeSplicedDigest(byte[] in, int from, byte[] out, int offset) {
        int o = offset;
        out[o++] = '"';
        out[o++] = '=';
        for (int i = from; i < from + DIGEST_HEX / 2; i++) {
            out[o++] = HEX_DIGITS[(in[i] >> 4) & 0xf];
            out[o++] = HEX_DIGITS[in[i] & 0xf];
        }
        out[o++] = '"';
        return o;
    }

    /** Length of {@link #writeSplicedDigest}'s value, quotes included. */
    public static final int SPLICED_DIGEST_LENGTH = DIGEST_HEX + 3;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Length of a digest's stored form: 32 bytes in base64url without padding. */
    public static final int STORED_DIGEST_LENGTH = 43;
    /** Length of a SHA-256 digest in bytes. */
    public static final int DIGEST_BYTES = 32;
    private static final byte[] B64_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Writes {@link #hashed}'s result for a lower-case hex SHA-256 digest as {@link #STORED_DIGEST_LENGTH}
     * ASCII bytes into {@code out} from {@code offset}, without an intermediate digest array or
     * string (the payload writer writes one per hashed field and destination: sixteen per event of
     * the load script); false, with
     * {@code out} left in an unspecified state from {@code offset}, when {@code value} is not such a
     * digest, which is then stored through {@link #hashed}.
     */
    public static boolean writeDigest(String value, byte[] out, int offset) {
        if (value.length() != DIGEST_HEX) {
            return false;
        }
        int bad = 0;
        int o = offset;
        // Ten groups of three digest bytes (six hex digits) become four base64url characters each.
        for (int i = 0; i < 60; i += 6) {
            int b0 = nibble(value.charAt(i)) << 4 | nibble(value.charAt(i + 1));
            int b1 = nibble(value.charAt(i + 2)) << 4 | nibble(value.charAt(i + 3));
            int b2 = nibble(value.charAt(i + 4)) << 4 | nibble(value.charAt(i + 5));
            bad |= b0 | b1 | b2;
            int bits = (b0 & 0xff) << 16 | (b1 & 0xff) << 8 | (b2 & 0xff);
            out[o] = B64_ALPHABET[bits >>> 18];
            out[o + 1] = B64_ALPHABET[bits >>> 12 & 0x3f];
            out[o + 2] = B64_ALPHABET[bits >>> 6 & 0x3f];
            out[o + 3] = B64_ALPHABET[bits & 0x3f];
            o += 4;
        }
        // The last two bytes: three characters, no padding.
        int b0 = nibble(value.charAt(60)) << 4 | nibble(value.charAt(61));
        int b1 = nibble(value.charAt(62)) << 4 | nibble(value.charAt(63));
        bad |= b0 | b1;
        int bits = (b0 & 0xff) << 8 | (b1 & 0xff);
        out[o] = B64_ALPHABET[bits >>> 10];
        out[o + 1] = B64_ALPHABET[bits >>> 4 & 0x3f];
        out[o + 2] = B64_ALPHABET[bits << 2 & 0x3f];
        // A non-digit nibble is -1, which makes its byte negative (the sign bit survives the shift).
        return bad >= 0;
    }

    /**
     * {@link #writeDigest(String, byte[], int)} for a digest given as its {@link #DIGEST_BYTES}
     * bytes at {@code in[from..from+32)}. {@code in} and {@code out} may be the same array when
     * the bytes lie at or after {@code offset + STORED_DIGEST_LENGTH}, past what is written.
     */
    public static void writeDigest(byte[] in, int from, byte[] out, int offset) {
        int o = offset;
        for (int i = from; i < from + 30; i += 3) {
            int bits = (in[i] & 0xff) << 16 | (in[i + 1] & 0xff) << 8 | (in[i + 2] & 0xff);
            out[o] = B64_ALPHABET[bits >>> 18];
            out[o + 1] = B64_ALPHABET[bits >>> 12 & 0x3f];
            out[o + 2] = B64_ALPHABET[bits >>> 6 & 0x3f];
            out[o + 3] = B64_ALPHABET[bits & 0x3f];
            o += 4;
        }
        int bits = (in[from + 30] & 0xff) << 8 | (in[from + 31] & 0xff);
        out[o] = B64_ALPHABET[bits >>> 10];
        out[o + 1] = B64_ALPHABET[bits >>> 4 & 0x3f];
        out[o + 2] = B64_ALPHABET[bits << 2 & 0x3f];
    }

    /** The version 1 form of a stored payload of version 1 or 2; an unknown version or member is an error. */
    public static JsonNode version1(JsonNode payload) throws IOException {
        if (!payload.isObject()) {
            throw new IOException("payload is not an object");
        }
        int version = payload.path(V).asInt(-1);
        if (version == 1) {
            return payload;
        }
        if (version != VERSION) {
            throw new IOException("unknown payload version");
        }
        ObjectNode out = NODES.objectNode();
        out.put("v", 1);
        for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(V)) {
                continue;
            }
            String name = named(TOP_NAMES, e.getKey());
            JsonNode value = e.getValue();
            out.set(name, switch (name) {
                case "user" -> user(value);
                case "custom" -> renamed(value, CUSTOM_NAMES);
                case "consent" -> renamed(value, CONSENT_NAMES);
                case "consent_decision" -> renamed(value, DECISION_NAMES);
                default -> value;
            });
        }
        return out;
    }

    /**
     * The event time (epoch seconds) of a stored payload of version 1 or 2, read without reading
     * the rest: the top-level {@code t} of version 2 ({@code event_time} of version 1), skipping
     * every other member's value unread, and stopping at the time when {@code "v":2} came first (as
     * ingest writes it). Empty when it has none, or not as an integer. Whether the rest of the
     * payload reads is {@link #readVersion1}'s to say.
     */
    public static java.util.OptionalLong eventTime(ObjectMapper json, byte[] bytes) throws IOException {
        try (JsonParser p = json.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return java.util.OptionalLong.empty();
            }
            boolean version2 = false;
            boolean versionFirst = false;
            java.util.OptionalLong t = java.util.OptionalLong.empty();
            java.util.OptionalLong eventTime = java.util.OptionalLong.empty();
            for (int member = 0; p.nextToken() == JsonToken.FIELD_NAME; member++) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                boolean integer = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
                if (V.equals(name)) {
                    version2 = integer && p.getLongValue() == VERSION;
                    versionFirst = member == 0;
                } else if (EVENT_TIME.equals(name)) {
                    t = integer ? java.util.OptionalLong.of(p.getLongValue()) : java.util.OptionalLong.empty();
                    if (version2 && versionFirst) {
                        // As ingest writes version 2: "v" first, the time among the first members.
                        return t;
                    }
                } else if ("event_time".equals(name)) {
                    eventTime = integer ? java.util.OptionalLong.of(p.getLongValue()) : java.util.OptionalLong.empty();
                }
                p.skipChildren();
            }
            return version2 ? t : eventTime;
        }
    }

    /**
     * The version 1 form of stored payload bytes, read straight into version 1 when the payload
     * is version 2 (its first member is {@code "v":2}, as ingest writes it): the same tree as
     * {@code version1(json.readTree(bytes))}, without the version 2 tree in between (8,568
     * against 11,952 bytes allocated per payload, {@code PayloadOpenBenchmark}). Anything else
     * (version 1, or members in another order) is read as a tree and converted.
     */
    public static JsonNode readVersion1(ObjectMapper json, byte[] bytes) throws IOException {
        try (JsonParser p = json.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("payload is not an object");
            }
            if (p.nextToken() != JsonToken.FIELD_NAME || !V.equals(p.currentName())
                    || p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != VERSION) {
                return version1(json.readTree(bytes));
            }
            ObjectNode out = NODES.objectNode();
            out.put("v", 1);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = named(TOP_NAMES, p.currentName());
                p.nextToken();
                out.set(name, switch (name) {
                    case "user" -> readUser(p);
                    case "custom" -> readRenamed(p, CUSTOM_NAMES);
                    case "consent" -> readRenamed(p, CONSENT_NAMES);
                    case "consent_decision" -> readRenamed(p, DECISION_NAMES);
                    default -> value(p);
                });
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("payload is not an object");
            }
            return out;
        }
    }

    private static JsonNode readUser(JsonParser p) throws IOException {
        return readObject(p, USER_NAMES, (name, q) -> switch (name) {
            case "hashed" -> readObject(q, FIELD_NAMES,
                    // As hashes(): a non-text value reads as its text, and fails as a digest.
                    (field, r) -> NODES.textNode(unpacked(r.currentToken().isScalarValue() ? r.getValueAsString("") : "")));
            case "plain" -> readRenamed(q, FIELD_NAMES);
            default -> value(q);
        });
    }

    private static JsonNode readRenamed(JsonParser p, Map<String, String> names) throws IOException {
        return readObject(p, names, (name, q) -> value(q));
    }

    /** Reads one member's value, the parser at its first token, given its version 1 name. */
    @FunctionalInterface
    private interface MemberReader {
        JsonNode read(String name, JsonParser p) throws IOException;
    }

    /** An object of short names read into one of version 1 names, each value read by {@code member}. */
    private static ObjectNode readObject(JsonParser p, Map<String, String> names, MemberReader member) throws IOException {
        expectObject(p);
        ObjectNode out = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = named(names, p.currentName());
            p.nextToken();
            out.set(name, member.read(name, p));
        }
        return out;
    }

    /**
     * The value at the parser's current token as the tree reader builds it (text, int or long,
     * double, boolean, null, arrays and objects), without a deserialization context per value.
     */
    private static JsonNode value(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new IOException("payload ends early");
        }
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case START_ARRAY -> {
                com.fasterxml.jackson.databind.node.ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(p));
                }
                yield array;
            }
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    object.set(name, value(p));
                }
                yield object;
            }
            default -> throw new IOException("payload is not JSON values");
        };
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("payload member is not an object");
        }
    }

    private static JsonNode user(JsonNode user) throws IOException {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(user).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = named(USER_NAMES, e.getKey());
            out.set(name, switch (name) {
                case "hashed" -> hashes(e.getValue());
                case "plain" -> renamed(e.getValue(), FIELD_NAMES);
                default -> e.getValue();
            });
        }
        return out;
    }

    private static JsonNode hashes(JsonNode hashed) throws IOException {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(hashed).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(named(FIELD_NAMES, e.getKey()), unpacked(e.getValue().asText()));
        }
        return out;
    }

    /** A stored hashed value as version 1 holds it: verbatim behind {@code =}, else a digest as hex. */
    private static String unpacked(String stored) throws IOException {
        if (stored.startsWith("=")) {
            return stored.substring(1);
        }
        byte[] digest;
        try {
            digest = B64_DECODER.decode(stored);
        } catch (IllegalArgumentException bad) {
            throw new IOException("hashed value is not base64url");
        }
        if (digest.length != DIGEST_HEX / 2) {
            throw new IOException("hashed value is not a SHA-256 digest");
        }
        return HEX.formatHex(digest);
    }

    private static JsonNode renamed(JsonNode node, Map<String, String> names) throws IOException {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(named(names, e.getKey()), e.getValue());
        }
        return out;
    }

    private static JsonNode object(JsonNode node) throws IOException {
        if (!node.isObject()) {
            throw new IOException("payload member is not an object");
        }
        return node;
    }

    private static String named(Map<String, String> names, String shortName) throws IOException {
        String name = names.get(shortName);
        if (name == null) {
            throw new IOException("unknown payload member");
        }
        return name;
    }
}
