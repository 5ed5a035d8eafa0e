package dev.sluice.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ConfigException;
import dev.sluice.connector.Connector;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import dev.sluice.connector.UnmappableItemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Meta mapping, settings and error classification, without a socket. */
class MetaConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));

    private final Connector meta = MetaFixtures.connector(MetaFixtures.settings("https://graph.facebook.com"), CLOCK);

    @Test
    void limitedDataUse_isSentWithCountryAndState() {
        JsonNode e = event(p -> p.putObject("platform_flags").put("data_processing_options_country", 1).put("data_processing_options_state", "1000")
                .putArray("data_processing_options").add("LDU"));
        assertEquals("LDU", e.path("data_processing_options").get(0).textValue());
        assertEquals(1, e.path("data_processing_options").size());
        assertEquals(1, e.path("data_processing_options_country").intValue());
        assertEquals(1000, e.path("data_processing_options_state").intValue());
    }

    @Test
    void limitedDataUse_withoutLocation_letsMetaGeolocate() {
        JsonNode e = event(p -> p.putObject("platform_flags").putArray("data_processing_options").add("LDU"));
        assertEquals("LDU", e.path("data_processing_options").get(0).textValue());
        assertFalse(e.has("data_processing_options_country"));
        assertFalse(e.has("data_processing_options_state"));
    }

    @Test
    void limitedDataUse_countryWithoutState_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.putObject("platform_flags").put("data_processing_options_country", 1)
                .putArray("data_processing_options").add("LDU")));
    }

    @Test
    void aFlagMetaHasNoFieldFor_isUnmappableRatherThanDropped() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("platform_flags").put("limited_data_use", true)));
        assertEquals("platform_flags [limited_data_use] have no Meta field", e.reason());
        assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("platform_flags").put("data_processing_options", "LDU")));
    }

    @Test
    void noLimitedUse_sendsNoProcessingOptions() {
        assertFalse(event(p -> { }).has("data_processing_options"));
    }

    @Test
    void value_keepsEveryDigitOfTheDecimalString() {
        String big = "12345678901234567.000000001";
        String body = body(List.of(TestItems.purchase(1, "o-1", p -> ((ObjectNode) p.path("custom")).put("value", big))));
        assertThat(body, containsString("\"value\":" + big));
        assertEquals(new BigDecimal("0.1"), event(p -> ((ObjectNode) p.path("custom")).put("value", "0.1"))
                .path("custom_data").path("value").decimalValue());
    }

    @Test
    void value_thatIsNotANumber_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> ((ObjectNode) p.path("custom")).put("value", "12,50")));
    }

    @Test
    void testEventCode_goesAtTopLevel() {
        Map<String, String> settings = MetaFixtures.settings("https://graph.facebook.com");
        settings.put("test-event-code", "TEST12345");
        Connector test = MetaFixtures.connector(settings, CLOCK);
        JsonNode body = TestItems.json(test.prepare(List.of(TestItems.purchase(1, "o-1"))).body());
        assertEquals("TEST12345", body.path("test_event_code").textValue());
    }

    @Test
    void apiVersionAndBaseUrl_shapeTheEndpoint() {
        Map<String, String> settings = MetaFixtures.settings("http://127.0.0.1:9999/graph/");
        settings.put("api-version", "v25.0");
        var spec = MetaFixtures.connector(settings, CLOCK).prepare(List.of(TestItems.purchase(1, "o-1")));
        assertEquals("/graph/v25.0/1234567890/events", spec.uri().getPath());
        assertEquals("http://127.0.0.1:9999/graph/v25.0/1234567890/events?access_token=***", spec.redactedUri());
    }

    @Test
    void websiteEventWithoutUserAgent_isUnmappable() {
        var e = assertThrows(UnmappableItemException.class,
                () -> event(p -> ((ObjectNode) p.path("user")).remove("user_agent")));
        assertEquals(1, e.itemId());
        assertThat(e.getMessage(), not(containsString("Mozilla")));
    }

    @Test
    void websiteEventWithoutSourceUrl_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.remove("event_source_url")));
    }

    @Test
    void userDataMetaCannotMatchOn_isUnmappable() {
        // only first name + gender: one of the combinations Meta rejects
        assertThrows(UnmappableItemException.class, () -> event(p -> {
            p.put("action_source", "system_generated");
            ObjectNode user = p.putObject("user");
            user.putObject("hashed").put("first_name", "81f8").put("gender", "252f");
        }));
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("v", 2)));
    }

    @Test
    void throttledWithoutRetryAfter_waitsTheDefaultDelay() {
        DeliveryOutcome outcome = meta.interpret(HttpResponseSpec.of(400,
                "{\"error\":{\"message\":\"(#17) User request limit reached\",\"type\":\"OAuthException\",\"code\":17}}"), batch());
        assertEquals(new RetryLater("meta: HTTP 400 OAuthException code 17: (#17) User request limit reached",
                Optional.of(GraphResponses.THROTTLE_DEFAULT_DELAY)), outcome);
    }

    @ParameterizedTest(name = "HTTP {0}, code {1} -> {2}")
    @CsvSource({
            "400, 190, Unhealthy", "401, 190, Unhealthy", "400, 102, Unhealthy", "403, 10, Unhealthy",
            "403, 200, Unhealthy", "403, 299, Unhealthy", "400, 4, RetryLater", "400, 17, RetryLater",
            "400, 32, RetryLater", "400, 613, RetryLater", "400, 80004, RetryLater", "500, 1, RetryLater",
            "503, 2, RetryLater", "500, 100, RetryLater", "400, 100, Rejected", "404, 803, Rejected",
            "400, 300, Rejected"})
    void graphErrors_areClassifiedByCodeThenStatus(int status, int code, String expected) {
        DeliveryOutcome outcome = meta.interpret(HttpResponseSpec.of(status,
                "{\"error\":{\"message\":\"m\",\"type\":\"OAuthException\",\"code\":" + code + "}}"), batch());
        assertEquals(expected, outcome.getClass().getSimpleName());
    }

    @Test
    void rejection_carriesCodeAndSubcode_butNoEchoedData() {
        DeliveryOutcome outcome = meta.interpret(HttpResponseSpec.of(400, """
                {"error":{"message":"Invalid parameter em 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d from 203.0.113.7",
                 "type":"OAuthException","code":100,"error_subcode":2804019}}"""), batch());
        Rejected rejected = (Rejected) outcome;
        assertEquals(Optional.of("100/2804019"), rejected.platformCode());
        assertThat(rejected.reason(), containsString("Invalid parameter em"));
        assertThat(rejected.reason(), not(containsString("86e0b9e5")));
        assertThat(rejected.reason(), not(containsString("203.0.113.7")));
    }

    /**
     * Review 4, finding 1: a Graph error that echoes a compressed IPv6 address, user agents and a
     * name reached dead letters, {@code last_error} and the log as it was until session 40.
     */
    @Test
    void rejection_echoingAnIpv6AddressUserAgentsOrAName_keepsOnlyMetasWords() {
        String echo = "Invalid parameter: client_ip_address 2001:db8:cafe::17 is not valid; client_user_agent CanaryAgent/9.87 "
                + "(Zorblaxbrowser) rejected for user Zorblaxina Quimbyweth, ua Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0";
        for (int code : new int[] {100, 190}) {
            DeliveryOutcome outcome = meta.interpret(HttpResponseSpec.of(400, "{\"error\":{\"message\":\"" + echo
                    + "\",\"type\":\"OAuthException\",\"code\":" + code + ",\"error_subcode\":2804003}}"), batch());
            String reason = outcome instanceof Rejected r ? r.reason() : ((Unhealthy) outcome).reason();
            for (String value : List.of("2001:db8", "cafe::17", "CanaryAgent", "9.87", "Zorblaxbrowser", "Zorblaxina", "Quimbyweth", "Mozilla", "X11", "Chrome/120")) {
                assertThat(reason, not(containsString(value)));
            }
            assertThat(reason, containsString("Invalid parameter: client_ip_address <redacted> is not valid; client_user_agent <redacted>"));
        }
    }

    @Test
    void unknownPixel_makesTheDestinationUnhealthy() {
        assertThat(meta.interpret(HttpResponseSpec.of(400, """
                {"error":{"message":"Unsupported post request. Object with ID '1234567890' does not exist",
                 "type":"GraphMethodException","code":100,"error_subcode":33}}"""), batch()), instanceOf(Unhealthy.class));
    }

    @Test
    void success_returnsTheTraceId() {
        assertEquals(new Delivered(Optional.of("AbC")),
                meta.interpret(HttpResponseSpec.of(200, "{\"events_received\":1,\"fbtrace_id\":\"AbC\"}"), batch()));
    }

    @Test
    void successCountingFewerEvents_isRetried() {
        assertThat(meta.interpret(HttpResponseSpec.of(200, "{\"events_received\":0,\"fbtrace_id\":\"AbC\"}"), batch()),
                instanceOf(RetryLater.class));
    }

    @Test
    void redirect_makesTheDestinationUnhealthy() {
        assertThat(meta.interpret(HttpResponseSpec.of(302, ""), batch()), instanceOf(Unhealthy.class));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"pixel-id, px-123", "pixel-id, ''", "api-version, 24.0", "api-version, v24", "base-url, ftp://graph.facebook.com",
            "base-url, https://graph.facebook.com?x=1", "test-event-code, 'TEST 1'", "access-token, EAAGliteral",
            "access-token, env:MISSING"})
    void badSettings_areRefusedNamingTheKey(String key, String value) {
        Map<String, String> settings = MetaFixtures.settings("https://graph.facebook.com");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> MetaFixtures.connector(settings, CLOCK));
        assertEquals("destinations.meta.settings." + key, e.key());
        assertThat(e.getMessage(), not(containsString("EAAGliteral")));
    }

    /** The secrets manifest's placeholder started a gateway whose every Meta request would fail (until session 39). */
    @Test
    void aTokenThatIsNoTokenIsRefusedWithoutQuotingIt() {
        for (String token : new String[] {"REPLACE_ME: the system-user token", "EAAG\nsecond-line", ""}) {
            Map<String, String> settings = MetaFixtures.settings("https://graph.facebook.com");
            settings.put("access-token", "env:PLACEHOLDER");
            ConfigException e = assertThrows(ConfigException.class, () -> dev.sluice.connector.Connectors.create(
                    new dev.sluice.config.DestinationConfig("meta", "meta", settings),
                    dev.sluice.config.Secrets.of(Map.of("PLACEHOLDER", token), java.nio.file.Path.of("")), CLOCK,
                    "destinations.meta"));
            assertEquals("destinations.meta.settings.access-token", e.key(), e.getMessage());
            assertThat(e.getMessage(), not(containsString("REPLACE_ME")));
        }
    }

    @Test
    void limits_areMetas() {
        assertEquals(1000, meta.maxBatchSize());
        assertEquals(Duration.ofDays(7), meta.maxEventAge());
        assertEquals("meta", meta.type());
    }

    private JsonNode event(Consumer<ObjectNode> edit) {
        return TestItems.json(meta.prepare(List.of(TestItems.purchase(1, "o-1", edit))).body()).path("data").get(0);
    }

    private String body(List<OutboxItem> batch) {
        return new String(meta.prepare(batch).body(), StandardCharsets.UTF_8);
    }

    private static List<OutboxItem> batch() {
        return List.of(TestItems.purchase(1, "o-1"));
    }
}
