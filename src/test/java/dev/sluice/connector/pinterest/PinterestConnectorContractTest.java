package dev.sluice.connector.pinterest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.PerItem;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connector contract against Pinterest's documented request and response shapes (platforms.md §6). */
class PinterestConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return PinterestFixtures.connector(PinterestFixtures.settings(baseUrl.toString()), clock);
    }

    @Override
    protected String secretValue() {
        return PinterestFixtures.TOKEN;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/v5/ad_accounts/" + PinterestFixtures.AD_ACCOUNT_ID + "/events", request.getUrl().encodedPath());
        assertEquals(Set.of(), request.getUrl().queryParameterNames(), "no test parameter, no token in the URL");
        assertEquals("Bearer " + PinterestFixtures.TOKEN, request.getHeaders().get("Authorization"));
        assertTrue(request.getHeaders().get("Content-Type").startsWith("application/json"));

        assertEquals(Set.of("data"), names(body));
        assertEquals(1, body.path("data").size());
        JsonNode e = body.path("data").get(0);
        assertEquals(Set.of("event_name", "action_source", "event_time", "event_id", "event_source_url", "user_data",
                "custom_data"), names(e));
        assertEquals("checkout", e.path("event_name").textValue());
        assertEquals("web", e.path("action_source").textValue());
        assertTrue(e.path("event_time").isIntegralNumber(), "unix seconds as a number");
        assertEquals(1764324900L, e.path("event_time").longValue());
        assertEquals("order-1", e.path("event_id").textValue());
        assertEquals("https://shop.example/checkout", e.path("event_source_url").textValue());

        JsonNode hashed = TestItems.purchasePayload().path("user").path("hashed");
        JsonNode u = e.path("user_data");
        assertEquals(Set.of("em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country", "external_id",
                "client_ip_address", "client_user_agent"), names(u), "plain values and other platforms' click ids stay home");
        assertMetaStyleHashLists(u, hashed);
        assertEquals("203.0.113.7", u.path("client_ip_address").textValue());
        assertEquals("Mozilla/5.0", u.path("client_user_agent").textValue());

        JsonNode c = e.path("custom_data");
        assertEquals(Set.of("currency", "value", "content_ids", "num_items", "order_id"), names(c));
        assertTrue(c.path("value").isTextual(), "value is a string on Pinterest");
        assertEquals("129.90", c.path("value").textValue());
        assertEquals("EUR", c.path("currency").textValue());
        assertEquals(List.of("sku-1"), List.of(c.path("content_ids").get(0).textValue()));
        assertEquals(1, c.path("content_ids").size());
        assertEquals("10023", c.path("order_id").textValue());
        assertEquals(2, c.path("num_items").intValue());
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return json(200, "{\"num_events_received\":" + size + ",\"num_events_processed\":" + size + ",\"events\":["
                + String.join(",", Collections.nCopies(size, "{\"status\":\"processed\",\"error_message\":\"\",\"warning_message\":\"\"}"))
                + "]}");
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return json(400, "{\"code\":4196,\"message\":\"Invalid request: Additional properties are not allowed "
                + "('category_name' was unexpected)\"}");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return json(401, "{\"code\":2,\"message\":\"Authentication failed.\"}");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return json(429, "{\"code\":8,\"message\":\"You have exceeded your rate limit. Try again later.\"}");
    }

    @Test
    void partlyFailedBatch_settlesEachEvent() {
        server.enqueue(json(200, """
                {"num_events_received":2,"num_events_processed":1,"events":[
                 {"status":"processed","error_message":"","warning_message":""},
                 {"status":"failed","error_message":"event_time is too far in the past.","warning_message":""}]}""").build());
        DeliveryOutcome outcome = deliver(twoEvents());
        assertEquals(new PerItem(Map.of(1L, new Delivered(Optional.empty()),
                2L, new Rejected("pinterest: event failed: event_time is too far in the past.", Optional.empty()))), outcome);
    }

    @Test
    void testMode_goesOutAsTheTestQueryParameter() throws InterruptedException {
        Map<String, String> settings = PinterestFixtures.settings(baseUrl().toString());
        settings.put("test-mode", "true");
        server.enqueue(accepted(1).build());
        deliver(PinterestFixtures.connector(settings, CLOCK), example(), Duration.ofSeconds(5));
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/v5/ad_accounts/" + PinterestFixtures.AD_ACCOUNT_ID + "/events", request.getUrl().encodedPath());
        assertEquals("true", request.getUrl().queryParameter("test"));
    }

    @Test
    void limitedDataProcessing_reachesPinterestInCustomData() throws InterruptedException {
        server.enqueue(accepted(1).build());
        deliver(List.of(PinterestFixtures.item(7, PinterestFixtures.LIMITED_LEAD)));
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        JsonNode e = TestItems.json(request.getBody().toByteArray()).path("data").get(0);
        assertEquals("LDP", e.path("custom_data").path("opt_out_type").textValue());
        assertEquals("lead", e.path("event_name").textValue());
        assertTrue(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains("\"opt_out_type\":\"LDP\""));
    }

    private static MockResponse.Builder json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
    }
}
