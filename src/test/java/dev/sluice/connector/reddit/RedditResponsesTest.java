package dev.sluice.connector.reddit;

import dev.sluice.connector.Connector;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reddit's documented answers (platforms.md §8 "Responses"), each classified. */
class RedditResponsesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:20:00Z");

    private final Connector reddit = RedditFixtures.connector(RedditFixtures.settings("https://ads-api.reddit.com"),
            InstantSource.fixed(NOW));

    @Test
    void success_isDelivered() {
        assertEquals(new Delivered(Optional.empty()), interpret(200,
                "{\"data\":{\"message\":\"Successfully processed 2 conversion events.\"}}", two()));
    }

    @Test
    void successCountingFewerEvents_isRetried() {
        assertEquals(new RetryLater("reddit: processed 1 of 2 events", Optional.empty()), interpret(200,
                "{\"data\":{\"message\":\"Successfully processed 1 conversion events.\"}}", two()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {"''", "OK", "{}", "{\"data\":{}}", "[1,2]"})
    void successWithAnUnreadableOrUnexpectedBody_isDelivered(String body) {
        assertEquals(new Delivered(Optional.empty()), interpret(200, body, two()));
    }

    @Test
    void invalidEvents_rejectTheBatch_withRedditsWordsAndCode() {
        DeliveryOutcome outcome = interpret(400,
                "{\"error\":{\"code\":400,\"message\":\"There were 1 invalid conversion events. None were processed.\"}}", two());
        assertEquals(new Rejected("reddit: HTTP 400: There were 1 invalid conversion events. None were processed.",
                Optional.of("400")), outcome);
    }

    @ParameterizedTest(name = "HTTP {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "400|{\"error\":{\"code\":400,\"message\":\"Bad Request\"}}|Rejected",
            "400|<html>Bad Request</html>|Rejected",
            "422|{\"message\":\"unprocessable\"}|Rejected",
            "413|''|Rejected",
            "401|{\"error\":{\"code\":401,\"message\":\"No bearer token provided\"}}|Unhealthy",
            "401|{\"error\":{\"code\":401,\"message\":\"UNAUTHORIZED\"}}|Unhealthy",
            "403|{\"error\":{\"code\":403,\"message\":\"You're not authorized to post conversions to Pixel ID a2_pixel42.\"}}|Unhealthy",
            "403|{\"error\":{\"code\":403,\"message\":\"Missing adsconversions scope to post conversions to Pixel.\"}}|Unhealthy",
            "403|Forbidden|Unhealthy",
            "404|Not Found|Unhealthy",
            "302|''|Unhealthy",
            "429|{\"error\":{\"code\":429,\"message\":\"Your user agent was automatically ratelimited.\"}}|RetryLater",
            "429|{\"error\":{\"code\":429,\"message\":\"Too many requests/events within timeframe.\"}}|RetryLater",
            "500|{\"error\":{\"code\":500,\"message\":\"The service is currently unavailable. No conversion events were processed.\"}}|RetryLater",
            "502|<html>Bad Gateway</html>|RetryLater",
            "503|''|RetryLater",
            "408|''|RetryLater"})
    void answers_areClassifiedByStatus(int status, String body, String expected) {
        assertEquals(expected, interpret(status, body, two()).getClass().getSimpleName());
    }

    @Test
    void unauthorized_saysWhatToFix() {
        Unhealthy outcome = (Unhealthy) interpret(401, "{\"error\":{\"code\":401,\"message\":\"UNAUTHORIZED\"}}", two());
        assertEquals("reddit: HTTP 401: UNAUTHORIZED (replace the access token)", outcome.reason());
    }

    @Test
    void unreadable4xx_isRejectedWithoutACode() {
        assertEquals(new Rejected("reddit: HTTP 400", Optional.empty()), interpret(400, "<html>bad</html>", two()));
    }

    @Test
    void throttled_honoursRetryAfterInSeconds() {
        DeliveryOutcome outcome = reddit.interpret(new HttpResponseSpec(429, Map.of("Retry-After", List.of("30")),
                "{\"error\":{\"code\":429,\"message\":\"Too many requests/events within timeframe.\"}}"
                        .getBytes(StandardCharsets.UTF_8)), two());
        assertEquals(new RetryLater("reddit: HTTP 429: Too many requests/events within timeframe.",
                Optional.of(Duration.ofSeconds(30))), outcome);
    }

    @Test
    void unavailable_honoursRetryAfterAsADate_fromTheInjectedClock() {
        DeliveryOutcome outcome = reddit.interpret(new HttpResponseSpec(503,
                Map.of("retry-after", List.of("Sat, 28 Nov 2026 10:22:00 GMT")), new byte[0]), two());
        assertEquals(new RetryLater("reddit: HTTP 503", Optional.of(Duration.ofMinutes(2))), outcome);
    }

    @Test
    void throttledWithoutRetryAfter_leavesTheDelayToTheEngine() {
        assertEquals(Optional.empty(), ((RetryLater) interpret(429, "", two())).retryAfter());
    }

    @Test
    void reasons_neverEchoSubmittedValues() {
        String echo = "{\"error\":{\"code\":400,\"message\":\"invalid email " + RedditFixtures.EMAIL_HASH
                + " for jane.doe@example.com from 203.0.113.7 2001:db8::1 ua Mozilla/5.0 click " + RedditFixtures.RDT_CID
                + " token " + RedditFixtures.TOKEN + " pixel a2_pixel42\"}}";
        Rejected rejected = (Rejected) interpret(400, echo, two());
        for (String value : List.of(RedditFixtures.EMAIL_HASH, "jane.doe", "example.com", "203.0.113.7", "2001:db8",
                "Mozilla", RedditFixtures.RDT_CID, "rdt-capi_T0ken", "eyJhbGci", "a2_pixel42")) {
            assertThat(rejected.reason(), not(containsString(value)));
        }
        assertThat(rejected.reason(), containsString("invalid email <redacted> for <redacted>"));
    }

    @Test
    void scrub_keepsFieldNamesAndShortNumbers_andBoundsTheLength() {
        // Quoted text is kept only when it is a field name: "unknown field" was kept until session 40,
        // but quotes are where platforms put the values they refuse (PlatformText).
        assertEquals("JSON error '<redacted>' on field \"test_id\"",
                RedditResponses.scrub("JSON error \"unknown field\" on field \"test_id\""));
        assertEquals("There were 12 invalid conversion events.", RedditResponses.scrub(" There  were 12\ninvalid conversion events. "));
        assertEquals(161, RedditResponses.scrub("word ".repeat(100)).length());
    }

    @Test
    void noOutcome_isEverPerItem_becauseRedditProcessesAllOrNothing() {
        for (int status : new int[]{200, 400, 401, 403, 404, 429, 500}) {
            assertThat(interpret(status, "{\"error\":{\"code\":" + status + ",\"message\":\"m\"}}", two()),
                    not(instanceOf(DeliveryOutcome.PerItem.class)));
        }
    }

    private DeliveryOutcome interpret(int status, String body, List<OutboxItem> batch) {
        return reddit.interpret(HttpResponseSpec.of(status, body), batch);
    }

    private static List<OutboxItem> two() {
        return List.of(RedditFixtures.full(), RedditFixtures.full(2, p -> p.put("event_id", "e-2")));
    }
}
