package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.delivery.StoredCopies;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.store.OutboxRow;
import dev.sluice.store.StoredPayload;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4 (design.md) through the running server: a denied destination gets no outbox row,
 * a LIMITED one gets the platform's limited-use flags and only what the policy allows, and the
 * per-event answer lists every decision with its rules.
 */
class ConsentIngestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestGateway sluice;

    @BeforeEach
    void start() {
        sluice = TestGateway.start(dir);
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    @Test
    void eeaEventWithoutConsentReachesOnlyTheMerchantsOwnWebhook() throws Exception {
        String event = Events.purchase("eu-1").replace("\"country\":\"US\"", "\"country\":\"DE\"")
                .replace("\"state\":\"CA\",", "").replace("\"ad_user_data\":\"granted\",", "");
        JsonNode result = post(event);

        assertEquals("accepted", result.get("status").asText());
        assertEquals(List.of("warehouse"), JSON.convertValue(result.get("destinations"), List.class));
        assertEquals("deny", decision(result, "meta"));
        assertEquals("deny", decision(result, "google"));
        assertEquals("allow", decision(result, "warehouse"));
        assertTrue(result.at("/consent/0/rules").size() > 0, "every decision names its rules");
        List<OutboxRow> rows = sluice.gateway().store().outbox("acme", 10);
        assertEquals(List.of("warehouse"), rows.stream().map(OutboxRow::destinationId).toList());
    }

    @Test
    void explicitJurisdictionOverridesTheUsersAddress() throws Exception {
        // A German billing address, but the merchant knows the shopper bought in California.
        String event = Events.purchase("override-1").replace("\"country\":\"US\"", "\"country\":\"DE\"")
                .replace("\"state\":\"CA\",", "").replace("\"gpc\":false", "\"gpc\":false,\"jurisdiction\":\"US-CA\"");
        JsonNode result = post(event);
        assertEquals("allow", decision(result, "meta"));
        assertEquals(List.of("meta", "google", "warehouse"), JSON.convertValue(result.get("destinations"), List.class));

        String without = event.replace(",\"jurisdiction\":\"US-CA\"", "").replace("override-1", "override-2")
                .replace("\"ad_user_data\":\"granted\",", "");
        assertEquals("deny", decision(post(without), "meta"), "the same event under its address's (EEA) rules");
    }

    @Test
    void californiaOptOutSendsMetaLimitedDataUseAndStripsGoogleUserData() throws Exception {
        String event = Events.purchase("ca-1").replace("\"gpc\":false", "\"gpc\":true");
        JsonNode result = post(event);

        assertEquals("limited", decision(result, "meta"));
        assertEquals("limited", decision(result, "google"));
        JsonNode meta = payload("ca-1", "meta");
        assertEquals("LDU", meta.at("/platform_flags/data_processing_options/0").asText());
        assertEquals("1", meta.at("/platform_flags/data_processing_options_country").asText());
        assertEquals("1000", meta.at("/platform_flags/data_processing_options_state").asText());
        assertEquals("LIMITED", meta.at("/consent_decision/decision").asText());
        assertTrue(meta.at("/user/hashed/email").isTextual(), "Meta LDU still carries hashed user data");
        JsonNode google = payload("ca-1", "google");
        assertEquals(0, google.at("/user/hashed").size(), "Google's limited mode strips user data");
        assertFalse(StoredPayload.isJoined(stored("ca-1", "google")), "a stripped copy shares nothing");
        assertTrue(StoredPayload.isJoined(stored("ca-1", "meta")), "meta's copy shares its part with the warehouse's");
        // The warehouse's copy comes after the stripped one: only its own part was rendered.
        JsonNode warehouse = payload("ca-1", "warehouse");
        assertTrue(StoredPayload.isJoined(stored("ca-1", "warehouse")));
        assertEquals(meta.at("/user/client_ip"), warehouse.at("/user/client_ip"));
        assertEquals("203.0.113.7", warehouse.at("/user/client_ip").asText());
        assertEquals(meta.at("/custom"), warehouse.at("/custom"));
        assertTrue(warehouse.at("/user/hashed/email").isTextual());
        assertTrue(google.at("/user/client_ip").isMissingNode());
        assertEquals("DENIED", google.at("/platform_flags/consent/adUserData").asText());
    }

    @Test
    void secGpcHeaderCountsAsGlobalPrivacyControl() throws Exception {
        HttpResponse<String> res = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                .header("Content-Type", "application/json")
                .header("Sec-GPC", "1")
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("gpc-1"))).build());
        JsonNode result = JSON.readTree(res.body()).get("results").get(0);
        assertEquals("limited", decision(result, "meta"));
    }

    /**
     * Any Sec-GPC header with the value 1 turns GPC on, whatever comes before it: until session 39
     * only the first header was read, so "0" then "1" (or "1, 1" in one) lost the objection.
     */
    @Test
    void everySecGpcHeaderIsRead() throws Exception {
        String[][] cases = {{"0", "1"}, {"1, 1"}, {"0,1"}, {"0"}};
        for (int i = 0; i < cases.length; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri("/v1/events"))
                    .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                    .header("Content-Type", "application/json");
            for (String value : cases[i]) {
                request.header("Sec-GPC", value);
            }
            HttpResponse<String> res = sluice.send(request.POST(HttpRequest.BodyPublishers.ofString(
                    Events.purchase("gpc-headers-" + i))).build());
            JsonNode result = JSON.readTree(res.body()).get("results").get(0);
            assertEquals(i < 3 ? "limited" : "allow", decision(result, "meta"), String.join(" | ", cases[i]));
        }
    }

    @Test
    void unreadableTcStringRejectsTheEventNamingTheField() throws Exception {
        String event = Events.purchase("tcf-1").replace("\"gpc\":false", "\"gpc\":false,\"tcf\":\"CPXxNotARealTcString\"");
        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, event);
        assertEquals(422, res.statusCode(), res.body());
        assertTrue(res.body().contains("\"/consent/tcf\""), res.body());
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
    }

    private JsonNode post(String event) throws Exception {
        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, event);
        assertEquals(202, res.statusCode(), res.body());
        return JSON.readTree(res.body()).get("results").get(0);
    }

    private static String decision(JsonNode result, String destination) {
        for (JsonNode d : result.get("consent")) {
            if (d.get("destination").asText().equals(destination)) {
                return d.get("decision").asText();
            }
        }
        throw new AssertionError("no decision for " + destination);
    }

    private byte[] stored(String eventId, String destination) {
        return sluice.gateway().store().outbox("acme", 50).stream()
                .filter(r -> r.eventId().equals(eventId) && r.destinationId().equals(destination)).findFirst().orElseThrow()
                .payload();
    }

    private JsonNode payload(String eventId, String destination) throws Exception {
        DataKeyring keyring = DataKeyring.of(Map.of("k1", Base64.getDecoder().decode(TestGateway.DATA_KEY)), "k1");
        // As the delivery engine reads it: the stored form (version 2) turned into what connectors take.
        return PayloadFormat.version1(JSON.readTree(StoredCopies.open(keyring.forTenant("acme"), "acme", destination,
                "Purchase", eventId, stored(eventId, destination))));
    }
}
