package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static dev.sluice.event.EventJson.minimal;
import static dev.sluice.event.EventJson.utf8;
import static dev.sluice.event.Outcomes.code;
import static dev.sluice.event.Outcomes.codes;
import static dev.sluice.event.Outcomes.events;
import static dev.sluice.event.Outcomes.invalid;
import static dev.sluice.event.Outcomes.malformed;
import static dev.sluice.event.Outcomes.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a body costs the gateway is bounded by more than its size: the values it holds (the parsed
 * tree is many times the JSON: 650,000 empty objects in a 2 MB body ran the shipped 64 MiB heap
 * out) and the problems an answer lists (a warning for each of 220,000 unknown keys did too).
 */
class BodyBoundsTest {

    private static final int LIMIT = 1_024;
    private final EventParser small = new EventParser(new ParserLimits(1000, Duration.ofDays(7), Duration.ofMinutes(5),
            16, 8192, LIMIT), EventJson.CLOCK);

    /** Every value of the tree, the root included, as the reader counts them. */
    private static int values(JsonNode node) {
        int count = 1;
        for (JsonNode child : node) {
            count += values(child);
        }
        return count;
    }

    /** The minimal event with an unknown array of {@code n} empty objects beside its fields. */
    private static String withObjects(int n) {
        String event = minimal().node().toString();
        return event.substring(0, event.length() - 1) + ", \"x\": ["
                + String.join(",", java.util.Collections.nCopies(n, "{}")) + "]}";
    }

    @Test
    void aBodyOfExactlyTheLimitsValuesIsReadAndOneMoreIsTooMany() {
        int fixed = values(minimal().node()) + 1;   // the event's values and the array "x"
        valid(small.parse(utf8(withObjects(LIMIT - fixed))));

        FieldProblem problem = malformed(small.parse(utf8(withObjects(LIMIT - fixed + 1))));
        assertEquals("/x/" + (LIMIT - fixed) + " too_many", code(problem));
        assertEquals("the body holds more than 1024 JSON values (sluice.ingest.max-body-values)", problem.message());
    }

    @Test
    void theDefaultLimitStopsATwoMegabyteBodyOfEmptyObjects() {
        // The body that ran the gateway's heap out, read with the shipped limits.
        FieldProblem problem = malformed(EventJson.parser().parse(utf8(withObjects(650_000))));
        assertEquals("too_many", problem.code());
        assertTrue(problem.pointer().startsWith("/x/"), problem.pointer());
    }

    @Test
    void valuesAreCountedAcrossTheEventsOfABatch() {
        // 40 events of 25 values each fit in 1,024 with the envelope; 41 do not.
        EventJson event = minimal().setRaw("/attribution", "{" + String.join(",", IntStream.range(0, 19)
                .mapToObj(i -> "\"k" + i + "\":\"v\"").toList()) + "}");
        assertEquals(25, values(event.node()));
        EventJson[] forty = java.util.Collections.nCopies(40, event).toArray(EventJson[]::new);
        assertEquals(40, events(small.parse(EventJson.batch(forty))).events().size());
        EventJson[] fortyOne = java.util.Collections.nCopies(41, event).toArray(EventJson[]::new);
        assertEquals("/events/40/attribution/k16 too_many", code(malformed(small.parse(EventJson.batch(fortyOne)))));
    }

    @Test
    void aStringOverJacksonsLengthLimitIsNamedByItsField() {
        String body = minimal().set("/user/email", "a".repeat(5_000_000)).node().toString();
        assertEquals("/user/email too_long", code(malformed(EventJson.parser().parse(utf8(body)))));
        FieldProblem inBatch = malformed(EventJson.parser().parse(EventJson.batch(minimal(),
                minimal().set("/custom/order_id", "9".repeat(100_000)))));
        assertEquals("/events/1/custom/order_id too_long", code(inBatch));
    }

    @Test
    void anAcceptedEventListsTwentyWarningsAndCountsTheRest() {
        EventJson event = minimal();
        for (int i = 0; i < 300; i++) {
            event.set("/u" + i, 0);
        }
        List<FieldProblem> warnings = valid(EventJson.parser().parse(event.body())).warnings();
        assertEquals(FieldReader.MAX_LISTED + 1, warnings.size());
        assertEquals("/u19 unknown_field", code(warnings.get(19)));
        FieldProblem more = warnings.get(20);
        assertEquals(" more_problems", code(more));
        assertEquals("280 more warnings of this event are not listed (the first 20 are)", more.message());
    }

    @Test
    void aRejectedEventListsTwentyErrorsThenItsWarningsEachCountedApart() {
        EventJson event = minimal().setRaw("/custom/content_ids", "[" + String.join(",",
                java.util.Collections.nCopies(50, "1")) + "]");
        for (int i = 0; i < 25; i++) {
            event.set("/u" + i, 0);
        }
        List<String> problems = codes(invalid(EventJson.parser().parse(event.body())).problems());
        assertEquals(FieldReader.MAX_LISTED + 1 + FieldReader.MAX_LISTED + 1, problems.size());
        assertEquals("/custom/content_ids/19 invalid_type", problems.get(19));
        assertEquals(" more_problems", problems.get(20));
        assertEquals("/u0 unknown_field", problems.get(21));
        assertEquals(" more_problems", problems.get(41));
        ParsedEvent.Invalid inBatch = assertInstanceOf(ParsedEvent.Invalid.class,
                events(EventJson.parser().parse(EventJson.batch(minimal(), event))).events().get(1));
        assertEquals("/events/1 more_problems", code(inBatch.problems().get(20)));
        assertEquals("30 more errors of this event are not listed (the first 20 are)", inBatch.problems().get(20).message());
    }

    @Test
    void anEventWithFewerProblemsListsThemAll() {
        EventJson event = minimal();
        for (int i = 0; i < FieldReader.MAX_LISTED; i++) {
            event.set("/u" + i, 0);
        }
        List<String> warnings = codes(valid(EventJson.parser().parse(event.body())).warnings());
        assertEquals(FieldReader.MAX_LISTED, warnings.size());
        assertTrue(warnings.stream().allMatch(w -> w.endsWith("unknown_field")), warnings.toString());
    }
}
