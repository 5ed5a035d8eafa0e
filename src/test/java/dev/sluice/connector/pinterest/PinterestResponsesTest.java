package dev.sluice.connector.pinterest;

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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pinterest's answers (platforms.md §6 "Responses") read into delivery outcomes. */
class PinterestResponsesTest {
    private static final Instant NOW = Instant.parse("2025-11-28T10:20:00Z");
    private static final List<OutboxItem> ONE = List.of(PinterestFixtures.purchase(1, "o-1"));
    private static final List<OutboxItem> THREE = List.of(PinterestFixtures.purchase(11, "o-11"),
            PinterestFixtures.purchase(12, "o-12"), PinterestFixtures.purchase(13, "o-13"));

    private final Connector pinterest = PinterestFixtures.connector(PinterestFixtures.settings("https://api.pinterest.com"),
            InstantSource.fixed(NOW));

    @Test
    void everyEventProcessed_isDelivered() {
        assertEquals(new Delivered(Optional.empty()), interpret(200, processed(3), THREE));
    }

    @Test
    void failedEvents_areRejectedOneByOne_andTheOthersDelivered() {
        DeliveryOutcome outcome = interpret(200, """
                {"num_events_received":3,"num_events_processed":1,"events":[
                 {"status":"failed","error_message":"event_time is too far in the past.","warning_message":""},
                 {"status":"processed","error_message":"","warning_message":"Field 'content_name' is not standard."},
                 {"status":"failed","error_message":"Invalid em 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d","warning_message":""}]}""",
                THREE);
        assertEquals(new PerItem(Map.of(
                11L, new Rejected("pinterest: event failed: event_time is too far in the past.", Optional.empty()),
                12L, new Delivered(Optional.empty()),
                13L, new Rejected("pinterest: event failed: Invalid em <redacted>", Optional.empty()))), outcome);
    }

    @Test
    void anUndocumentedEventStatus_isRetriedForThatEvent() {
        PerItem outcome = (PerItem) interpret(200, """
                {"num_events_received":2,"num_events_processed":1,"events":[{"status":"processed"},{"status":"queued"}]}""",
                THREE.subList(0, 2));
        assertEquals(new Delivered(Optional.empty()), outcome.outcomes().get(11L));
        assertEquals(new RetryLater("pinterest: event status queued", Optional.empty()), outcome.outcomes().get(12L));
    }

    @Test
    void withoutPerEventResults_fewerProcessedThanSent_isRetried() {
        assertEquals(new RetryLater("pinterest: num_events_processed 2 of 3", Optional.empty()),
                interpret(200, "{\"num_events_received\":3,\"num_events_processed\":2}", THREE));
        assertEquals(new Delivered(Optional.empty()), interpret(200, "{\"num_events_received\":3,\"num_events_processed\":3}", THREE));
    }

    @Test
    void perEventResultsOfTheWrongLength_areNotMatchedToItems() {
        assertThat(interpret(200, "{\"num_events_processed\":1,\"events\":[{\"status\":\"processed\"}]}", THREE),
                instanceOf(RetryLater.class));
    }

    @ParameterizedTest(name = "2xx body {0}")
    @CsvSource(delimiter = '|', value = {"''", "<html>ok</html>", "[]", "{}", "null"})
    void successWithAnUnreadableBody_isDeliveredByItsStatus(String body) {
        assertEquals(new Delivered(Optional.empty()), interpret(200, body, THREE));
    }

    @Test
    void invalidRequest_isRejectedForTheBatch_withPinterestsCode() {
        assertEquals(new Rejected("pinterest: HTTP 400 code 4196: Invalid request: Additional properties are not allowed "
                        + "('category_name' was unexpected)", Optional.of("4196")),
                interpret(400, "{\"code\":4196,\"message\":\"Invalid request: Additional properties are not allowed "
                        + "('category_name' was unexpected)\"}", THREE));
    }

    /** Review 4, finding 1: Pinterest's scrubber caught user agents but not a compressed IPv6 address until session 40. */
    @Test
    void rejection_echoingAnIpv6AddressUserAgentsOrAName_keepsOnlyPinterestsWords() {
        DeliveryOutcome outcome = interpret(400, "{\"code\":4196,\"message\":\"Invalid request: client_ip_address 2001:db8:cafe::17, "
                + "client_user_agent CanaryAgent/9.87 (Zorblaxbrowser) of user Zorblaxina Quimbyweth; "
                + "ua Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\"}", THREE);
        String reason = ((Rejected) outcome).reason();
        for (String value : List.of("2001:db8", "cafe::17", "CanaryAgent", "9.87", "Zorblaxbrowser", "Zorblaxina", "Quimbyweth", "Mozilla", "X11", "Chrome/120")) {
            assertThat(reason, not(containsString(value)));
        }
        assertThat(reason, containsString("Invalid request: client_ip_address <redacted>, client_user_agent <redacted>"));
    }

    @Test
    void notAllProcessed_withoutPerEventResults_isRejectedForTheBatch() {
        assertEquals(new Rejected("pinterest: HTTP 422 code 4196: Not all events were successfully processed.", Optional.of("4196")),
                interpret(422, "{\"code\":4196,\"message\":\"Not all events were successfully processed.\",\"details\":[]}", THREE));
    }

    @Test
    void notAllProcessed_withPerEventResults_settlesEachEvent() {
        DeliveryOutcome outcome = interpret(422, """
                {"code":4196,"message":"Not all events were successfully processed.","num_events_received":3,
                 "num_events_processed":2,"events":[{"status":"processed"},{"status":"failed","error_message":"bad"},
                 {"status":"processed"}]}""", THREE);
        assertEquals(new Rejected("pinterest: event failed: bad", Optional.empty()), ((PerItem) outcome).outcomes().get(12L));
        assertEquals(new Delivered(Optional.empty()), ((PerItem) outcome).outcomes().get(13L));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "401 | {\"code\":2,\"message\":\"Authentication failed.\"} | Unhealthy",
            "403 | {\"code\":29,\"message\":\"You are not permitted to access that resource.\"} | Unhealthy",
            "401 | Unauthorized | Unhealthy",
            "404 | {\"code\":3,\"message\":\"Ad account not found.\"} | Unhealthy",
            "302 | '' | Unhealthy",
            "408 | '' | RetryLater",
            "429 | {\"code\":8,\"message\":\"You have exceeded your rate limit. Try again later.\"} | RetryLater",
            "500 | <html>oops</html> | RetryLater",
            "502 | '' | RetryLater",
            "503 | {\"code\":4197,\"message\":\"The endpoint has been ramped down.\"} | RetryLater",
            "400 | <html>bad request</html> | Rejected",
            "409 | {\"code\":1,\"message\":\"Conflict\"} | Rejected",
            "422 | not json | Rejected"})
    void everyStatusClass_isClassified(int status, String body, String expected) {
        assertEquals(expected, interpret(status, body, ONE).getClass().getSimpleName());
    }

    @Test
    void revokedToken_saysWhatToCheck() {
        Unhealthy outcome = (Unhealthy) interpret(401, "{\"code\":2,\"message\":\"Authentication failed.\"}", ONE);
        assertEquals("pinterest: HTTP 401 code 2: Authentication failed. "
                + "(check conversion-token, and that its user may send events for ad-account-id)", outcome.reason());
    }

    @Test
    void throttled_honoursRetryAfterSeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), retryAfter(interpret(429, Map.of("Retry-After", "120"), "{\"code\":8}")));
    }

    @Test
    void throttled_honoursRetryAfterDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ofSeconds(90)), retryAfter(interpret(429, Map.of("Retry-After", date), "{\"code\":8}")));
    }

    @Test
    void throttledWithoutRetryAfter_waitsOutTheRateWindow() {
        assertEquals(Optional.of(PinterestResponses.THROTTLE_DEFAULT_DELAY), retryAfter(interpret(429, Map.of(), "")));
    }

    @Test
    void rampedDown_honoursRetryAfter_andOtherwiseLeavesTheDelayToTheEngine() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), retryAfter(interpret(503, Map.of("Retry-After", "30"), "{\"code\":4197}")));
        assertEquals(Optional.empty(), retryAfter(interpret(503, Map.of(), "{\"code\":4197}")));
    }

    @Test
    void reasons_neverEchoPersonalData() {
        String echo = "{\"code\":4196,\"message\":\"Invalid value 'jane.doe@example.com' and '203.0.113.7' for user "
                + "Mozilla/5.0 from https://shop.example/checkout?email=x click " + PinterestFixtures.EPIK + " hash 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d "
                + "token " + PinterestFixtures.TOKEN + " in 'client_ip_address'\"}";
        for (int status : new int[]{400, 401, 422, 429, 503}) {
            String reason = reason(interpret(status, echo, ONE));
            for (String secret : List.of("jane.doe", "203.0.113.7", "Mozilla", "shop.example", PinterestFixtures.EPIK.substring(0, 20), "86e0b9e5",
                    PinterestFixtures.TOKEN.substring(0, 20))) {
                assertThat(status + ": " + reason, reason, not(containsString(secret)));
            }
            assertThat(reason, containsString("'client_ip_address'"));
        }
    }

    @Test
    void scrub_keepsWordsAndPropertyNames_andBoundsTheLength() {
        assertEquals("Additional properties are not allowed ('category_name' was unexpected)",
                PinterestResponses.scrub("Additional properties are not allowed ('category_name' was unexpected)"));
        assertEquals("value '<redacted>' for \"user_data.em[0]\"", PinterestResponses.scrub("value 'Jane Doe' for \"user_data.em[0]\""));
        assertEquals(161, PinterestResponses.scrub("word ".repeat(100)).length());
    }

    private DeliveryOutcome interpret(int status, String body, List<OutboxItem> batch) {
        return pinterest.interpret(HttpResponseSpec.of(status, body), batch);
    }

    private DeliveryOutcome interpret(int status, Map<String, String> headers, String body) {
        Map<String, List<String>> multi = new java.util.HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return pinterest.interpret(new HttpResponseSpec(status, multi, body.getBytes(StandardCharsets.UTF_8)), ONE);
    }

    private static Optional<Duration> retryAfter(DeliveryOutcome outcome) {
        assertThat(outcome, instanceOf(RetryLater.class));
        return ((RetryLater) outcome).retryAfter();
    }

    private static String reason(DeliveryOutcome outcome) {
        return switch (outcome) {
            case Delivered d -> "";
            case RetryLater r -> r.reason();
            case Rejected r -> r.reason();
            case Unhealthy u -> u.reason();
            case PerItem p -> p.outcomes().toString();
        };
    }

    private static String processed(int n) {
        return "{\"num_events_received\":" + n + ",\"num_events_processed\":" + n + ",\"events\":["
                + String.join(",", java.util.Collections.nCopies(n,
                "{\"status\":\"processed\",\"error_message\":\"\",\"warning_message\":\"\"}")) + "]}";
    }
}
