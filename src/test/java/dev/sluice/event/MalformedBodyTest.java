package dev.sluice.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static dev.sluice.event.EventJson.minimal;
import static dev.sluice.event.EventJson.purchase;
import static dev.sluice.event.EventJson.utf8;
import static dev.sluice.event.Outcomes.code;
import static dev.sluice.event.Outcomes.malformed;
import static dev.sluice.event.Outcomes.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bodies that are not JSON of the expected shape are rejected as a whole (HTTP 400). */
class MalformedBodyTest {

    private final EventParser parser = EventJson.parser();

    static Stream<Arguments> bodies() {
        String event = minimal().node().toString();
        String inner = event.substring(1, event.length() - 1);
        return Stream.of(
                Arguments.of("empty", "", " malformed_json"),
                Arguments.of("whitespace", "  \n ", " malformed_json"),
                Arguments.of("prose", "purchase please", " malformed_json"),
                Arguments.of("an array", "[" + event + "]", " invalid_type"),
                Arguments.of("a string", "\"x\"", " invalid_type"),
                Arguments.of("a number", "42", " invalid_type"),
                Arguments.of("null", "null", " invalid_type"),
                Arguments.of("truncated", event.substring(0, event.length() - 1), " malformed_json"),
                Arguments.of("truncated in a string", "{\"event_id\": \"ord", " malformed_json"),
                Arguments.of("trailing garbage", event + " x", " malformed_json"),
                Arguments.of("a second object", event + event, " malformed_json"),
                Arguments.of("a trailing comma", "{" + inner + ",}", " malformed_json"),
                Arguments.of("single quotes", "{'event_id': 'x'}", " malformed_json"),
                Arguments.of("a comment", "{/* hi */" + inner + "}", " malformed_json"),
                Arguments.of("NaN", "{\"custom\": {\"value\": NaN}}", " malformed_json"),
                Arguments.of("leading zeros", "{\"event_time\": 0123}", " malformed_json"),
                Arguments.of("a raw newline in a string", "{\"event_id\": \"a\nb\"}", " malformed_json"),
                Arguments.of("a bad escape", "{\"event_id\": \"a\\qb\"}", " malformed_json"),
                Arguments.of("an unquoted key", "{event_id: \"a\"}", " malformed_json"),
                Arguments.of("a duplicate key", "{" + inner + ", \"event_id\": \"again\"}", "/event_id duplicate_key"),
                Arguments.of("a duplicate null key", "{\"user\": null, \"user\": null}", "/user duplicate_key"),
                Arguments.of("a duplicate nested key", "{\"events\": [" + event + ", {\"user\": {\"email\": \"a\", \"email\": \"b\"}}]}",
                        "/events/1/user/email duplicate_key"),
                Arguments.of("a duplicate escaped key", "{\"a/b\": 1, \"a/b\": 2}", "/a~1b duplicate_key"),
                Arguments.of("events an object", "{\"events\": " + event + "}", "/events invalid_type"),
                Arguments.of("events null", "{\"events\": null}", "/events invalid_type"),
                Arguments.of("events empty", "{\"events\": []}", "/events out_of_range"),
                Arguments.of("a key beside events", "{\"events\": [" + event + "], \"test_event_code\": \"T1\"}",
                        "/test_event_code unknown_field"),
                Arguments.of("a 1001 digit number", "{\"event_time\": 1" + "0".repeat(1000) + "}", "/event_time too_long"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void isMalformedWithPointerAndCode(String name, String body, String expected) {
        assertEquals(expected, code(malformed(parser.parse(utf8(body)))));
    }

    @Test
    void moreThanTheMaximumNumberOfEventsIsMalformed() {
        EventJson[] events = new EventJson[1001];
        java.util.Arrays.fill(events, minimal());
        assertEquals("/events too_many", code(malformed(parser.parse(EventJson.batch(events)))));
    }

    @Test
    void nestingBeyondTheLimitIsTooDeepAndPointsAtTheFirstContainerTooDeep() {
        // Root object at depth 1, then 15 more levels: exactly the limit of 16, accepted with a warning.
        String allowed = "{" + inner(minimal()) + ", \"x\": " + "[".repeat(15) + "]".repeat(15) + "}";
        valid(parser.parse(utf8(allowed)));

        String tooDeep = "{" + inner(minimal()) + ", \"x\": " + "[".repeat(16) + "]".repeat(16) + "}";
        assertEquals("/x" + "/0".repeat(15) + " too_deep", code(malformed(parser.parse(utf8(tooDeep)))));

        String deepObjects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        assertEquals("too_deep", malformed(parser.parse(utf8(deepObjects))).code());
    }

    @Test
    void aStringOrKeyBeyondTheLimitIsTooLong() {
        String longValue = "{" + inner(minimal()) + ", \"note\": \"" + "a".repeat(8193) + "\"}";
        assertEquals("/note too_long", code(malformed(parser.parse(utf8(longValue)))));

        String atLimit = "{" + inner(minimal()) + ", \"note\": \"" + "a".repeat(8192) + "\"}";
        valid(parser.parse(utf8(atLimit)));

        String longKey = "{" + inner(minimal()) + ", \"" + "k".repeat(8193) + "\": 1}";
        // Named by its object, not by the key's own text (nor by the member before it).
        assertEquals(" too_long", code(malformed(parser.parse(utf8(longKey)))));
        String longUserKey = "{" + inner(minimal()) + ", \"user\": {\"email\": \"a@b.co\", \"" + "k".repeat(60_000) + "\": 1}}";
        assertEquals("/user too_long", code(malformed(parser.parse(utf8(longUserKey)))));

        String huge = "{\"note\": \"" + "a".repeat(5_000_000) + "\"}";
        assertEquals("too_long", malformed(parser.parse(utf8(huge))).code());
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] body = purchase().body();
        byte[] broken = new String(body, StandardCharsets.UTF_8).replace("Jane", "J\u0000ne").getBytes(StandardCharsets.UTF_8);
        // A raw NUL inside a string is an unescaped control character.
        assertEquals("malformed_json", malformed(parser.parse(broken)).code());

        byte[] lone = purchase().set("/user/first_name", "Jxne").body();
        for (int i = 0; i < lone.length - 3; i++) {
            if (lone[i] == 'J' && lone[i + 1] == 'x') {
                lone[i + 1] = (byte) 0xC3; // a lead byte followed by 'n', not a continuation byte
            }
        }
        assertEquals("malformed_json", malformed(parser.parse(lone)).code());
        assertEquals("malformed_json", malformed(parser.parse(new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'})).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"})
    void jsonInAnotherUnicodeEncodingIsMalformed(String charset) {
        byte[] body = minimal().node().toString().getBytes(java.nio.charset.Charset.forName(charset));
        assertEquals("malformed_json", malformed(parser.parse(body)).code());
    }

    @Test
    void aUtf8ByteOrderMarkIsTolerated() {
        byte[] json = minimal().body();
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        valid(parser.parse(withBom));
    }

    @Test
    void aNullBodyIsMalformedRatherThanAnException() {
        assertEquals("malformed_json", malformed(parser.parse(null)).code());
    }

    @Test
    void brokenJsonSaysWhereWithoutQuotingTheInput() {
        FieldProblem problem = malformed(parser.parse(utf8("{\n  \"user\": {\"email\": jane@example.com}\n}")));
        assertEquals("", problem.pointer());
        assertEquals("the body is not valid JSON (line 2, column 21)", problem.message());
    }

    private static String inner(EventJson event) {
        String json = event.node().toString();
        return json.substring(1, json.length() - 1);
    }
}
