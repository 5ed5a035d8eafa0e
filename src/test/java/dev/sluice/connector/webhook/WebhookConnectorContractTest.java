package dev.sluice.connector.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorContractTest;
import dev.sluice.connector.TestItems;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connector contract for the signed webhook. */
class WebhookConnectorContractTest extends ConnectorContractTest {

    @Override
    protected Connector connector(URI baseUrl, InstantSource clock) {
        return WebhookFixtures.connector(WebhookFixtures.settings(baseUrl.resolve("/hooks/sluice").toString()), clock);
    }

    @Override
    protected String secretValue() {
        return WebhookFixtures.SECRET_TEXT;
    }

    @Override
    protected void assertDocumentedRequest(RecordedRequest request, JsonNode body) {
        assertEquals("POST", request.getMethod());
        assertEquals("/hooks/sluice", request.getTarget());
        assertEquals("application/json", request.getHeaders().get("Content-Type"));
        assertEquals("1", request.getHeaders().get("Sluice-Event-Count"));
        String signature = request.getHeaders().get("Sluice-Signature");
        assertTrue(signature.matches("t=1764325200,v1=[0-9a-f]{64}"), "t is the clock's unix seconds");
        byte[] raw = request.getBody().toByteArray();
        assertTrue(WebhookSignature.verify(WebhookFixtures.SECRET, signature, raw, NOW, Duration.ofMinutes(5)));

        assertEquals(1, body.size(), "only events at top level");
        assertEquals(1, body.path("events").size());
        assertEquals(TestItems.purchasePayload(), body.path("events").get(0), "the canonical payload, as stored");
    }

    @Override
    protected MockResponse.Builder accepted(int size) {
        return new MockResponse.Builder().code(204);
    }

    @Override
    protected MockResponse.Builder poisonBatch() {
        return new MockResponse.Builder().code(422).body("{\"error\":\"event 2 is invalid\"}");
    }

    @Override
    protected MockResponse.Builder credentialsRevoked() {
        return new MockResponse.Builder().code(403).body("signature rejected");
    }

    @Override
    protected MockResponse.Builder throttled() {
        return new MockResponse.Builder().code(429);
    }
}
