package dev.sluice.connector.tiktok;

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

/** How TikTok's answers (HTTP 200 with a {@code code}, mostly) become delivery outcomes. */
class TiktokResponsesTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));
    private static final List<OutboxItem> BATCH = List.of(TiktokFixtures.purchase(1, p -> { }));

    private final Connector tiktok = TiktokFixtures.connector(TiktokFixtures.settings("https://business-api.tiktok.com"), CLOCK);

    @Test
    void codeZero_isDelivered_withTheRequestId() {
        assertEquals(new Delivered(Optional.of("20251128102000ABCDEF0123456789")), interpret(200,
                "{\"code\":0,\"message\":\"OK\",\"request_id\":\"20251128102000ABCDEF0123456789\",\"data\":{}}"));
    }

    @Test
    void codeZero_withoutARequestId_isDelivered() {
        assertEquals(new Delivered(Optional.empty()), interpret(200, "{\"code\":0,\"message\":\"OK\"}"));
    }

    @Test
    void requestIdOfAnUnexpectedShape_isNotKept() {
        assertEquals(new Delivered(Optional.empty()), interpret(200, "{\"code\":0,\"request_id\":\"a b@c\"}"));
    }

    @ParameterizedTest(name = "HTTP {0}, code {1} -> {2}")
    @CsvSource({
            "200, 0, Delivered", "200, 20001, Delivered",
            "200, 40001, Unhealthy", "200, 40101, Unhealthy", "200, 40102, Unhealthy", "200, 40104, Unhealthy",
            "200, 40105, Unhealthy", "401, 40105, Unhealthy", "200, 40199, Unhealthy",
            "200, 40100, RetryLater", "429, 40100, RetryLater", "429, 40002, RetryLater",
            "200, 40700, RetryLater", "200, 50000, RetryLater", "200, 50002, RetryLater", "503, 40002, RetryLater",
            "500, 0, RetryLater",
            "200, 40002, Rejected", "400, 40002, Rejected", "200, 40006, Rejected", "200, 40200, Rejected",
            "200, 1, Rejected", "404, 0, Rejected",
            "403, 40002, Unhealthy", "302, 40002, Unhealthy"})
    void codes_areClassifiedByCodeThenStatus(int status, int code, String expected) {
        DeliveryOutcome outcome = interpret(status, "{\"code\":" + code + ",\"message\":\"m\",\"request_id\":\"r1\"}");
        assertEquals(expected, outcome.getClass().getSimpleName());
    }

    @Test
    void invalidParameters_areRejectedWithTheCode_andAScrubbedMessage() {
        Rejected rejected = (Rejected) interpret(200, """
                {"code":40002,"message":"Invalid value in data[0].user.email 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d \
                from 203.0.113.7, ttclid E.C.P.CqUBKvlmFzE0dGkzAbCdEfGhIjKl, mail jane.doe@example.com, phone +16505551212",
                 "request_id":"r1"}""");
        assertEquals(Optional.of("40002"), rejected.platformCode());
        assertThat(rejected.reason(), containsString("tiktok: HTTP 200 code 40002: Invalid value in data[0].user.email"));
        for (String value : List.of("86e0b9e5", "203.0.113.7", "E.C.P.CqUBKvlmFzE0dGkz", "jane.doe", "6505551212")) {
            assertThat(rejected.reason(), not(containsString(value)));
        }
    }

    /** Review 4, finding 1: TikTok's {@code ip} and {@code user_agent} echoed back, as they were until session 40. */
    @Test
    void rejection_echoingAnIpv6AddressUserAgentsOrAName_keepsOnlyTiktoksWords() {
        Rejected rejected = (Rejected) interpret(200, """
                {"code":40002,"message":"Invalid value for ip 2001:db8:cafe::17 and user_agent CanaryAgent/9.87 (Zorblaxbrowser) \
                of user Zorblaxina Quimbyweth; ua Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0","request_id":"r1"}""");
        for (String value : List.of("2001:db8", "cafe::17", "CanaryAgent", "9.87", "Zorblaxbrowser", "Zorblaxina", "Quimbyweth", "Mozilla", "X11", "Chrome/120")) {
            assertThat(rejected.reason(), not(containsString(value)));
        }
        assertThat(rejected.reason(), containsString("Invalid value for ip <redacted> and user_agent <redacted>"));
    }

    @Test
    void longMessages_areCut() {
        Rejected rejected = (Rejected) interpret(200, "{\"code\":40002,\"message\":\"" + "word ".repeat(100) + "\"}");
        assertEquals("tiktok: HTTP 200 code 40002: ".length() + 161, rejected.reason().length());
    }

    @Test
    void throttled_withoutRetryAfter_waitsTheDefaultDelay() {
        assertEquals(new RetryLater("tiktok: HTTP 200 code 40100: Too many requests",
                        Optional.of(TiktokResponses.THROTTLE_DEFAULT_DELAY)),
                interpret(200, "{\"code\":40100,\"message\":\"Too many requests\"}"));
    }

    @Test
    void throttled_withRetryAfter_waitsAsAsked() {
        HttpResponseSpec response = new HttpResponseSpec(200, Map.of("Retry-After", List.of("7")),
                "{\"code\":40100,\"message\":\"Too many requests\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of(Duration.ofSeconds(7)), ((RetryLater) tiktok.interpret(response, BATCH)).retryAfter());
    }

    @Test
    void systemError_isRetried_honouringRetryAfterOnly() {
        assertEquals(new RetryLater("tiktok: HTTP 200 code 50000: System error", Optional.empty()),
                interpret(200, "{\"code\":50000,\"message\":\"System error\"}"));
    }

    @Test
    void revokedToken_saysWhatToFix() {
        Unhealthy unhealthy = (Unhealthy) interpret(200, "{\"code\":40105,\"message\":\"Access token is incorrect or has been revoked.\"}");
        assertEquals("tiktok: HTTP 200 code 40105: Access token is incorrect or has been revoked. (replace the access token)",
                unhealthy.reason());
        Unhealthy noPermission = (Unhealthy) interpret(200, "{\"code\":40001,\"message\":\"No permission\"}");
        assertThat(noPermission.reason(), containsString("lacks permission on the pixel"));
    }

    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "200|<html>proxy</html>|RetryLater", "200|''|RetryLater", "200|{\"message\":\"OK\"}|RetryLater",
            "200|{\"code\":\"0\"}|RetryLater", "200|[0]|RetryLater", "200|{\"code\":1.5}|RetryLater",
            "429|''|RetryLater", "502|<html>bad gateway</html>|RetryLater", "408|''|RetryLater",
            "401|Unauthorized|Unhealthy", "403|''|Unhealthy", "301|''|Unhealthy",
            "400|<html>bad request</html>|Rejected", "413|''|Rejected"})
    void bodiesWithoutACode_areClassifiedByStatus_exceptThat2xxIsNoVerdict(int status, String body, String expected) {
        assertEquals(expected, interpret(status, body).getClass().getSimpleName());
    }

    @Test
    void bare2xx_isRetried_becauseOnlyTheCodeSaysDelivered() {
        assertThat(interpret(204, ""), instanceOf(RetryLater.class));
        assertEquals("tiktok: HTTP 200 without a result code", ((RetryLater) interpret(200, "")).reason());
    }

    @Test
    void bare429_honoursRetryAfterDate() {
        HttpResponseSpec response = new HttpResponseSpec(429, Map.of("Retry-After", List.of("Fri, 28 Nov 2025 10:21:30 GMT")),
                new byte[0]);
        assertEquals(new RetryLater("tiktok: HTTP 429", Optional.of(Duration.ofSeconds(90))), tiktok.interpret(response, BATCH));
    }

    private DeliveryOutcome interpret(int status, String body) {
        return tiktok.interpret(HttpResponseSpec.of(status, body), BATCH);
    }
}
