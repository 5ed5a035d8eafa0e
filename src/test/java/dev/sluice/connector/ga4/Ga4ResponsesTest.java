package dev.sluice.connector.ga4;

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

/** Every class of GA4 answer, from the production endpoint and from the validation server. */
class Ga4ResponsesTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));
    private static final List<OutboxItem> ONE = List.of(Ga4Fixtures.purchase(1, p -> { }));

    private final Connector production = Ga4Fixtures.connector(Ga4Fixtures.settings(null), CLOCK);
    private final Connector validating = validating();

    // --- production endpoint -------------------------------------------------------------------

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {200, 202, 204})
    void production2xx_isDelivered_whateverTheBody(int status) {
        for (String body : List.of("", "{\"validationMessages\":[{\"validationCode\":\"VALUE_INVALID\"}]}", "<html>"))
            assertEquals(new Delivered(Optional.empty()), production.interpret(HttpResponseSpec.of(status, body), ONE));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504})
    void throttlingAndServerErrors_areRetriedLater(int status) {
        assertEquals(new RetryLater("ga4: HTTP " + status, Optional.empty()), production.interpret(HttpResponseSpec.of(status, ""), ONE));
    }

    @Test
    void retryAfter_isHonouredInSecondsAndAsADate() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), retryAfter(production.interpret(withRetryAfter(429, "30"), ONE)));
        assertEquals(Optional.of(Duration.ofSeconds(90)),
                retryAfter(production.interpret(withRetryAfter(503, "Fri, 28 Nov 2025 10:21:30 GMT"), ONE)));
        assertEquals(Optional.empty(), retryAfter(production.interpret(withRetryAfter(429, "soon"), ONE)));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"401, api-secret", "403, api-secret", "404, base-url"})
    void credentialsAndPathFailures_makeTheDestinationUnhealthy(int status, String setting) {
        DeliveryOutcome outcome = production.interpret(HttpResponseSpec.of(status, "{\"error\":\"jane@example.com\"}"), ONE);
        assertThat(outcome, instanceOf(Unhealthy.class));
        assertThat(((Unhealthy) outcome).reason(), containsString("check " + setting));
        assertThat(((Unhealthy) outcome).reason(), not(containsString("jane")));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 413, 422})
    void otherClientErrors_areRejected_withoutTheBody(int status) {
        assertEquals(new Rejected("ga4: HTTP " + status, Optional.empty()),
                production.interpret(HttpResponseSpec.of(status, "bad value jane@example.com"), ONE));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {100, 301, 302, 307})
    void redirectsAndOtherStatuses_makeTheDestinationUnhealthy(int status) {
        assertEquals(new Unhealthy("ga4: HTTP " + status + " (unexpected status; check base-url)"),
                production.interpret(HttpResponseSpec.of(status, ""), ONE));
    }

    // --- validation server ---------------------------------------------------------------------

    @Test
    void validationWithoutMessages_isDelivered() {
        assertEquals(new Delivered(Optional.empty()), validating.interpret(HttpResponseSpec.of(200, "{\"validationMessages\":[]}"), ONE));
    }

    @Test
    void validationMessages_rejectTheEvent_withCodesAndFieldPaths_neverDescriptions() {
        String body = """
                {"validationMessages":[
                 {"fieldPath":"events[0].params.currency","description":"Value jane@example.com for currency is invalid.",
                  "validationCode":"VALUE_INVALID"},
                 {"fieldPath":"user_data.sha256_email_address[0]","description":"86e0b9e56c17cc4d is not a hash",
                  "validationCode":"VALUE_INVALID"},
                 {"fieldPath":"events[0].name","description":"Event name session_start is reserved.","validationCode":"NAME_RESERVED"}]}""";
        DeliveryOutcome outcome = validating.interpret(HttpResponseSpec.of(200, body), ONE);
        assertEquals(new Rejected("ga4: validation failed: VALUE_INVALID at events[0].params.currency; "
                + "VALUE_INVALID at user_data.sha256_email_address[0]; NAME_RESERVED at events[0].name",
                Optional.of("VALUE_INVALID")), outcome);
        for (String echoed : List.of("jane", "86e0b9e5", "session_start", "invalid.", "reserved.")) {
            assertThat(((Rejected) outcome).reason(), not(containsString(echoed)));
        }
    }

    @Test
    void fieldPathsAndCodesThatMayHoldValues_areNotPassedOn() {
        String hash = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
        String body = "{\"validationMessages\":[{\"fieldPath\":\"user_data." + hash + "\",\"validationCode\":\"jane@example.com\"},"
                + "{\"fieldPath\":\"events[0].params.items[jane@example.com]\",\"validationCode\":\"VALUE_REQUIRED\"},"
                + "{\"validationCode\":\"EXCEEDED_MAX_ENTITIES\"}]}";
        assertEquals(new Rejected("ga4: validation failed: UNKNOWN at <redacted>; VALUE_REQUIRED at <redacted>; "
                + "EXCEEDED_MAX_ENTITIES at (no field)", Optional.empty()), validating.interpret(HttpResponseSpec.of(200, body), ONE));
    }

    @Test
    void manyValidationMessages_nameTheFirstFiveAndCountTheRest() {
        StringBuilder body = new StringBuilder("{\"validationMessages\":[");
        for (int i = 0; i < 8; i++) {
            body.append(i == 0 ? "" : ",").append("{\"fieldPath\":\"events[").append(i).append("].name\",\"validationCode\":\"NAME_INVALID\"}");
        }
        Rejected r = (Rejected) validating.interpret(HttpResponseSpec.of(200, body.append("]}").toString()), ONE);
        assertThat(r.reason(), containsString("NAME_INVALID at events[4].name; 3 more"));
        assertThat(r.reason(), not(containsString("events[5]")));
    }

    @ParameterizedTest(name = "body={0}")
    @ValueSource(strings = {"", "<html>ok</html>", "[]", "{}", "{\"validationMessages\":{}}"})
    void validationAnswerWithoutItsList_isRetried(String body) {
        assertEquals(new RetryLater("ga4: validation answer without validationMessages", Optional.empty()),
                validating.interpret(HttpResponseSpec.of(200, body), ONE));
    }

    @Test
    void validationServerErrors_areClassifiedByStatusLikeProduction() {
        assertEquals(new RetryLater("ga4: HTTP 500", Optional.empty()), validating.interpret(HttpResponseSpec.of(500, ""), ONE));
        assertThat(validating.interpret(HttpResponseSpec.of(403, ""), ONE), instanceOf(Unhealthy.class));
        assertEquals(new Rejected("ga4: HTTP 400", Optional.empty()), validating.interpret(HttpResponseSpec.of(400, "{}"), ONE));
    }

    @Test
    void transportErrors_areRetriedLater() {
        assertEquals(new RetryLater("transport: ConnectException", Optional.empty()),
                production.onTransportError(new java.net.ConnectException("refused " + Ga4Fixtures.SECRET)));
    }

    private static Connector validating() {
        Map<String, String> settings = Ga4Fixtures.settings(null);
        settings.put("validate", "true");
        return Ga4Fixtures.connector(settings, CLOCK);
    }

    private static HttpResponseSpec withRetryAfter(int status, String value) {
        return new HttpResponseSpec(status, Map.of("Retry-After", List.of(value)), "".getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Duration> retryAfter(DeliveryOutcome outcome) {
        assertThat(outcome, instanceOf(RetryLater.class));
        return ((RetryLater) outcome).retryAfter();
    }
}
