package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonBytesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The same document through JsonBytes and through Jackson's UTF-8 generator. */
    private static byte[][] both(String name, String value) throws IOException {
        JsonBytes mine = new JsonBytes(4);
        mine.startObject()
                .stringField(JsonBytes.name("fixed"), value)
                .field(name).string(value)
                .field(JsonBytes.name("n")).number(-42)
                .field(JsonBytes.name("d")).number("1.50")
                .field(JsonBytes.name("list")).startArray().string(value).bool(true).nul().startObject().endObject()
                .startArray().endArray().endArray()
                .field(JsonBytes.name("empty")).startObject().endObject()
                .field(JsonBytes.name("f")).bool(false)
                .endObject();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("fixed", value);
            g.writeStringField(name, value);
            g.writeNumberField("n", -42);
            g.writeFieldName("d");
            g.writeNumber(new java.math.BigDecimal("1.50"));
            g.writeArrayFieldStart("list");
            g.writeString(value);
            g.writeBoolean(true);
            g.writeNull();
            g.writeStartObject();
            g.writeEndObject();
            g.writeStartArray();
            g.writeEndArray();
            g.writeEndArray();
            g.writeObjectFieldStart("empty");
            g.writeEndObject();
            g.writeBooleanField("f", false);
            g.writeEndObject();
        }
        return new byte[][] {mine.toBytes(), out.toByteArray()};
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "quote \" and backslash \\", "tab\tnew\nline\rcr\bbs\fff",
            "nul \u0000 unit \u001f del \u007f", "é ü ß", "€ and 中文", "emoji 😀 pair", "a/b <script>",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"})
    void writesWhatJacksonWrites(String value) throws IOException {
        byte[][] out = both("key " + value, value);
        assertEquals(new String(out[1], StandardCharsets.UTF_8), new String(out[0], StandardCharsets.UTF_8));
        assertArrayEquals(out[1], out[0]);
    }

    /**
     * A hashed value's stored form, written straight into the buffer and as a string, against the
     * JDK's hex and base64url codecs: every byte value in every position of a digest, and what is
     * not a lower-case hex digest (kept verbatim behind '=').
     */
    @Test
    void hashedValuesAreWrittenAsTheirStoredForm() throws IOException {
        Random random = new Random(7);
        java.util.List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            values.add(java.util.HexFormat.of().formatHex(digest));
        }
        for (int b = 0; b < 256; b++) {
            // Each byte value in the last two bytes (the three-character tail) and in a full group.
            String hex = String.format("%02x", b);
            values.add("0".repeat(60) + hex + hex);
            values.add(hex.repeat(3) + "f".repeat(58));
        }
        String digest = "0123456789abcdef".repeat(4);
        for (int i = 0; i < 64; i++) {
            // One character that is not a lower-case hex digit, in every position.
            for (char c : new char[] {'g', 'A', 'F', '/', ':', '`', '\u00e9'}) {
                values.add(digest.substring(0, i) + c + digest.substring(i + 1));
            }
        }
        values.addAll(java.util.List.of(digest.substring(1), digest + "0", "", "=odd", "A".repeat(64)));
        for (String value : values) {
            String expected = value.matches("[0-9a-f]{64}")
                    ? java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.HexFormat.of().parseHex(value))
                    : "=" + value;
            assertEquals(expected, dev.sluice.privacy.PayloadFormat.hashed(value), value);
            // An identity built from hex, as a merchant's own digest arrives (PayloadWriterTest covers bytes).
            var identity = new dev.sluice.privacy.HashedIdentity(
                    java.util.Map.of(dev.sluice.privacy.PiiField.EMAIL, value), java.util.Map.of());
            JsonBytes direct = new JsonBytes(4).startArray().hashed(identity, dev.sluice.privacy.PiiField.EMAIL)
                    .hashed(identity, dev.sluice.privacy.PiiField.EMAIL).endArray();
            JsonBytes viaString = new JsonBytes(4).startArray().string(expected).string(expected).endArray();
            assertEquals(new String(viaString.toBytes(), StandardCharsets.UTF_8), new String(direct.toBytes(), StandardCharsets.UTF_8), value);
        }
        assertEquals(dev.sluice.privacy.PayloadFormat.STORED_DIGEST_LENGTH, dev.sluice.privacy.PayloadFormat.hashed(digest).length());
    }

    @Test
    void randomStringsMatchJacksonByteForByte() throws IOException {
        Random random = new Random(7);
        for (int n = 0; n < 2000; n++) {
            StringBuilder s = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) {
                int pick = random.nextInt(10);
                if (pick < 5) {
                    s.append((char) random.nextInt(0x80));
                } else if (pick < 7) {
                    s.append((char) (0x80 + random.nextInt(0x780)));
                } else if (pick < 9) {
                    char c = (char) (0x800 + random.nextInt(0xd000));
                    s.append(Character.isSurrogate(c) ? 'x' : c);
                } else {
                    s.appendCodePoint(0x10000 + random.nextInt(0xfffff));
                }
            }
            byte[][] out = both(s.toString(), s.toString());
            assertArrayEquals(out[1], out[0], () -> "differs for " + s.codePoints().boxed().toList());
        }
    }

    /**
     * One character that is not plain ASCII, in every position of a long ASCII string, is written
     * as Jackson writes it, whatever shortcut the writer takes for plain runs (an unpaired
     * surrogate, which the JDK's UTF-8 encoder would turn into '?', and '?' itself included).
     */
    @Test
    void longStringsWithOneSpecialCharacterAnywhereMatchJackson() throws IOException {
        String ascii = "https://shop.example/checkout?step=confirm&x=1 Mozilla/5.0 (X11) ~";
        String[] specials = {"?", "\ud800", "\udc00", "\ud83d\ude00", "\"", "\\", "\n", "\u0001", "\u001f", "\u007f",
                "\u0080", "\u00e9", "\u20ac", "\u2028", "/"};
        for (String special : specials) {
            for (int at = 0; at <= ascii.length(); at++) {
                String value = ascii.substring(0, at) + special + ascii.substring(at);
                byte[][] out = both("key", value);
                assertArrayEquals(out[1], out[0], () -> "differs for " + value.codePoints().boxed().toList());
            }
        }
        for (int len = 0; len <= 40; len++) {
            String value = ascii.substring(0, len);
            byte[][] out = both("key", value);
            assertArrayEquals(out[1], out[0], value);
        }
    }

    @Test
    void unpairedSurrogatesAreEscapedAsJacksonDoesAndReadBackUnchanged() throws IOException {
        for (String value : new String[] {"\ud800", "a\udc00b", "\ud83d", "x\ude00\ud83d"}) {
            byte[][] out = both("k", value);
            assertArrayEquals(out[1], out[0], value);
            JsonBytes g = new JsonBytes(8);
            g.startObject().field(JsonBytes.name("v")).string(value).endObject();
            JsonNode read = MAPPER.readTree(g.toBytes());
            assertEquals(value, read.get("v").asText());
        }
    }

    @Test
    void largeValuesGrowTheBuffer() throws IOException {
        String big = "ü".repeat(5000) + "\"".repeat(3000);
        JsonBytes g = new JsonBytes(16);
        g.startArray().string(big).endArray();
        assertEquals(big, MAPPER.readTree(g.toBytes()).get(0).asText());
    }

    @Test
    void refusesAnUnclosedDocument() {
        JsonBytes g = new JsonBytes(16);
        g.startObject();
        assertThrows(IllegalStateException.class, g::toBytes);
        assertThrows(IllegalStateException.class, () -> new JsonBytes(16).endObject());
    }
}
