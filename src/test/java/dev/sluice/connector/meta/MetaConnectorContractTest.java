package dev.sluice.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connector contract against Meta's documented request and response shapes (platforms.md §1). */
class MetaConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return MetaFixtures.connector(MetaFixtures.settings(baseUrl.toString()), clock);
    }

    @Override
    protected String secretValue() {
        return MetaFixtures.TOKEN;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/v24.0/" + MetaFixtures.PIXEL_ID + "/events", request.getUrl().encodedPath());
        assertEquals(Set.of("access_token"), request.getUrl().queryParameterNames());
        assertEquals(MetaFixtures.TOKEN, request.getUrl().queryParameter("access_token"));
        assertEquals("application/json", request.getHeaders().get("Content-Type"));

        assertEquals(Set.of("data"), names(body), "no test_event_code unless configured, no token in the body");
        assertEquals(1, body.path("data").size());
        JsonNode e = body.path("data").get(0);
        assertEquals(Set.of("event_name", "event_time", "event_id", "action_source", "event_source_url",
                "user_data", "custom_data"), names(e));
        assertEquals("Purchase", e.path("event_name").textValue());
        assertTrue(e.path("event_time").isIntegralNumber(), "unix seconds as a number");
        assertEquals(1764324900L, e.path("event_time").longValue());
        assertEquals("order-1", e.path("event_id").textValue());
        assertEquals("website", e.path("action_source").textValue());
        assertEquals("https://shop.example/checkout", e.path("event_source_url").textValue());

        JsonNode hashed = TestItems.purchasePayload().path("user").path("hashed");
        JsonNode u = e.path("user_data");
        assertEquals(Set.of("em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country", "external_id",
                "client_ip_address", "client_user_agent", "fbc", "fbp"), names(u), "gclid and plain values stay home");
        assertMetaStyleHashLists(u, hashed);
        assertEquals("203.0.113.7", u.path("client_ip_address").textValue());
        assertEquals("Mozilla/5.0", u.path("client_user_agent").textValue());
        assertEquals("fb.1.1554763741205.AbC", u.path("fbc").textValue(), "fbclid case kept");
        assertEquals("fb.1.1596403881668.1116446470", u.path("fbp").textValue());

        JsonNode c = e.path("custom_data");
        assertEquals(Set.of("value", "currency", "content_ids", "order_id", "num_items"), names(c));
        assertTrue(c.path("value").isNumber(), "value is a JSON number");
        assertTrue(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains("\"value\":129.90"),
                "value written from the decimal string, scale kept");
        assertEquals(0, new BigDecimal("129.90").compareTo(c.path("value").decimalValue()));
        assertEquals("EUR", c.path("currency").textValue());
        assertEquals("sku-1", c.path("content_ids").get(0).textValue());
        assertEquals(1, c.path("content_ids").size());
        assertEquals("10023", c.path("order_id").textValue());
        assertEquals(2, c.path("num_items").intValue());
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return json(200, "{\"events_received\":" + size + ",\"messages\":[],\"fbtrace_id\":\"AbCdEfGh\"}");
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return json(400, """
                {"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"error_subcode":2804003,
                 "error_user_title":"Event Timestamp Too Old","error_user_msg":"The timestamp for this event is too far in the past.",
                 "fbtrace_id":"AbCdEfGh"}}""");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return json(400, """
                {"error":{"message":"Error validating access token: The session has been invalidated.",
                 "type":"OAuthException","code":190,"error_subcode":460,"fbtrace_id":"AbCdEfGh"}}""");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return json(429, """
                {"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,
                 "fbtrace_id":"AbCdEfGh"}}""");
    }

    private static MockResponse.Builder json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
    }
}
