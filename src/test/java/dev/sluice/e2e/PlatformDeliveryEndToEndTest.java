package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain for the platform connectors: events posted to the real gateway are validated,
 * hashed per platform, decided by the shipped consent policy, committed, claimed and sent by each
 * connector to a MockWebServer standing in for Meta, TikTok, Pinterest, Reddit, Snapchat, LinkedIn and GA4.
 * One shopper in California consents; another sends Global Privacy Control, which the policy
 * turns into each platform's limited-data-use mode (for GA4: consent denied and no user data;
 * for LinkedIn, which has no such mode, no delivery at all). What arrives is checked in each platform's own field names.
 */
final class PlatformDeliveryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL_HASH = sha256("jane.doe@example.com");
    private static final String SNAP_PIXEL = "3f1a2b4c-1234-4cde-9abc-0123456789ab";

    @TempDir
    Path dir;
    MockWebServer platforms;
    TestGateway sluice;
    /** Request bodies by platform, in arrival order. */
    final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();
    final Map<String, Headers> headers = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        platforms = new MockWebServer();
        platforms.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                JsonNode body = read(request);
                String platform;
                String answer;
                if (path.equals("/open_api/v1.3/event/track/")) {
                    platform = "tiktok";
                    answer = "{\"code\":0,\"message\":\"OK\",\"data\":{}}";
                } else if (path.equals("/v5/ad_accounts/549755885175/events")) {
                    platform = "pinterest";
                    answer = "{\"num_events_received\":" + body.path("data").size() + ",\"num_events_processed\":"
                            + body.path("data").size() + ",\"events\":["
                            + String.join(",", java.util.Collections.nCopies(body.path("data").size(), "{\"status\":\"processed\"}"))
                            + "]}";
                } else if (path.equals("/api/v3/pixels/t2_abc123/conversion_events")) {
                    platform = "reddit";
                    answer = "{\"data\":{\"message\":\"Successfully processed\"}}";
                } else if (path.equals("/v3/" + SNAP_PIXEL + "/events")) {
                    platform = "snapchat";
                    answer = "{\"status\":\"VALID\",\"reason\":\"Events have been processed successfully.\"}";
                } else if (path.equals("/v24.0/1234567890/events")) {
                    platform = "meta";
                    answer = "{\"events_received\":" + body.path("data").size() + "}";
                } else if (path.equals("/mp/collect")) {
                    platform = "ga4";
                    answer = "";
                } else if (path.equals("/rest/conversionEvents")) {
                    platform = "linkedin";
                    answer = "{\"elements\":[" + String.join(",",
                            java.util.Collections.nCopies(body.path("elements").size(), "{\"status\":201}")) + "]}";
                } else {
                    return new MockResponse.Builder().code(404).build();
                }
                received.computeIfAbsent(platform, p -> new CopyOnWriteArrayList<>()).add(body);
                headers.put(platform, request.getHeaders());
                return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(answer).build();
            }
        });
        platforms.start();
        String base = platforms.url("/").toString().replaceAll("/$", "");
        Path config = dir.resolve("platforms.yaml");
        java.nio.file.Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                sluice:
                  store: {kind: sqlite}
                  crypto: {active-key: k1, keys: {k1: env:TEST_DATA_KEY}}
                  tenants:
                    - id: acme
                      api-key-hashes: ["sha256:95494c18b71960c764cfdd002ea26e2e1ef466e32311c871bf8d77320987f19f"]
                      default-region: US
                      destinations:
                        - {id: meta, type: meta, settings: {pixel-id: "1234567890", access-token: env:TEST_META_TOKEN, api-version: v24.0, base-url: "%1$s", poll-interval: 20ms}}
                        - {id: tiktok, type: tiktok, settings: {pixel-code: CTESTPIXEL0123456789, access-token: env:TEST_TIKTOK_TOKEN, base-url: "%1$s", poll-interval: 20ms}}
                        - {id: pinterest, type: pinterest, settings: {ad-account-id: "549755885175", conversion-token: env:TEST_TIKTOK_TOKEN, base-url: "%1$s", poll-interval: 20ms}}
                        - {id: reddit, type: reddit, settings: {pixel-id: t2_abc123, access-token: env:TEST_TIKTOK_TOKEN, base-url: "%1$s", poll-interval: 20ms}}
                        - {id: snapchat, type: snapchat, settings: {pixel-id: "%2$s", access-token: env:TEST_TIKTOK_TOKEN, base-url: "%1$s", poll-interval: 20ms}}
                        - {id: linkedin, type: linkedin, settings: {conversion-rules: "Purchase=1234567", access-token: env:TEST_TIKTOK_TOKEN, base-url: "%1$s", poll-interval: 20ms}}
                        - {id: ga4, type: ga4, settings: {measurement-id: G-TEST1234, api-secret: env:TEST_TIKTOK_TOKEN, base-url: "%1$s", poll-interval: 20ms}}
                """.formatted(base, SNAP_PIXEL));
        sluice = TestGateway.start(config, dir.resolve("data"), InstantSource.system(), Map.of());
    }

    @AfterEach
    void stop() {
        sluice.close();
        platforms.close();
    }

    @Test
    void eachPlatformReceivesTheEventInItsOwnShape_andGpcBecomesItsLimitedDataUseMode() throws Exception {
        HttpResponse<String> posted = sluice.postEvents(TestGateway.ACME_KEY,
                "{\"events\":[" + event("consented", false) + "," + event("opted-out", true) + "]}");
        assertEquals(202, posted.statusCode(), posted.body());

        await(() -> count("meta") == 2 && count("tiktok") == 2 && count("pinterest") == 2 && count("reddit") == 2 && count("snapchat") == 2
                && count("linkedin") == 1 && count("ga4") == 2);

        JsonNode meta = byId(events("meta", "data"), "event_id");
        assertEquals(EMAIL_HASH, meta.path("consented").path("user_data").path("em").get(0).asText());
        assertFalse(meta.path("consented").has("data_processing_options"));
        assertEquals("LDU", meta.path("opted-out").path("data_processing_options").get(0).asText());
        assertEquals(1, meta.path("opted-out").path("data_processing_options_country").asInt(), "USA");
        assertEquals(1000, meta.path("opted-out").path("data_processing_options_state").asInt(), "California");

        JsonNode tiktok = byId(events("tiktok", "data"), "event_id");
        assertEquals("Purchase", tiktok.path("consented").path("event").asText());
        assertEquals(EMAIL_HASH, tiktok.path("consented").path("user").path("email").asText());
        assertEquals("E.C.P.tt-click", tiktok.path("consented").path("user").path("ttclid").asText());
        assertEquals("tt-browser-id", tiktok.path("consented").path("user").path("ttp").asText());
        assertTrue(tiktok.path("consented").path("limited_data_use").isMissingNode()
                || !tiktok.path("consented").path("limited_data_use").asBoolean());
        assertTrue(tiktok.path("opted-out").path("limited_data_use").asBoolean(), "GPC in California: limited data use");
        assertEquals(TestGateway.TIKTOK_TOKEN, headers.get("tiktok").get("Access-Token"));

        JsonNode pinterest = byId(events("pinterest", "data"), "event_id");
        assertEquals("checkout", pinterest.path("consented").path("event_name").asText());
        assertEquals(EMAIL_HASH, pinterest.path("consented").path("user_data").path("em").get(0).asText());
        assertEquals("pin-click", pinterest.path("consented").path("user_data").path("click_id").asText());
        assertEquals("LDP", pinterest.path("opted-out").path("custom_data").path("opt_out_type").asText());
        assertFalse(pinterest.path("consented").path("custom_data").has("opt_out_type"));

        JsonNode reddit = byId(events("reddit", "data.events"), "metadata.conversion_id");
        assertEquals("PURCHASE", reddit.path("consented").path("type").path("tracking_type").asText());
        assertEquals("rdt-click", reddit.path("consented").path("click_id").asText());
        assertEquals("LDU", reddit.path("opted-out").path("user").path("data_processing_options").path("modes").get(0).asText());
        assertFalse(reddit.path("consented").path("user").has("data_processing_options"));

        JsonNode snapchat = byId(events("snapchat", "data"), "event_id");
        assertEquals("PURCHASE", snapchat.path("consented").path("event_name").asText());
        assertEquals("snap-click", snapchat.path("consented").path("user_data").path("sc_click_id").asText());
        assertEquals("snap-browser-id", snapchat.path("consented").path("user_data").path("sc_cookie1").asText());
        assertTrue(snapchat.path("opted-out").has("data_processing_options"), snapchat.path("opted-out").toString());
        assertFalse(snapchat.path("consented").has("data_processing_options"));

        List<JsonNode> linkedin = events("linkedin", "elements");
        assertEquals(1, linkedin.size(), "LinkedIn has no limited mode: the GPC event is not sent there");
        assertEquals("consented", linkedin.getFirst().path("eventId").asText());
        assertEquals("urn:lla:llaPartnerConversion:1234567", linkedin.getFirst().path("conversion").asText());
        assertTrue(linkedin.getFirst().path("user").toString().contains(EMAIL_HASH));
        assertTrue(linkedin.getFirst().path("user").toString().contains("li-click"));

        Map<String, JsonNode> ga4 = new HashMap<>();
        received.get("ga4").forEach(body -> ga4.put(body.path("events").get(0).path("params").path("transaction_id").asText(), body));
        JsonNode consented = ga4.get("o-consented");
        assertEquals("purchase", consented.path("events").get(0).path("name").asText());
        assertEquals("1197596843.1673473985", consented.path("client_id").asText(), "the client id from the _ga cookie");
        assertEquals(EMAIL_HASH, consented.path("user_data").path("sha256_email_address").get(0).asText());
        assertEquals("GRANTED", consented.path("consent").path("ad_user_data").asText());
        JsonNode optedOut = ga4.get("o-opted-out");
        assertEquals("DENIED", optedOut.path("consent").path("ad_user_data").asText(), "GPC: ads consent denied");
        assertFalse(optedOut.has("user_data"), "and no user data");

        for (String platform : List.of("meta", "tiktok", "pinterest", "reddit", "snapchat", "linkedin", "ga4")) {
            for (JsonNode body : received.get(platform)) {
                assertFalse(body.toString().contains("jane.doe"), platform + " received the email raw");
                assertFalse(body.toString().contains("5551212"), platform + " received the phone raw");
            }
        }
    }

    private static String event(String id, boolean gpc) {
        return """
                {"event_id":"%s","event_name":"Purchase","event_time":%d,"action_source":"website",
                 "event_source_url":"https://shop.example/checkout",
                 "user":{"email":"Jane.Doe@Example.com","phone":"+1 (650) 555-1212","country":"US","state":"CA",
                         "client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (test)",
                         "click_ids":{"ttclid":"E.C.P.tt-click","ttp":"tt-browser-id","epik":"pin-click","rdt_cid":"rdt-click",
                                      "ScCid":"snap-click","_scid":"snap-browser-id","li_fat_id":"li-click",
                                      "_ga":"GA1.1.1197596843.1673473985"}},
                 "custom":{"value":"129.90","currency":"EUR","order_id":"o-%s"},
                 "consent":{"ad_user_data":"granted","ad_personalization":"granted","gpc":%b}}
                """.formatted(id, Instant.now().getEpochSecond() - 60, id, gpc);
    }

    private int count(String platform) {
        return events(platform, switch (platform) {
            case "reddit" -> "data.events";
            case "linkedin" -> "elements";
            case "ga4" -> "events";
            default -> "data";
        }).size();
    }

    private List<JsonNode> events(String platform, String arrayPath) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode body : received.getOrDefault(platform, List.of())) {
            JsonNode array = body;
            for (String part : arrayPath.split("\\.")) {
                array = array.path(part);
            }
            array.forEach(out::add);
        }
        return out;
    }

    /** The events keyed by their id at {@code idPath}, as one object for path lookups. */
    private static JsonNode byId(List<JsonNode> events, String idPath) {
        var out = JSON.createObjectNode();
        for (JsonNode e : events) {
            JsonNode id = e;
            for (String part : idPath.split("\\.")) {
                id = id.path(part);
            }
            out.set(id.asText(), e);
        }
        return out;
    }

    private static JsonNode read(RecordedRequest request) {
        try {
            return JSON.readTree(request.getBody().toByteArray());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not delivered in time; received: " + receivedCounts());
            }
            Thread.sleep(20);
        }
    }

    private Map<String, Integer> receivedCounts() {
        Map<String, Integer> counts = new HashMap<>();
        received.forEach((platform, bodies) -> counts.put(platform, bodies.size()));
        return counts;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
