package dev.sluice.connector.snapchat;

import dev.sluice.connector.Connector;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.PerItem;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every class of Snap answer, and what of Snap's text may reach a dead letter. */
class SnapchatResponsesTest {
    private static final Instant NOW = Instant.parse("2025-11-28T10:20:00Z");
    private static final List<OutboxItem> ONE = List.of(SnapchatFixtures.purchase(1, p -> { }));
    private static final List<OutboxItem> TWO = List.of(SnapchatFixtures.purchase(1, p -> { }),
            SnapchatFixtures.purchase(2, p -> p.put("event_id", "order-2")));

    private final Connector snapchat = SnapchatFixtures.connector(SnapchatFixtures.settings("https://tr.snapchat.com"),
            InstantSource.fixed(NOW));

    @Test
    void valid_isDelivered() {
        assertEquals(new Delivered(Optional.empty()),
                interpret(200, "{\"status\":\"VALID\",\"reason\":\"Events have been processed successfully.\"}", ONE));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "OK", "{}", "[]", "{\"status\":\"SOMETHING_NEW\"}"})
    void successWithoutASayingBody_isDeliveredByItsStatus(String body) {
        assertEquals(new Delivered(Optional.empty()), interpret(200, body, TWO));
    }

    @Test
    void invalidIn2xx_isRejectedLikeA400() {
        assertEquals(new Rejected("snapchat: HTTP 200 INVALID: Insufficient PII", Optional.empty()),
                interpret(200, "{\"status\":\"INVALID\",\"reason\":\"Insufficient PII\"}", TWO));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 403})
    void credentialProblems_makeTheDestinationUnhealthy(int status) {
        DeliveryOutcome outcome = interpret(status, "{\"status\":\"INVALID\",\"reason\":\"Unauthorized resources\"}", ONE);
        assertEquals(new Unhealthy("snapchat: HTTP " + status + " INVALID: Unauthorized resources"
                + " (check access-token, and that its organization owns pixel-id)"), outcome);
    }

    @Test
    void unauthorizedResourcesUnderAnother4xx_isStillTheDestinationsFault() {
        assertThat(interpret(400, "{\"status\":\"INVALID\",\"reason\":\"Unauthorized resources\"}", TWO), instanceOf(Unhealthy.class));
        assertThat(interpret(200, "{\"status\":\"INVALID\",\"reason\":\"unauthorised\"}", TWO), instanceOf(Unhealthy.class));
    }

    @Test
    void notFound_pointsAtThePixelAndBaseUrl() {
        assertEquals(new Unhealthy("snapchat: HTTP 404 (check pixel-id and base-url)"), interpret(404, "<html>nope</html>", ONE));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504})
    void throttlingAndServerTrouble_areRetried_honouringRetryAfter(int status) {
        HttpResponseSpec withHeader = new HttpResponseSpec(status, Map.of("Retry-After", List.of("30")), new byte[0]);
        assertEquals(new RetryLater("snapchat: HTTP " + status, Optional.of(Duration.ofSeconds(30))), snapchat.interpret(withHeader, ONE));
        assertEquals(new RetryLater("snapchat: HTTP " + status, Optional.empty()), interpret(status, "", ONE));
    }

    @Test
    void unreadable4xx_isRejected_withoutACode() {
        assertEquals(new Rejected("snapchat: HTTP 400", Optional.empty()), interpret(400, "<html>Bad Request</html>", TWO));
        assertEquals(new Rejected("snapchat: HTTP 413", Optional.empty()), interpret(413, "", TWO));
        assertEquals(new Rejected("snapchat: HTTP 422", Optional.empty()), interpret(422, "not json", TWO));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {101, 301, 302, 307})
    void redirectsAndOtherStrangeStatuses_makeTheDestinationUnhealthy(int status) {
        assertThat(interpret(status, "", ONE), instanceOf(Unhealthy.class));
    }

    @Test
    void eventLogs_settleEachItemInRequestOrder() {
        String body = """
                {"status":"INVALID","test_event":true,"reason":"At least one of the events is invalid.","event_logs":[
                 {"event":0,"status":"INVALID","errors":{"codes":["UNHASHED_PII"],"error_msgs":["Unhashed PII"]}},
                 {"event":1,"status":"PENDING"}]}""";
        assertEquals(new PerItem(Map.of(
                        1L, new Rejected("snapchat: event invalid: Unhashed PII", Optional.of("UNHASHED_PII")),
                        2L, new RetryLater("snapchat: event status PENDING", Optional.empty()))),
                interpret(400, body, TWO));
    }

    @Test
    void eventLogsAllValid_isDelivered() {
        assertEquals(new Delivered(Optional.empty()), interpret(200, "{\"status\":\"VALID\",\"test_event\":true,"
                + "\"event_logs\":[{\"event\":0,\"status\":\"VALID\"},{\"event\":1,\"status\":\"VALID\"}]}", TWO));
    }

    @Test
    void eventLogsThatDoNotCoverTheBatch_areNotGuessedAt() {
        assertEquals(new Rejected("snapchat: HTTP 400 INVALID", Optional.empty()),
                interpret(400, "{\"status\":\"INVALID\",\"event_logs\":[{\"event\":0,\"status\":\"INVALID\"}]}", TWO));
    }

    @Test
    void platformCode_isTheFirstSafeCode() {
        assertEquals(Optional.of("E1001"), ((Rejected) interpret(400,
                "{\"status\":\"INVALID\",\"errors\":{\"codes\":[\"E1001\",\"E1002\"]}}", TWO)).platformCode());
        assertEquals(Optional.empty(), ((Rejected) interpret(400,
                "{\"status\":\"INVALID\",\"errors\":{\"codes\":[\"jane@example.com\"]}}", TWO)).platformCode());
    }

    @Test
    void snapsTextNeverCarriesSubmittedValuesIntoTheReason() {
        String email = "jane.doe@example.com";
        String hash = SnapchatFixtures.EMAIL;
        String body = "{\"status\":\"INVALID\",\"reason\":\"Bad em '" + hash + "' for " + email + " from 203.0.113.7\","
                + "\"errors\":{\"error_msgs\":[\"event_source_url https://shop.example/checkout?o=10023 invalid\","
                + "\"client_user_agent Mozilla/5.0 (X11; Linux) rejected\", \"sc_click_id " + SnapchatFixtures.SCCID + "\","
                + "\"pixel " + SnapchatFixtures.PIXEL_ID + " token " + SnapchatFixtures.TOKEN + "\"]}}";
        String reason = ((Rejected) interpret(400, body, TWO)).reason();
        for (String value : List.of(email, hash, "203.0.113.7", "shop.example", "10023", "Mozilla/5.0", SnapchatFixtures.SCCID,
                SnapchatFixtures.PIXEL_ID, SnapchatFixtures.TOKEN, "Tok3n")) {
            assertThat(reason, not(containsString(value)));
        }
        assertThat(reason, containsString("Bad em"));
        assertThat(reason, containsString("event_source_url <redacted> invalid"));
    }

    @Test
    void fieldNamesWithDots_surviveScrubbing_andLongTextIsCut() {
        assertEquals("user_data.em must be hashed", SnapchatResponses.scrub("user_data.em must be hashed"));
        // A capitalised word inside a sentence is a name, not Snap's word (kept until session 40).
        assertEquals("Bad em for user <redacted> <redacted>", SnapchatResponses.scrub("Bad em for user Zorblaxina Quimbyweth"));
        String scrubbed = SnapchatResponses.scrub("word ".repeat(100));
        assertTrue(scrubbed.length() <= 201 && scrubbed.endsWith("…"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"status\":\"INVALID\",\"reason\":42}", "{\"status\":[1],\"reason\":{}}", "{\"errors\":\"x\"}",
            "{\"event_logs\":{}}", "{\"event_logs\":[1,2]}"})
    void oddBodies_neverThrow(String body) {
        assertThat(interpret(400, body, TWO), instanceOf(DeliveryOutcome.class));
        assertThat(interpret(200, body, TWO), instanceOf(DeliveryOutcome.class));
    }

    private DeliveryOutcome interpret(int status, String body, List<OutboxItem> batch) {
        return snapchat.interpret(new HttpResponseSpec(status, Map.of(), body.getBytes(StandardCharsets.UTF_8)), batch);
    }
}
