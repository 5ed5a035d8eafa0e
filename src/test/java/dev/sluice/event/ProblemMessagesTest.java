package dev.sluice.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.sluice.event.EventJson.purchase;
import static dev.sluice.event.EventJson.utf8;
import static dev.sluice.event.HostileInputTest.CANARY;
import static dev.sluice.event.Outcomes.codes;
import static dev.sluice.event.Outcomes.invalid;
import static dev.sluice.event.Outcomes.malformed;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariant 1: problem messages name what was wrong, never the value (it may be personal data). */
class ProblemMessagesTest {

    private final EventParser parser = EventJson.parser();

    @Test
    void aCanaryInEveryFieldIsNeverQuoted() {
        String longCanary = CANARY + "x".repeat(300);
        byte[] body = purchase()
                .set("/event_id", CANARY + "\n").set("/event_name", CANARY).set("/event_time", CANARY)
                .set("/action_source", CANARY).set("/event_source_url", CANARY)
                .set("/user/email", longCanary).set("/user/phone", longCanary).set("/user/client_ip", CANARY)
                .set("/user/user_agent", longCanary.repeat(4)).set("/user/click_ids/fbc", CANARY)
                .set("/user/click_ids/fbp", CANARY).set("/user/click_ids/gclid", CANARY)
                .set("/custom/value", CANARY).set("/custom/currency", CANARY).set("/custom/order_id", longCanary)
                .set("/custom/content_ids", List.of(longCanary)).set("/attribution/utm_source", longCanary)
                .set("/consent/ad_storage", CANARY).set("/consent/tcf", CANARY).set("/consent/us_privacy", CANARY)
                .set("/destinations", List.of(CANARY))
                .body();
        ParsedEvent.Invalid invalid = invalid(parser.parse(body));
        List<String> expected = List.of(
                "/event_id invalid_format", "/event_name invalid_format", "/event_time invalid_format",
                "/action_source unknown_value", "/event_source_url invalid_url", "/user/email too_long",
                "/user/phone too_long", "/user/client_ip invalid_format", "/user/user_agent too_long",
                "/user/click_ids/fbc invalid_click_id", "/user/click_ids/fbp invalid_click_id",
                "/user/click_ids/gclid invalid_click_id", "/custom/value invalid_format",
                "/custom/currency invalid_currency", "/custom/order_id too_long", "/custom/content_ids/0 too_long",
                "/attribution/utm_source too_long", "/consent/ad_storage unknown_value", "/consent/tcf invalid_format",
                "/consent/us_privacy invalid_format", "/destinations/0 invalid_format");
        // 21 errors: an answer lists 20 of them and counts the last in a more_problems entry.
        List<String> listed = codes(invalid.problems());
        assertEquals(FieldReader.MAX_LISTED + 1, listed.size(), listed::toString);
        assertTrue(expected.containsAll(listed.subList(0, FieldReader.MAX_LISTED)), listed::toString);
        assertEquals(" more_problems", listed.get(FieldReader.MAX_LISTED));
        assertEquals("1 more error of this event is not listed (the first 20 are)",
                invalid.problems().get(FieldReader.MAX_LISTED).message());
        for (FieldProblem problem : invalid.problems()) {
            assertFalse(problem.message().contains("canary") || problem.pointer().contains("canary"), problem::toString);
            assertFalse(problem.message().contains("7f3a") || problem.message().contains("example.com"), problem::toString);
        }
        assertThat(invalid.toString(), not(containsString("canary")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"user\": {\"email\": canary-7f3a@example.com}}",
            "{\"user\": {\"email\": \"canary-7f3a@example.com\"}} canary-7f3a@example.com",
            "{\"user\": {\"email\": \"canary-7f3a@example.com\" \"phone\": 1}}",
            "{\"user\": {\"email\": \"canary-7f3a@example.com\\q\"}}",
            "{'canary-7f3a@example.com': 1}",
            "canary-7f3a@example.com"})
    void malformedBodiesAreNotQuotedEither(String body) {
        FieldProblem problem = malformed(parser.parse(utf8(body)));
        assertThat(problem.message(), not(containsString("canary")));
        assertThat(problem.message(), not(containsString("7f3a")));
    }

    @Test
    void aValidEventsTextFormNamesNoPersonalData() {
        ParsedEvent.Valid valid = Outcomes.valid(parser.parse(purchase().set("/user/email", CANARY)
                .set("/attribution", Map.of("utm_source", "facebook")).body()));
        assertThat(valid.toString(), not(containsString("canary")));
    }

    @Test
    void aKeyThatIsPersonalDataIsNeverEchoed_theObjectHoldingItIsNamedInstead() {
        EventJson event = purchase().set("/" + CANARY, 1).set("/user/" + CANARY, 1).set("/attribution/" + CANARY, 5)
                .set("/user/click_ids/" + CANARY, "x");
        ParsedEvent.Invalid invalid = invalid(parser.parse(event.body()));
        assertThat(codes(invalid.problems()), containsInAnyOrder("/attribution invalid_type", " unknown_field",
                "/user unknown_field", "/user/click_ids unknown_field"));
        assertFalse(invalid.problems().toString().contains("canary"), invalid.problems()::toString);

        String twice = "{\"" + CANARY + "\": 1, \"" + CANARY + "\": 2}";
        FieldProblem duplicate = malformed(parser.parse(utf8(twice)));
        assertEquals(" duplicate_key", duplicate.pointer() + " " + duplicate.code());
        assertFalse(duplicate.toString().contains("canary"), duplicate::toString);
        FieldProblem envelope = malformed(parser.parse(utf8("{\"events\": [], \"" + CANARY + "\": 1}")));
        assertFalse(envelope.toString().contains("canary"), envelope::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "utm_source|true", "a~b/c.d:e-f|true", "order2026|true", "fbp|true", "123456|true",
            "jane@example.com|false", "+16505551212|false", "6505551212|false", "Jane Doe|false", "|false",
            "k123456789|false"})
    void aKeyIsEchoedOnlyWhenItLooksLikeAFieldName(String key, boolean shown) {
        assertEquals(shown, FieldProblem.showable(key == null ? "" : key), key);
    }

    @Test
    void aKeyOfMoreThan64CharactersIsNotEchoed() {
        assertEquals(true, FieldProblem.showable("x".repeat(64)));
        assertFalse(FieldProblem.showable("x".repeat(65)));
    }
}
