package dev.sluice.connector.ga4;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.OutboxItem;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector contract against GA4's documented request and response shapes (platforms.md §3;
 * MP reference "Response codes", "Validating events"). GA4 takes one event per request here, so
 * the contract's batch tests run with one event (see {@link ConnectorContractTest#twoEvents()}).
 */
class Ga4ConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return Ga4Fixtures.connector(Ga4Fixtures.settings(baseUrl.toString()), clock);
    }

    /** The GOOGLE-profile example, which carries the _ga client id GA4 cannot go without. */
    @Override
    protected OutboxItem purchase(long id, String eventId) {
        return Ga4Fixtures.purchase(id, p -> p.put("event_id", eventId));
    }

    @Override
    protected String secretValue() {
        return Ga4Fixtures.SECRET;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/mp/collect", request.getUrl().encodedPath());
        assertEquals(Set.of("measurement_id", "api_secret"), request.getUrl().queryParameterNames());
        assertEquals(Ga4Fixtures.MEASUREMENT_ID, request.getUrl().queryParameter("measurement_id"));
        assertEquals(Ga4Fixtures.SECRET, request.getUrl().queryParameter("api_secret"), "URL-encoded, decoded intact");
        assertNull(request.getHeaders().get("Authorization"), "the secret travels once, where GA documents it");
        assertTrue(request.getHeaders().get("Content-Type").startsWith("application/json"));
        assertFalse(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains(Ga4Fixtures.SECRET));

        assertEquals(Set.of("client_id", "timestamp_micros", "user_data", "consent", "events"), names(body));
        assertEquals(Ga4Fixtures.CLIENT_ID, body.path("client_id").textValue(), "the _ga cookie's last two parts");
        assertTrue(body.path("timestamp_micros").isIntegralNumber(), "microseconds as a number");
        assertEquals(1764324900_000000L, body.path("timestamp_micros").longValue());

        JsonNode u = body.path("user_data");
        assertEquals(Set.of("sha256_email_address", "sha256_phone_number", "address"), names(u));
        assertEquals(List.of(Ga4Fixtures.EMAIL), texts(u.path("sha256_email_address")));
        assertEquals(List.of(Ga4Fixtures.PHONE), texts(u.path("sha256_phone_number")));
        assertEquals(1, u.path("address").size());
        JsonNode address = u.path("address").get(0);
        assertEquals(Set.of("sha256_first_name", "sha256_last_name", "city", "region", "postal_code", "country"), names(address));
        assertEquals(Ga4Fixtures.FIRST, address.path("sha256_first_name").textValue());
        assertEquals(Ga4Fixtures.LAST, address.path("sha256_last_name").textValue());
        assertEquals("menlo park", address.path("city").textValue(), "city, region, postal code and country go unhashed");
        assertEquals("ca", address.path("region").textValue());
        assertEquals("94025", address.path("postal_code").textValue());
        assertEquals("US", address.path("country").textValue());

        assertEquals("GRANTED", body.path("consent").path("ad_user_data").textValue());
        assertEquals("DENIED", body.path("consent").path("ad_personalization").textValue());

        assertEquals(1, body.path("events").size());
        JsonNode e = body.path("events").get(0);
        assertEquals(Set.of("name", "params"), names(e));
        assertEquals("purchase", e.path("name").textValue());
        JsonNode params = e.path("params");
        assertEquals(Set.of("transaction_id", "value", "currency", "items"), names(params));
        assertEquals("10023", params.path("transaction_id").textValue());
        assertTrue(params.path("value").isNumber());
        assertTrue(new String(request.getBody().toByteArray(), StandardCharsets.UTF_8).contains("\"value\":129.90"),
                "every digit of the decimal string");
        assertEquals("EUR", params.path("currency").textValue());
        assertEquals("sku-1", params.path("items").get(0).path("item_id").textValue());
        assertEquals("sku-2", params.path("items").get(1).path("item_id").textValue());
    }

    /** "Always returns a 2xx status code if the HTTP request was received", with no body (MP reference). */
    @Override
    protected MockResponse.Builder accepted(int size) {
        return new MockResponse.Builder().code(204);
    }

    /**
     * GA4's production endpoint never refuses an event; a 4xx could only be a request it could
     * not take at all (an over-long body, say). Validation-server refusals are tested below.
     */
    @Override
    protected MockResponse.Builder poisonBatch() {
        return new MockResponse.Builder().code(413).body("");
    }

    /** Undocumented for MP (UNCONFIRMED): a deleted API secret read as HTTP means it. */
    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return new MockResponse.Builder().code(403).body("");
    }

    /** Undocumented for MP (UNCONFIRMED): throttling read as HTTP means it. */
    @Override
    protected MockResponse.Builder throttled() {
        return new MockResponse.Builder().code(429).body("");
    }

    @Test
    void validateMode_postsToTheValidationServer_andRejectsOnItsMessages() throws InterruptedException {
        server.enqueue(json("""
                {"validationMessages":[{"fieldPath":"events[0].params.currency",
                 "description":"Value EURO for currency is invalid.","validationCode":"VALUE_INVALID"}]}"""));
        DeliveryOutcome outcome = deliver(validating(), example(), Duration.ofSeconds(5));
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/debug/mp/collect", request.getUrl().encodedPath());
        assertEquals(Ga4Fixtures.SECRET, request.getUrl().queryParameter("api_secret"));
        assertEquals(new Rejected("ga4: validation failed: VALUE_INVALID at events[0].params.currency",
                Optional.of("VALUE_INVALID")), outcome);
    }

    @Test
    void validateMode_withoutMessages_isDelivered() {
        server.enqueue(json("{\"validationMessages\":[]}"));
        assertEquals(new Delivered(Optional.empty()), deliver(validating(), example(), Duration.ofSeconds(5)));
    }

    @Test
    void limitedDecision_reachesGa4WithDeniedConsentAndNoUserData() throws InterruptedException {
        server.enqueue(accepted(1).build());
        deliver(List.of(Ga4Fixtures.item(7, Ga4Fixtures.LIMITED_SIGN_UP)));
        JsonNode body = TestItems.json(server.takeRequest(5, TimeUnit.SECONDS).getBody().toByteArray());
        assertEquals(Set.of("client_id", "timestamp_micros", "consent", "events"), names(body));
        assertEquals("DENIED", body.path("consent").path("ad_user_data").textValue());
        assertEquals("sign_up", body.path("events").get(0).path("name").textValue());
    }

    private Connector validating() {
        Map<String, String> settings = Ga4Fixtures.settings(baseUrl().toString());
        settings.put("validate", "true");
        return Ga4Fixtures.connector(settings, CLOCK);
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::textValue).toList();
    }
}
