package dev.sluice.connector.snapchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.PerItem;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector contract against Snap's documented request and response shapes (platforms.md §5;
 * the v3 OpenAPI description's {@code EventResponse} and {@code ValidateResponse}).
 */
class SnapchatConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return SnapchatFixtures.connector(SnapchatFixtures.settings(baseUrl.toString()), clock);
    }

    @Override
    protected String secretValue() {
        return SnapchatFixtures.TOKEN;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/v3/" + SnapchatFixtures.PIXEL_ID + "/events", request.getUrl().encodedPath());
        assertEquals(Set.of("access_token"), request.getUrl().queryParameterNames());
        assertEquals(SnapchatFixtures.TOKEN, request.getUrl().queryParameter("access_token"), "URL-encoded, decoded intact");
        assertNull(request.getHeaders().get("Authorization"), "the token travels once, where Snap documents it");
        assertTrue(request.getHeaders().get("Content-Type").startsWith("application/json"));
        assertTrue(!new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains(SnapchatFixtures.TOKEN));

        assertEquals(Set.of("data"), names(body));
        assertEquals(1, body.path("data").size());
        JsonNode e = body.path("data").get(0);
        assertEquals(Set.of("event_name", "event_time", "event_id", "action_source", "event_source_url", "user_data",
                "custom_data"), names(e));
        assertEquals("PURCHASE", e.path("event_name").textValue());
        assertEquals("WEB", e.path("action_source").textValue());
        assertTrue(e.path("event_time").isIntegralNumber(), "unix seconds as a number");
        assertEquals(1764324900L, e.path("event_time").longValue());
        assertEquals("order-1", e.path("event_id").textValue());
        assertEquals("https://shop.example/checkout", e.path("event_source_url").textValue());

        // The shared example is hashed for Meta: Snap gets every hash it has a key for, as lists.
        JsonNode hashed = TestItems.purchasePayload().path("user").path("hashed");
        JsonNode u = e.path("user_data");
        assertEquals(Set.of("em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country", "external_id",
                "client_ip_address", "client_user_agent"), names(u), "plain values and other platforms' click ids stay home");
        assertMetaStyleHashLists(u, hashed);
        assertEquals("203.0.113.7", u.path("client_ip_address").textValue());
        assertEquals("Mozilla/5.0", u.path("client_user_agent").textValue());

        JsonNode c = e.path("custom_data");
        assertEquals(Set.of("currency", "value", "content_ids", "num_items", "order_id"), names(c));
        assertTrue(c.path("value").isNumber(), "value is a number in Snap's model");
        assertTrue(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains("\"value\":129.90"),
                "every digit of the decimal string");
        assertEquals("EUR", c.path("currency").textValue());
        assertEquals(1, c.path("content_ids").size());
        assertEquals("sku-1", c.path("content_ids").get(0).textValue());
        assertEquals("10023", c.path("order_id").textValue());
        assertEquals(2, c.path("num_items").intValue());
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return json(200, "{\"status\":\"VALID\",\"reason\":\"Events have been processed successfully.\"}");
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return json(400, "{\"status\":\"INVALID\",\"reason\":\"At least one of the events is invalid.\",\"event\":1,"
                + "\"errors\":{\"codes\":[\"INVALID_TIMESTAMP\"],\"error_msgs\":[\"Timestamp invalid or out of range\"]}}");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return json(401, "{\"status\":\"INVALID\",\"reason\":\"Unauthorized resources\"}");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return json(429, "{\"status\":\"INVALID\",\"reason\":\"Too many requests\"}");
    }

    @Test
    void poisonBatch_isRejectedWithSnapsWordsAndCode() {
        server.enqueue(poisonBatch().build());
        assertEquals(new Rejected("snapchat: HTTP 400 INVALID: At least one of the events is invalid. (event 1): "
                + "Timestamp invalid or out of range", Optional.of("INVALID_TIMESTAMP")), deliver(twoEvents()));
    }

    @Test
    void unauthorizedResourcesAs400_makesTheDestinationUnhealthy() {
        server.enqueue(json(400, "{\"status\":\"INVALID\",\"reason\":\"Unauthorized resources\"}").build());
        assertThat(deliver(example()), instanceOf(Unhealthy.class));
    }

    @Test
    void testMode_goesToTheValidateEndpoint_andSettlesEachEvent() throws InterruptedException {
        Map<String, String> settings = SnapchatFixtures.settings(baseUrl().toString());
        settings.put("test-mode", "true");
        server.enqueue(json(400, """
                {"status":"INVALID","test_event":true,"reason":"At least one of the events is invalid.","event_logs":[
                 {"event":0,"status":"VALID","warnings":[]},
                 {"event":1,"status":"INVALID","errors":{"codes":["MISSING_PRICE"],
                  "error_msgs":["Missing price and/or currency in Purchase events"]},"warnings":[]}]}""").build());
        DeliveryOutcome outcome = deliver(SnapchatFixtures.connector(settings, CLOCK), twoEvents(), Duration.ofSeconds(5));
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/v3/" + SnapchatFixtures.PIXEL_ID + "/events/validate", request.getUrl().encodedPath());
        assertEquals(SnapchatFixtures.TOKEN, request.getUrl().queryParameter("access_token"));
        assertEquals(new PerItem(Map.of(1L, new Delivered(Optional.empty()),
                2L, new Rejected("snapchat: event invalid: Missing price and/or currency in Purchase events",
                        Optional.of("MISSING_PRICE")))), outcome);
    }

    @Test
    void limitedDataUse_reachesSnapOnTheEvent() throws InterruptedException {
        server.enqueue(accepted(1).build());
        deliver(List.of(SnapchatFixtures.item(7, SnapchatFixtures.LIMITED_SIGN_UP)));
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        JsonNode e = TestItems.json(request.getBody().toByteArray()).path("data").get(0);
        assertEquals("LDU", e.path("data_processing_options").get(0).textValue());
        assertEquals("SIGN_UP", e.path("event_name").textValue());
        assertEquals("OFFLINE", e.path("action_source").textValue());
    }

    private static MockResponse.Builder json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
    }
}
