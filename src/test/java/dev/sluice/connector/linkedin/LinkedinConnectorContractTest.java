package dev.sluice.connector.linkedin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.PerItem;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connector contract against LinkedIn's documented BATCH_CREATE request and response shapes (platforms.md §7). */
class LinkedinConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return LinkedinFixtures.connector(LinkedinFixtures.settings(baseUrl.toString()), clock);
    }

    @Override
    protected String secretValue() {
        return LinkedinFixtures.TOKEN;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/rest/conversionEvents", request.getUrl().encodedPath());
        assertEquals(Set.of(), request.getUrl().queryParameterNames());
        assertEquals("Bearer " + LinkedinFixtures.TOKEN, request.getHeaders().get("Authorization"));
        assertEquals("application/json", request.getHeaders().get("Content-Type"));
        assertEquals("202609", request.getHeaders().get("LinkedIn-Version"));
        assertEquals("2.0.0", request.getHeaders().get("X-Restli-Protocol-Version"));
        assertEquals("BATCH_CREATE", request.getHeaders().get("X-RestLi-Method"));

        assertEquals(Set.of("elements"), names(body));
        assertEquals(1, body.path("elements").size());
        JsonNode e = body.path("elements").get(0);
        assertEquals(List.of("conversion", "conversionHappenedAt", "conversionValue", "user", "eventId"), List.copyOf(order(e)),
                "the order of LinkedIn's own example");
        assertEquals("urn:lla:llaPartnerConversion:" + LinkedinFixtures.PURCHASE_RULE, e.path("conversion").textValue());
        assertTrue(e.path("conversionHappenedAt").isIntegralNumber(), "epoch milliseconds as a number");
        assertEquals(1764324900000L, e.path("conversionHappenedAt").longValue());
        assertEquals("{\"currencyCode\":\"EUR\",\"amount\":\"129.90\"}", e.path("conversionValue").toString(),
                "the amount is a string, scale kept");
        assertEquals("order-1", e.path("eventId").textValue(), "the event id, which LinkedIn deduplicates on");
        // The generic example has names hashed for other platforms: never sent to LinkedIn as userInfo.
        String email = TestItems.purchasePayload().path("user").path("hashed").path("email").textValue();
        assertEquals("{\"userIds\":[{\"idType\":\"SHA256_EMAIL\",\"idValue\":\"" + email + "\"}]}", e.path("user").toString());
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return json(200, "{\"elements\":[" + String.join(",", Collections.nCopies(size, "{\"status\":201}")) + "]}");
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return json(400, "{\"status\":400,\"code\":\"INVALID_VALUE\",\"message\":\"Invalid request\"}");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return json(401, "{\"status\":401,\"serviceErrorCode\":65601,\"code\":\"REVOKED_ACCESS_TOKEN\","
                + "\"message\":\"The token used in the request has been revoked by the user\"}");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return json(429, "{\"status\":429,\"message\":\"Resource level throttle APPLICATION DAY limit for calls to this resource is reached.\"}");
    }

    @Test
    void batchRefusedNamingItsBadElement_settlesEachItem() throws InterruptedException {
        server.enqueue(json(422, "{\"status\":422,\"message\":\"Index: 1, ERROR :: /conversionValue/amount :: field is required "
                + "but not found and has no default value\\n\"}").build());
        DeliveryOutcome outcome = deliver(twoEvents());
        assertThat(outcome, instanceOf(PerItem.class));
        assertThat(((PerItem) outcome).outcomes().get(1L), instanceOf(RetryLater.class));
        assertThat(((PerItem) outcome).outcomes().get(2L), instanceOf(Rejected.class));
        server.takeRequest(5, TimeUnit.SECONDS);
    }

    @Test
    void perElementStatuses_settleEachItem() {
        server.enqueue(json(200, "{\"elements\":[{\"status\":201},{\"status\":400,\"error\":{\"message\":\"invalid\"}}]}").build());
        DeliveryOutcome outcome = deliver(twoEvents());
        assertEquals(new Delivered(Optional.empty()), ((PerItem) outcome).outcomes().get(1L));
        assertThat(((PerItem) outcome).outcomes().get(2L), instanceOf(Rejected.class));
    }

    @Test
    void tokenWithoutTheScope_makesTheDestinationUnhealthy() {
        server.enqueue(json(403, "{\"status\":403,\"serviceErrorCode\":100,\"code\":\"ACCESS_DENIED\","
                + "\"message\":\"Not enough permissions to access: partnerApiConversionEvents.BATCH_CREATE.20260101\"}").build());
        assertThat(deliver(example()), instanceOf(Unhealthy.class));
    }

    @Test
    void sunsetVersion_makesTheDestinationUnhealthy() {
        server.enqueue(json(426, "{\"status\":426,\"code\":\"NONEXISTENT_VERSION\",\"message\":\"Requested version 202301 is not active\"}").build());
        assertThat(deliver(example()), instanceOf(Unhealthy.class));
    }

    @Test
    void bodyOnTheWire_isValidUtf8Json() throws InterruptedException {
        server.enqueue(accepted(2).build());
        deliver(twoEvents());
        byte[] bytes = server.takeRequest(5, TimeUnit.SECONDS).getBody().toByteArray();
        assertEquals(2, TestItems.json(bytes).path("elements").size());
        assertTrue(new String(bytes, StandardCharsets.UTF_8).startsWith("{\"elements\":[{\"conversion\":"));
    }

    private static MockResponse.Builder json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
    }

    private static List<String> order(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
