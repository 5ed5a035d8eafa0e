package dev.sluice.connector.reddit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connector contract against Reddit's documented v3 request and response shapes (platforms.md §8). */
class RedditConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return RedditFixtures.connector(RedditFixtures.settings(baseUrl.toString()), clock);
    }

    @Override
    protected String secretValue() {
        return RedditFixtures.TOKEN;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/api/v3/pixels/" + RedditFixtures.PIXEL_ID + "/conversion_events", request.getUrl().encodedPath());
        assertEquals(Set.of(), request.getUrl().queryParameterNames());
        assertEquals("Bearer " + RedditFixtures.TOKEN, request.getHeaders().get("Authorization"));
        assertEquals("application/json", request.getHeaders().get("Content-Type"));
        assertEquals(RedditConnector.USER_AGENT, request.getHeaders().get("User-Agent"),
                "a descriptive user agent: Reddit throttles default ones");

        assertEquals(Set.of("data"), names(body));
        assertEquals(Set.of("events"), names(body.path("data")), "no test_id unless configured, no token in the body");
        assertEquals(1, body.path("data").path("events").size());
        JsonNode e = body.path("data").path("events").get(0);
        assertEquals(Set.of("event_at", "action_source", "type", "event_source_url", "metadata", "user"), names(e));
        assertTrue(e.path("event_at").isIntegralNumber(), "epoch milliseconds as a number");
        assertEquals(1764324900000L, e.path("event_at").longValue());
        assertEquals("WEBSITE", e.path("action_source").textValue());
        assertEquals("PURCHASE", e.path("type").path("tracking_type").textValue());
        assertEquals(Set.of("tracking_type"), names(e.path("type")));
        assertEquals("https://shop.example/checkout", e.path("event_source_url").textValue());

        JsonNode m = e.path("metadata");
        assertEquals(Set.of("item_count", "currency", "value", "conversion_id", "products"), names(m));
        assertEquals(2, m.path("item_count").intValue());
        assertEquals("EUR", m.path("currency").textValue());
        assertTrue(m.path("value").isNumber(), "value is a JSON number in the currency's base unit");
        assertEquals(0, new BigDecimal("129.90").compareTo(m.path("value").decimalValue()));
        assertTrue(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains("\"value\":129.90"),
                "value written from the decimal string, scale kept");
        assertEquals("order-1", m.path("conversion_id").textValue(), "the event id, which Reddit deduplicates on");
        assertEquals("[{\"id\":\"sku-1\"}]", m.path("products").toString());

        JsonNode hashed = TestItems.purchasePayload().path("user").path("hashed");
        JsonNode u = e.path("user");
        assertEquals(Set.of("email", "phone_number", "external_id", "ip_address", "user_agent"), names(u),
                "names, address and other platforms' click ids stay home");
        assertEquals(hashed.path("email").textValue(), u.path("email").textValue());
        assertEquals(hashed.path("phone").textValue(), u.path("phone_number").textValue());
        assertEquals(hashed.path("external_id").textValue(), u.path("external_id").textValue());
        assertEquals("203.0.113.7", u.path("ip_address").textValue());
        assertEquals("Mozilla/5.0", u.path("user_agent").textValue());
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return json(200, "{\"data\":{\"message\":\"Successfully processed " + size + " conversion events.\"}}");
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return json(400, "{\"error\":{\"code\":400,\"message\":\"There were 1 invalid conversion events. None were processed.\"}}");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return json(401, "{\"error\":{\"code\":401,\"message\":\"UNAUTHORIZED\"}}");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return json(429, "{\"error\":{\"code\":429,\"message\":\"Too many requests/events within timeframe.\"}}");
    }

    @Test
    void pixelTheTokenMayNotPostTo_makesTheDestinationUnhealthy() throws InterruptedException {
        server.enqueue(json(403, "{\"error\":{\"code\":403,\"message\":\"Missing adsconversions scope to post conversions to Pixel.\"}}").build());
        assertThat(deliver(example()), instanceOf(Unhealthy.class));
        assertEquals("Bearer " + RedditFixtures.TOKEN, server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
    }

    @Test
    void testId_goesBesideTheEventsInData() throws InterruptedException {
        var settings = RedditFixtures.settings(baseUrl().toString());
        settings.put("test-id", "t2_testid42");
        server.enqueue(accepted(1).build());
        deliver(RedditFixtures.connector(settings, CLOCK), example(), java.time.Duration.ofSeconds(5));
        JsonNode body = TestItems.json(server.takeRequest(5, TimeUnit.SECONDS).getBody().toByteArray());
        assertEquals("t2_testid42", body.path("data").path("test_id").textValue());
        assertEquals(List.of("events", "test_id"), List.copyOf(names(body.path("data"))));
    }

    private static MockResponse.Builder json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
    }
}
