package dev.sluice.connector.tiktok;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector contract against TikTok's documented request and response shapes (platforms.md
 * §4): errors come back as HTTP 200 with a non-zero {@code code}.
 */
class TiktokConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return TiktokFixtures.connector(TiktokFixtures.settings(baseUrl.toString()), clock);
    }

    @Override
    protected String secretValue() {
        return TiktokFixtures.TOKEN;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/open_api/v1.3/event/track/", request.getUrl().encodedPath());
        assertNull(request.getUrl().query(), "the token goes in a header, not the query");
        assertEquals(TiktokFixtures.TOKEN, request.getHeaders().get("Access-Token"));
        assertEquals("application/json", request.getHeaders().get("Content-Type"));

        assertEquals(Set.of("event_source", "event_source_id", "data"), names(body), "no test_event_code unless configured");
        assertEquals("web", body.path("event_source").textValue());
        assertEquals(TiktokFixtures.PIXEL_CODE, body.path("event_source_id").textValue());
        assertEquals(1, body.path("data").size());
        JsonNode e = body.path("data").get(0);
        assertEquals(Set.of("event", "event_time", "event_id", "user", "properties", "page"), names(e));
        assertEquals("Purchase", e.path("event").textValue());
        assertTrue(e.path("event_time").isIntegralNumber(), "unix seconds as a number");
        assertEquals(1764324900L, e.path("event_time").longValue());
        assertEquals("order-1", e.path("event_id").textValue());
        assertEquals("https://shop.example/checkout", e.path("page").path("url").textValue());

        JsonNode hashed = TestItems.purchasePayload().path("user").path("hashed");
        JsonNode u = e.path("user");
        assertEquals(Set.of("email", "phone", "external_id", "first_name", "last_name", "country", "zip_code", "ip",
                "user_agent"), names(u), "fbc, fbp and gclid are not TikTok's");
        for (String field : new String[]{"email", "phone", "external_id", "first_name", "last_name"}) {
            assertEquals(hashed.path(field).textValue(), u.path(field).textValue(), field);
        }
        assertEquals(hashed.path("zip").textValue(), u.path("zip_code").textValue());
        assertEquals("us", u.path("country").textValue());
        assertEquals("203.0.113.7", u.path("ip").textValue());
        assertEquals("Mozilla/5.0", u.path("user_agent").textValue());

        JsonNode p = e.path("properties");
        assertEquals(Set.of("value", "currency", "contents", "num_items", "order_id"), names(p));
        assertTrue(p.path("value").isNumber(), "value is a JSON number");
        assertTrue(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains("\"value\":129.90"),
                "value written from the decimal string, scale kept");
        assertEquals(0, new BigDecimal("129.90").compareTo(p.path("value").decimalValue()));
        assertEquals("EUR", p.path("currency").textValue());
        assertEquals(1, p.path("contents").size());
        assertEquals("sku-1", p.path("contents").get(0).path("content_id").textValue());
        assertEquals(2, p.path("num_items").intValue());
        assertEquals("10023", p.path("order_id").textValue());
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return json(200, "{\"code\":0,\"message\":\"OK\",\"request_id\":\"2025112810200001ABCDEF\",\"data\":{}}");
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return json(200, "{\"code\":40002,\"message\":\"Invalid parameters: event_time\",\"request_id\":\"2025112810200001ABCDEF\",\"data\":{}}");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return json(200, "{\"code\":40105,\"message\":\"Access token is incorrect or has been revoked.\","
                + "\"request_id\":\"2025112810200001ABCDEF\",\"data\":{}}");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return json(200, "{\"code\":40100,\"message\":\"Too many requests.\",\"request_id\":\"2025112810200001ABCDEF\",\"data\":{}}");
    }

    @Test
    void poisonBatch_isRejectedWithTikToksCode() {
        server.enqueue(poisonBatch().build());
        DeliveryOutcome outcome = deliver(twoEvents());
        assertThat(outcome, instanceOf(Rejected.class));
        assertEquals(Optional.of("40002"), ((Rejected) outcome).platformCode());
    }

    @Test
    void throttledAsHttp429_withoutRetryAfter_waitsTheDefaultDelay() {
        server.enqueue(json(429, "{\"code\":40100,\"message\":\"Too many requests.\"}").build());
        assertEquals(Optional.of(TiktokResponses.THROTTLE_DEFAULT_DELAY), ((RetryLater) deliver(example())).retryAfter());
    }

    @Test
    void configuredTestEventCode_goesOnTheWire() throws InterruptedException {
        var settings = TiktokFixtures.settings(baseUrl().toString());
        settings.put("test-event-code", "TEST12345");
        server.enqueue(accepted(1).build());
        deliver(TiktokFixtures.connector(settings, CLOCK), example(), java.time.Duration.ofSeconds(5));
        RecordedRequest request = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("TEST12345", TestItems.json(request.getBody().toByteArray()).path("test_event_code").textValue());
    }

    private static MockResponse.Builder json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
    }
}
