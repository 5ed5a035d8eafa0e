package dev.sluice.connector.linkedin;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** LinkedIn's answers to BATCH_CREATE /rest/conversionEvents (platforms.md §7 "Responses"), each classified. */
class LinkedinResponsesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:20:00Z");
    private static final List<OutboxItem> ONE = List.of(LinkedinFixtures.full(11, p -> { }));
    private static final List<OutboxItem> FOUR = LongStream.rangeClosed(1, 4)
            .mapToObj(i -> LinkedinFixtures.full(i, p -> p.put("event_id", "e-" + i))).toList();
    private static final Delivered DELIVERED = new Delivered(Optional.empty());

    private final Connector linkedin = LinkedinFixtures.connector(LinkedinFixtures.settings("https://api.linkedin.com"),
            InstantSource.fixed(NOW));

    @Test
    void everyElementCreated_isDelivered() {
        assertEquals(DELIVERED, interpret(200, "{\"elements\":[{\"status\":201},{\"status\":201},{\"status\":201},{\"status\":201}]}", FOUR));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {"''", "OK", "{}", "{\"elements\":[]}", "{\"elements\":[{\"status\":201}]}", "[1,2]",
            "{\"elements\":{\"status\":201}}"})
    void success_withoutOneEntryPerItem_isDeliveredByItsStatus(String body) {
        assertEquals(DELIVERED, interpret(200, body, FOUR));
        assertEquals(DELIVERED, interpret(201, body, FOUR));
    }

    @Test
    void mixedElementStatuses_settleEachItemAlone() {
        DeliveryOutcome outcome = interpret(200, "{\"elements\":[{\"status\":201},"
                + "{\"status\":400,\"error\":{\"status\":400,\"code\":\"INVALID_VALUE\",\"message\":\"/user/userIds/0/idValue :: invalid hashed email 'x'\"}},"
                + "{\"status\":429},{\"status\":503,\"error\":{\"message\":\"Service Unavailable\"}}]}", FOUR);
        assertEquals(new PerItem(Map.of(
                1L, DELIVERED,
                2L, new Rejected("linkedin: HTTP 400 INVALID_VALUE: /user/userIds/0/idValue :: invalid hashed email '<redacted>'",
                        Optional.of("INVALID_VALUE")),
                3L, new RetryLater("linkedin: HTTP 429", Optional.of(LinkedinResponses.THROTTLE_DEFAULT_DELAY)),
                4L, new RetryLater("linkedin: HTTP 503: Service Unavailable", Optional.empty()))), outcome);
    }

    @Test
    void elementWithoutStatus_isRetried_neverGuessedDelivered() {
        DeliveryOutcome outcome = interpret(200, "{\"elements\":[{\"status\":201},{},{\"status\":\"201\"},{\"status\":201}]}", FOUR);
        Map<Long, DeliveryOutcome> items = ((PerItem) outcome).outcomes();
        assertEquals(DELIVERED, items.get(1L));
        assertEquals(new RetryLater("linkedin: element status missing", Optional.empty()), items.get(2L));
        assertEquals(new RetryLater("linkedin: element status missing", Optional.empty()), items.get(3L));
        assertEquals(DELIVERED, items.get(4L));
    }

    @Test
    void batchRefusedNamingItsBadElements_rejectsThoseAndRetriesTheRest() {
        // The shape RudderStack's LinkedIn handler parses (its recorded 422), here naming elements 1 and 3.
        String body = "{\"status\":422,\"message\":\"Index: 1, ERROR :: /conversionValue/amount :: field is required but not found "
                + "and has no default value\\nERROR :: /user/userInfo/firstName :: field is required but not found and has no default value\\n"
                + "Index: 3, ERROR :: /eventId :: length of '" + "y".repeat(70) + "' is too long\\n\"}";
        DeliveryOutcome outcome = interpret(422, body, FOUR);
        RetryLater notProcessed = new RetryLater("linkedin: not processed: LinkedIn refused another event of the batch", Optional.empty());
        assertEquals(new PerItem(Map.of(
                1L, notProcessed,
                2L, new Rejected("linkedin: HTTP 422: /conversionValue/amount :: field is required but not found and has no default value; "
                        + "/user/userInfo/firstName :: field is required but not found and has no default value", Optional.empty()),
                3L, notProcessed,
                4L, new Rejected("linkedin: HTTP 422: /eventId :: length of '<redacted>' is too long", Optional.empty()))), outcome);
    }

    @Test
    void badRequestNamingIndices_rejectsThoseElements() {
        String body = "{\"status\":400,\"message\":\"Incorrect conversions information provided. Conversion's method should be "
                + "CONVERSIONS_API, indices [0, 2] (0-indexed)\"}";
        Map<Long, DeliveryOutcome> items = ((PerItem) interpret(400, body, FOUR)).outcomes();
        assertThat(items.get(1L), instanceOf(Rejected.class));
        assertThat(((Rejected) items.get(1L)).reason(), containsString("method should be CONVERSIONS_API"));
        assertThat(items.get(2L), instanceOf(RetryLater.class));
        assertThat(items.get(3L), instanceOf(Rejected.class));
        assertThat(items.get(4L), instanceOf(RetryLater.class));
    }

    @Test
    void refusalNamingNoElementOfTheBatch_rejectsTheBatch() {
        assertEquals(new Rejected("linkedin: HTTP 422: Index: 7, ERROR :: /eventId :: field is required", Optional.empty()),
                interpret(422, "{\"message\":\"Index: 7, ERROR :: /eventId :: field is required\\n\"}", FOUR));
        assertEquals(new Rejected("linkedin: HTTP 400 INVALID_VALUE: Invalid request", Optional.of("INVALID_VALUE")),
                interpret(400, "{\"status\":400,\"code\":\"INVALID_VALUE\",\"message\":\"Invalid request\"}", FOUR));
    }

    @Test
    void revokedToken_makesTheDestinationUnhealthy_sayingWhatToDo() {
        DeliveryOutcome outcome = interpret(401, "{\"status\":401,\"serviceErrorCode\":65601,\"code\":\"REVOKED_ACCESS_TOKEN\","
                + "\"message\":\"The token used in the request has been revoked by the user\"}", ONE);
        assertEquals(new Unhealthy("linkedin: HTTP 401 REVOKED_ACCESS_TOKEN: The token used in the request has been revoked by the user "
                + "(replace access-token: LinkedIn member tokens expire and can be revoked)"), outcome);
    }

    @Test
    void versionNoLongerServed_makesTheDestinationUnhealthy() {
        assertThat(reason(interpret(426, "{\"status\":426,\"code\":\"NONEXISTENT_VERSION\",\"message\":\"Requested version 202301 is not active\"}", ONE)),
                containsString("set linkedin-version"));
        assertThat(interpret(400, "{\"status\":400,\"code\":\"VERSION_MISSING\",\"message\":\"A version must be present\"}", ONE),
                instanceOf(Unhealthy.class));
    }

    @ParameterizedTest(name = "HTTP {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "401 | Unauthorized | Unhealthy",
            "403 | {\"status\":403,\"serviceErrorCode\":100,\"code\":\"ACCESS_DENIED\",\"message\":\"Not enough permissions to access: partnerApiConversionEvents.BATCH_CREATE.20260101\"} | Unhealthy",
            "404 | <html>Not Found</html> | Unhealthy",
            "426 | '' | Unhealthy",
            "301 | '' | Unhealthy",
            "408 | '' | RetryLater",
            "429 | {\"status\":429,\"message\":\"Resource level throttle APPLICATION DAY limit for calls to this resource is reached.\"} | RetryLater",
            "500 | {\"status\":500,\"message\":\"Internal Server Error\"} | RetryLater",
            "502 | <html>Bad Gateway</html> | RetryLater",
            "503 | '' | RetryLater",
            "504 | not json | RetryLater",
            "400 | <html>bad request</html> | Rejected",
            "400 | {\"status\":400,\"message\":\"Invalid conversion rule\"} | Rejected",
            "413 | '' | Rejected",
            "422 | {\"status\":422,\"message\":\"unprocessable\"} | Rejected",
            "422 | not json | Rejected"})
    void everyStatusClass_isClassified(int status, String body, String expected) {
        assertEquals(expected, interpret(status, body, FOUR).getClass().getSimpleName());
    }

    @Test
    void throttled_honoursRetryAfterSecondsAndDates_elseWaitsAMinute() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), retryAfter(interpret(429, Map.of("Retry-After", "120"), "")));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ofSeconds(90)), retryAfter(interpret(429, Map.of("Retry-After", date), "")));
        assertEquals(Optional.of(Duration.ofMinutes(1)), retryAfter(interpret(429, Map.of(), "")));
        assertEquals(Optional.of(Duration.ofMinutes(1)), retryAfter(interpret(429, Map.of("Retry-After", "soon"), "")));
    }

    @Test
    void serverErrors_honourRetryAfter_andOtherwiseLeaveTheDelayToTheEngine() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), retryAfter(interpret(503, Map.of("Retry-After", "30"), "")));
        assertEquals(Optional.empty(), retryAfter(interpret(500, Map.of(), "")));
    }

    @Test
    void reasons_neverEchoSubmittedValues() {
        String echo = "In 'eventId': value 'jane.doe@example.com' and 203.0.113.7 for /user/userIds/0/idValue: "
                + LinkedinFixtures.EMAIL_HASH + " click " + LinkedinFixtures.LI_FAT_ID + " rule urn:lla:llaPartnerConversion:"
                + LinkedinFixtures.PURCHASE_RULE + " at 1795861000000 from Mozilla/5.0 https://shop.example/checkout "
                + "name \\\"Jane Doe\\\" token " + LinkedinFixtures.TOKEN;
        String body = "{\"status\":%d,\"code\":\"INVALID_VALUE\",\"message\":\"" + echo + "\"}";
        String indexed = "{\"status\":422,\"message\":\"Index: 0, ERROR :: " + echo + "\\n\"}";
        for (int status : new int[]{400, 401, 403, 404, 422, 429, 500}) {
            for (String answer : List.of(body.formatted(status), indexed)) {
                String reason = reason(interpret(status, answer, ONE));
                for (String secret : List.of("jane.doe", "203.0.113.7", LinkedinFixtures.EMAIL_HASH.substring(0, 12),
                        LinkedinFixtures.LI_FAT_ID, LinkedinFixtures.PURCHASE_RULE, "1795861000000", "Mozilla", "shop.example",
                        "Jane", "Doe", LinkedinFixtures.TOKEN.substring(0, 10))) {
                    assertThat(status + ": " + reason, reason, not(containsString(secret)));
                }
                assertThat(reason, containsString("/user/userIds/0/idValue"));
                assertThat(reason, containsString("'eventId'"));
            }
        }
        String perElement = "{\"elements\":[{\"status\":400,\"error\":{\"message\":\"" + echo + "\"}}]}";
        assertThat(reason(interpret(200, perElement, ONE)), not(containsString("jane.doe")));
    }

    @Test
    void scrub_keepsWordsPointersAndFieldNames_andTheLengthIsBounded() {
        assertEquals("/conversionValue/amount :: field is required but not found and has no default value",
                LinkedinResponses.scrub("/conversionValue/amount :: field is required but not found and has no default value"));
        assertEquals("Conversion's method should be CONVERSIONS_API, indices [0] (0-indexed)",
                LinkedinResponses.scrub("Conversion's method should be CONVERSIONS_API, indices [0] (0-indexed)"));
        assertEquals("value '<redacted>' for \"idValue\"", LinkedinResponses.scrub("value 'Jane Doe' for \"idValue\""));
        // A capitalised word inside a sentence is a name, not LinkedIn's word (kept until session 40).
        assertEquals("/user/userInfo/firstName :: invalid for <redacted> <redacted>",
                LinkedinResponses.scrub("/user/userInfo/firstName :: invalid for Zorblaxina Quimbyweth"));
        assertEquals(201, reason(interpret(400, "{\"message\":\"" + "word ".repeat(100) + "\"}", ONE)).length()
                - "linkedin: HTTP 400: ".length());
    }

    private DeliveryOutcome interpret(int status, String body, List<OutboxItem> batch) {
        return linkedin.interpret(HttpResponseSpec.of(status, body), batch);
    }

    private DeliveryOutcome interpret(int status, Map<String, String> headers, String body) {
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return linkedin.interpret(new HttpResponseSpec(status, multi, body.getBytes(StandardCharsets.UTF_8)), ONE);
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
}
