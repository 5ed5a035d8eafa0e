package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.sluice.event.EventJson.purchase;
import static dev.sluice.event.EventJson.utf8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of generated hostile bodies (seeded, so failures reproduce): parsing never throws,
 * always answers Malformed or Events, uses only listed codes and well-formed pointers, and never
 * quotes the canary planted in the input.
 */
class HostileInputTest {

    static final String CANARY = "canary-7f3a@example.com";
    private static final Set<String> CODES = Arrays.stream(ProblemCode.values()).map(ProblemCode::code)
            .collect(Collectors.toUnmodifiableSet());
    private static final List<String> KEYS = List.of("events", "event_id", "event_name", "event_time", "action_source",
            "event_source_url", "user", "email", "phone", "client_ip", "click_ids", "fbc", "gclid", "custom", "value",
            "currency", "content_ids", "num_items", "attribution", "consent", "tcf", "gpc", "destinations", "x~/y", "");
    private static final List<String> HOSTILE_VALUES = List.of("null", "true", "false", "0", "-1", "1.5", "1e308",
            "-1e-308", "1e999999999", "1e-999999999", "123456789012345678901234567890", "\"\"", "\" \"", "\"\\u0000\"",
            "\"\\ud800\"", "\"" + CANARY + "\"", "[]", "[null]", "{}", "{\"a\":{}}", "[[[]]]",
            "\"" + "x".repeat(300) + "\"", "\"2026-11-28T10:15:00Z\"", "{\"" + CANARY + "\": \"" + CANARY + "\"}");

    private final EventParser parser = EventJson.parser();
    private final Random random = new Random(0x51_1CE_2026L);

    @Test
    void randomBytesAreAlwaysAnswered() {
        for (int i = 0; i < 1000; i++) {
            byte[] body = new byte[random.nextInt(300)];
            random.nextBytes(body);
            assertHandled(body, "random bytes #" + i);
        }
    }

    @Test
    void everyTruncationOfABatchIsMalformed() {
        byte[] body = EventJson.batch(purchase().set("/user/email", CANARY), purchase());
        for (int length = 0; length < body.length; length++) {
            ParsedBody parsed = assertHandled(Arrays.copyOf(body, length), "truncated at " + length);
            assertInstanceOf(ParsedBody.Malformed.class, parsed, "truncated at " + length);
        }
    }

    @Test
    void randomByteMutationsAreAlwaysAnswered() {
        byte[] original = purchase().set("/user/email", CANARY).body();
        for (int i = 0; i < 2000; i++) {
            byte[] body = original.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            assertHandled(body, "mutation #" + i);
        }
    }

    @Test
    void wrongTypesAndValuesAtEveryFieldGiveEventsNeverMalformed() {
        ObjectNode event = purchase().node();
        List<String> pointers = new ArrayList<>();
        collectPointers(event, "", pointers);
        for (String pointer : pointers) {
            for (String value : HOSTILE_VALUES) {
                ObjectNode changed = event.deepCopy();
                replace(changed, pointer, value);
                ParsedBody parsed = assertHandled(utf8(changed.toString()), pointer + " = " + value);
                assertInstanceOf(ParsedBody.Events.class, parsed, pointer + " = " + value);
                ParsedBody inBatch = assertHandled(utf8("{\"events\":[" + changed + "," + changed + "]}"), "batch " + pointer);
                assertInstanceOf(ParsedBody.Events.class, inBatch, "batch " + pointer + " = " + value);
            }
        }
        assertTrue(pointers.size() > 40, "walked " + pointers.size() + " fields");
    }

    @Test
    void randomJsonTreesAreAlwaysAnswered() {
        for (int i = 0; i < 2000; i++) {
            JsonNode tree = randomObject(0);
            assertHandled(utf8(tree.toString()), "random tree #" + i);
        }
    }

    @Test
    void deepNestingAtEveryLevelAndPlaceIsAnswered() {
        for (int depth = 1; depth <= 40; depth++) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            for (String nested : List.of(arrays, objects)) {
                assertHandled(utf8("{\"user\":" + nested + "}"), "user at depth " + depth);
                assertHandled(utf8("{\"events\":[{\"custom\":{\"content_ids\":" + nested + "}}]}"), "batch " + depth);
                assertHandled(utf8(nested), "root " + depth);
            }
        }
    }

    @Test
    void hugeAndOddStringsAreAnswered() {
        for (int length : new int[] {8191, 8192, 8193, 100_000}) {
            String big = "é".repeat(length);
            assertHandled(utf8("{\"user\":{\"email\":\"" + big + "\"}}"), "string of " + length);
            assertHandled(utf8("{\"" + big + "\":1}"), "key of " + length);
        }
        assertHandled(utf8("{\"event_id\":\"\\ud83d\\ude00\\udfff\\u0000\\u001f\"}"), "escapes");
        assertHandled("{\"event_id\":\"\u0000\"}".getBytes(StandardCharsets.UTF_16), "utf-16");
    }

    /** Parses and checks the invariants every answer must meet. */
    private ParsedBody assertHandled(byte[] body, String description) {
        ParsedBody parsed;
        try {
            parsed = parser.parse(body);
        } catch (Throwable t) {
            throw new AssertionError("parse threw for " + description, t);
        }
        switch (parsed) {
            case ParsedBody.Malformed malformed -> assertProblem(malformed.problem(), description);
            case ParsedBody.Events events -> {
                assertFalse(events.events().isEmpty(), description);
                for (ParsedEvent event : events.events()) {
                    switch (event) {
                        case ParsedEvent.Valid valid -> valid.warnings().forEach(p -> assertProblem(p, description));
                        case ParsedEvent.Invalid invalid -> {
                            assertFalse(invalid.problems().isEmpty(), description);
                            invalid.problems().forEach(p -> assertProblem(p, description));
                        }
                    }
                }
            }
        }
        return parsed;
    }

    private static void assertProblem(FieldProblem problem, String description) {
        if (!CODES.contains(problem.code())) {
            fail("unlisted code " + problem.code() + " for " + description);
        }
        if (!problem.pointer().isEmpty() && !problem.pointer().startsWith("/")) {
            fail("bad pointer " + problem.pointer() + " for " + description);
        }
        if (problem.message().contains("canary") || problem.message().contains("7f3a")) {
            fail("message quotes the input for " + description + ": " + problem.message());
        }
    }

    private JsonNode randomValue(int depth) {
        return switch (random.nextInt(depth > 6 ? 6 : 9)) {
            case 0 -> JsonNodeFactory.instance.nullNode();
            case 1 -> JsonNodeFactory.instance.booleanNode(random.nextBoolean());
            case 2 -> JsonNodeFactory.instance.numberNode(random.nextLong());
            case 3 -> JsonNodeFactory.instance.numberNode(new java.math.BigDecimal(random.nextGaussian() * 1e6));
            case 4 -> JsonNodeFactory.instance.textNode(random.nextBoolean() ? CANARY : randomText());
            case 5 -> JsonNodeFactory.instance.textNode(HostileInputTest.KEYS.get(random.nextInt(KEYS.size())));
            case 6, 7 -> randomObject(depth + 1);
            default -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth + 1));
                }
                yield array;
            }
        };
    }

    private ObjectNode randomObject(int depth) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        for (int i = random.nextInt(6); i > 0; i--) {
            object.set(KEYS.get(random.nextInt(KEYS.size())), randomValue(depth));
        }
        return object;
    }

    private String randomText() {
        char[] chars = new char[random.nextInt(20)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) random.nextInt(0x3000);
        }
        return new String(chars);
    }

    private static void collectPointers(JsonNode node, String pointer, List<String> into) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String child = pointer + "/" + field.getKey();
                into.add(child);
                collectPointers(field.getValue(), child, into);
            }
        }
    }

    private static void replace(ObjectNode root, String pointer, String json) {
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) root.at(pointer.substring(0, slash));
        try {
            parent.set(pointer.substring(slash + 1), EventJson.MAPPER.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
