package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.delivery.StoredCopies;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.PayloadAad;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.privacy.SealedDataException;
import dev.sluice.store.OutboxRow;
import dev.sluice.store.StoredPayload;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on a free port over SQLite: ingest as a merchant backend sees it. */
class GatewayEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** SHA-256 of "jane.doe@example.com", Meta's normalization of the test email. */
    private static final String META_EMAIL_HASH = sha256("jane.doe@example.com");

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
    void acceptedEventIsCommittedWithOneSealedOutboxRowPerDestination() throws Exception {
        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-1"));

        assertEquals(202, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals(1, body.get("accepted").asInt());
        JsonNode result = body.get("results").get(0);
        assertEquals("accepted", result.get("status").asText());
        assertEquals("order-1", result.get("event_id").asText());
        assertEquals(List.of("meta", "google", "warehouse"),
                JSON.convertValue(result.get("destinations"), List.class));

        assertEquals(1, sluice.gateway().store().countEvents("acme"));
        List<OutboxRow> rows = sluice.gateway().store().outbox("acme", 10);
        assertEquals(3, rows.size());
        // The gateway delivers meta and warehouse from the delivery log (one row per event, claim
        // ids below zero); google has no connector and keeps an outbox row.
        assertEquals(Map.of("google", true, "meta", false, "warehouse", false), rows.stream()
                .collect(java.util.stream.Collectors.toMap(OutboxRow::destinationId, r -> r.id() > 0)));
        DataKeyring keyring = DataKeyring.of(Map.of("k1", Base64.getDecoder().decode(TestGateway.DATA_KEY)), "k1");
        for (OutboxRow row : rows) {
            assertEquals("pending", row.state());
            assertEquals("k1", row.keyId());
            String sealedText = new String(row.payload(), StandardCharsets.ISO_8859_1);
            assertFalse(sealedText.contains(META_EMAIL_HASH), "payload must be stored encrypted");
            assertFalse(sealedText.contains("203.0.113.7"), "client IP must be stored encrypted");
        }
        OutboxRow meta = rows.stream().filter(r -> r.destinationId().equals("meta")).findFirst().orElseThrow();
        // The three copies hold the user object in full, so they share a part: the shared part
        // holds the client IP and user agent, each copy's own part its hashes.
        assertTrue(rows.stream().allMatch(r -> StoredPayload.isJoined(r.payload())), "copies share a part");
        JsonNode payload = PayloadFormat.version1(JSON.readTree(StoredCopies.open(keyring.forTenant("acme"), "acme",
                "meta", "Purchase", "order-1", meta.payload())));
        assertEquals(META_EMAIL_HASH, payload.at("/user/hashed/email").asText());
        assertEquals(sha256("16505551212"), payload.at("/user/hashed/phone").asText());
        assertEquals("129.90", payload.at("/custom/value").asText());
        assertEquals("203.0.113.7", payload.at("/user/client_ip").asText());
        OutboxRow google = rows.stream().filter(r -> r.destinationId().equals("google")).findFirst().orElseThrow();
        JsonNode googlePayload = PayloadFormat.version1(JSON.readTree(StoredCopies.open(keyring.forTenant("acme"),
                "acme", "google", "Purchase", "order-1", google.payload())));
        assertEquals(sha256("+16505551212"), googlePayload.at("/user/hashed/phone").asText(),
                "Google hashes the E.164 form with '+'");
    }

    @Test
    void aSharedPartOpensOnlyForItsEventAndAnOwnPartOnlyForItsDestination() throws Exception {
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.batch(Events.purchase("order-s1"),
                Events.purchase("order-s2"))).statusCode());
        List<OutboxRow> rows = sluice.gateway().store().outbox("acme", 10);
        DataKeyring keyring = DataKeyring.of(Map.of("k1", Base64.getDecoder().decode(TestGateway.DATA_KEY)), "k1");
        var crypto = keyring.forTenant("acme");
        OutboxRow meta1 = row(rows, "order-s1", "meta");
        OutboxRow meta2 = row(rows, "order-s2", "meta");
        OutboxRow warehouse1 = row(rows, "order-s1", "warehouse");
        StoredPayload.Parts parts1 = StoredPayload.parts(meta1.payload()).orElseThrow();
        StoredPayload.Parts parts2 = StoredPayload.parts(meta2.payload()).orElseThrow();

        // One shared part per event, the same in each of its copies.
        assertArrayEquals(parts1.shared(), StoredPayload.parts(warehouse1.payload()).orElseThrow().shared());
        assertTrue(StoredCopies.open(crypto, "acme", "meta", "Purchase", "order-s1", meta1.payload()).length > 0);
        assertThrows(SealedDataException.class, () -> crypto.open(parts1.shared(),
                PayloadAad.of("acme", "meta", "Purchase", "order-s1")), "the shared part is bound to no destination");
        assertThrows(SealedDataException.class, () -> StoredCopies.open(crypto, "acme", "warehouse", "Purchase",
                "order-s1", meta1.payload()), "meta's own part is bound to meta");
        assertThrows(SealedDataException.class, () -> StoredCopies.open(crypto, "acme", "meta", "Purchase", "order-s1",
                StoredPayload.join(parts2.shared(), parts1.own())), "another event's shared part");
        byte[] cut = java.util.Arrays.copyOf(meta1.payload(), 7);
        assertThrows(java.io.IOException.class, () -> StoredCopies.open(crypto, "acme", "meta", "Purchase", "order-s1", cut));
    }

    private static OutboxRow row(List<OutboxRow> rows, String eventId, String destinationId) {
        return rows.stream().filter(r -> r.eventId().equals(eventId) && r.destinationId().equals(destinationId))
                .findFirst().orElseThrow();
    }

    @Test
    void sameEventAgainIsDuplicateAndNotStoredTwice() throws Exception {
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-2")).statusCode());
        HttpResponse<String> again = sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-2"));

        assertEquals(202, again.statusCode());
        JsonNode result = JSON.readTree(again.body()).get("results").get(0);
        assertEquals("duplicate", result.get("status").asText());
        assertEquals(1, sluice.gateway().store().countEvents("acme"));
        assertEquals(3, sluice.gateway().store().outbox("acme", 10).size());
    }

    @Test
    void batchAnswersPerEventWithPointersIntoTheBatch() throws Exception {
        String bad = Events.purchase("order-bad", "not-an-email", "+1 650 555 1212");
        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY,
                Events.batch(Events.purchase("order-a"), Events.purchase("order-a"), bad));

        assertEquals(202, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals(1, body.get("accepted").asInt());
        assertEquals(1, body.get("duplicate").asInt());
        assertEquals(1, body.get("rejected").asInt());
        JsonNode rejected = body.get("results").get(2);
        assertEquals("rejected", rejected.get("status").asText());
        assertEquals("/events/2/user/email", rejected.at("/problems/0/pointer").asText());
        assertFalse(res.body().contains("not-an-email"), "problems never echo the value");
        assertEquals(1, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void allRejectedIs422ProblemNamingEachField() throws Exception {
        String body = "{\"events\":[{\"event_name\":\"Purchase\"},{\"event_id\":\"x\",\"event_name\":\"Purchase\","
                + "\"event_time\":\"2026-13-01\",\"action_source\":\"website\",\"event_source_url\":\"https://a.example/\"}]}";
        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, body);

        assertEquals(422, res.statusCode());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(res.body());
        assertEquals(422, problem.get("status").asInt());
        assertTrue(res.body().contains("\"/events/0/event_id\""), res.body());
        assertTrue(res.body().contains("\"/events/1/event_time\""), res.body());
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void badRequestsGetProblemsAndStoreNothing() {
        assertEquals(400, sluice.postEvents(TestGateway.ACME_KEY, "{\"events\": [").statusCode());
        assertEquals(400, sluice.postEvents(TestGateway.ACME_KEY, "[1,2,3]").statusCode());
        assertEquals(401, sluice.postEvents("wrong-key", Events.purchase("order-x")).statusCode());
        HttpResponse<String> noAuth = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("order-y"))).build());
        assertEquals(401, noAuth.statusCode());
        assertTrue(noAuth.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        HttpResponse<String> text = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("order-z"))).build());
        assertEquals(415, text.statusCode());
        String huge = "{\"events\":[" + "1,".repeat(600_000) + "1]}";
        assertEquals(413, sluice.postEvents(TestGateway.ACME_KEY, huge).statusCode());
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
    }

    /**
     * JSON is UTF-8 (RFC 8259) and Sluice reads every body as UTF-8, so a body declared in another
     * charset was read as what it is not: {@code Menlo Park, Zürich} sent as ISO-8859-1 was 400
     * "not valid JSON", and text in another charset that happens to be valid UTF-8 was accepted
     * and hashed as other characters. Such a body is 415 now; UTF-8, in any spelling, is read.
     */
    @Test
    void aBodyDeclaredInACharsetOtherThanUtf8_is415() {
        for (String type : List.of("application/json; charset=iso-8859-1", "application/json; charset=UTF-16",
                "application/json;charset=windows-1252", "application/json; charset=nonsense")) {
            HttpResponse<String> res = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                    .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("latin-" + type.length()))).build());
            assertEquals(415, res.statusCode(), type);
        }
        int n = 0;
        for (String type : List.of("application/json; charset=utf-8", "application/json;charset=UTF-8",
                "Application/JSON; Charset=\"utf-8\"", "application/json; charset=utf8")) {
            HttpResponse<String> res = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                    .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("utf8-" + n++))).build());
            assertEquals(202, res.statusCode(), type);
        }
        assertEquals(4, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void tenantsAreIsolatedAndSignedTenantNeedsAValidSignature() {
        String event = Events.purchase("shared-id");
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, event).statusCode());

        assertEquals(401, sluice.postEvents(TestGateway.GLOBEX_KEY, event).statusCode(), "unsigned");
        long now = Instant.now().getEpochSecond();
        assertEquals(401, signed(event, now - 3600, TestGateway.GLOBEX_SECRET).statusCode(), "stale timestamp");
        assertEquals(401, signed(event, now, "wrong-secret").statusCode(), "wrong secret");
        HttpResponse<String> ok = signed(event, now, TestGateway.GLOBEX_SECRET);
        assertEquals(202, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"accepted\""));
        assertTrue(ok.body().contains("\"tiktok\""));

        assertEquals(1, sluice.gateway().store().countEvents("acme"));
        assertEquals(1, sluice.gateway().store().countEvents("globex"));
        assertTrue(sluice.gateway().store().outbox("globex", 10).stream().allMatch(r -> r.tenantId().equals("globex")));
    }

    /**
     * A tenant that signs its requests signs its spend imports too: unsigned, or signed over
     * other bytes, nothing is imported (until session 39 both were imported). The signature is
     * checked before the rows are, so an unsigned caller learns nothing of them.
     */
    @Test
    void aSigningTenantsSpendImportsMustBeSigned() {
        String rows = "{\"rows\":[{\"date\":\"2026-11-02\",\"platform\":\"meta\",\"campaign_id\":\"c9\","
                + "\"spend\":\"999.00\",\"currency\":\"EUR\"}]}";
        long now = Instant.now().getEpochSecond();
        assertEquals(401, spend(rows, null).statusCode(), "unsigned");
        assertEquals(401, spend(rows, "t=" + now + ",v1=" + "ab".repeat(32)).statusCode(), "a signature of other bytes");
        String other = rows.replace("999.00", "1.00");
        assertEquals(401, spend(rows, signature(other, now, TestGateway.GLOBEX_SECRET)).statusCode(), "signed over another body");
        assertEquals(401, spend(rows, signature(rows, now - 3600, TestGateway.GLOBEX_SECRET)).statusCode(), "stale timestamp");
        HttpResponse<String> badRows = spend("{\"rows\":[{}]}", null);
        assertEquals(401, badRows.statusCode(), badRows.body());
        assertFalse(badRows.body().contains("/rows/"), badRows.body());

        HttpResponse<String> ok = spend(rows, signature(rows, now, TestGateway.GLOBEX_SECRET));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("{\"rows\":1,\"replaced\":0}", ok.body(), "nothing was imported before the signed request");
    }

    private HttpResponse<String> spend(String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sluice.uri("/v1/spend"))
                .header("Authorization", "Bearer " + TestGateway.GLOBEX_KEY)
                .header("Content-Type", "application/json");
        if (signature != null) {
            request.header("Sluice-Signature", signature);
        }
        return sluice.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String signature(String body, long timestamp, String secret) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestamp + "." + body));
    }

    @Test
    void destinationsSubsetIsHonouredAndUnknownOnesRejected() throws Exception {
        String onlyMeta = Events.purchase("order-s").replaceFirst("\\{", "{\"destinations\":[\"meta\"],");
        JsonNode ok = JSON.readTree(sluice.postEvents(TestGateway.ACME_KEY, onlyMeta).body());
        assertEquals(List.of("meta"), JSON.convertValue(ok.at("/results/0/destinations"), List.class));
        assertEquals(1, sluice.gateway().store().outbox("acme", 10).size());

        String unknown = Events.purchase("order-u").replaceFirst("\\{", "{\"destinations\":[\"nope\"],");
        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, unknown);
        assertEquals(422, res.statusCode());
        assertTrue(res.body().contains("\"/destinations/0\""), res.body());
        assertTrue(res.body().contains("unknown_destination"));
    }

    @Test
    void healthAndMetricsAreServed() {
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-m"));
        assertEquals(200, sluice.get("/health/live").statusCode());
        HttpResponse<String> ready = sluice.get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().contains("UP"));
        HttpResponse<String> metrics = sluice.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("sluice_events_total{outcome=\"accepted\",reason=\"none\",tenant=\"acme\"} 1.0"),
                metrics.body());
        assertTrue(metrics.body().contains("sluice_http_ingest_latency_seconds_bucket"));
        assertTrue(metrics.body().contains("sluice_store_commit_duration_seconds_bucket{store=\"sqlite\",le=\"0.01\"}"),
                metrics.body());
        assertEquals(404, sluice.get("/nope").statusCode());
        assertEquals(405, sluice.get("/v1/events").statusCode());
    }

    /** HTTP/1.0 (what some load balancers' health checks still send) is refused saying what is served. */
    @Test
    void http10_is505NamingHttp11() throws Exception {
        URI uri = sluice.uri("/");
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /health/live HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertTrue(answer.startsWith("HTTP/1.1 505 "), answer);
            assertTrue(answer.contains("\"detail\":\"send HTTP/1.1 (this server does not serve HTTP/1.0 or HTTP/2)\""), answer);
        }
    }

    @Test
    void aQueryParameterOnIngest_isRefusedAndNothingIsAccepted() throws Exception {
        HttpResponse<String> res = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events?dry_run=true"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("q-1"))).build());

        assertEquals(400, res.statusCode());
        JsonNode problem = JSON.readTree(res.body());
        assertEquals("urn:sluice:problem:bad-query", problem.path("type").asText());
        assertEquals("dry_run", problem.at("/errors/0/pointer").asText());
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void aMethodAnEndpointDoesNotTake_is405NamingTheOnesItDoes_andAnUnknownPathIs404() throws Exception {
        Map<String, String> allowed = Map.of(
                "/v1/events", "POST",
                "/v1/audit/consent", "GET",
                "/v1/admin/dead-letters/replay", "POST",
                "/v1/admin/destinations", "GET",
                "/v1/spend", "POST",
                "/health/live", "GET, HEAD",
                "/metrics", "GET, HEAD");
        for (var route : allowed.entrySet()) {
            String other = route.getValue().equals("GET") ? "HEAD" : route.getValue().startsWith("POST") ? "DELETE" : "PATCH";
            HttpResponse<String> res = sluice.send(HttpRequest.newBuilder(sluice.uri(route.getKey()))
                    .method(other, HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(405, res.statusCode(), route.getKey());
            assertEquals(route.getValue(), res.headers().firstValue("Allow").orElse(null), route.getKey());
            if (!other.equals("HEAD")) {
                assertEquals("urn:sluice:problem:method-not-allowed", JSON.readTree(res.body()).path("type").asText());
            }
        }
        HttpResponse<String> unknown = sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/admin/nope"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.headers().firstValue("Allow").isEmpty());
    }

    /**
     * HEAD on a probe or the metrics: the status and headers of GET, its length declared, and no
     * body, which a client on the same connection would otherwise read as the next answer's start.
     */
    @Test
    void headIsAnsweredOnTheProbesAndMetrics_withoutABody() throws Exception {
        URI uri = sluice.uri("/");
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            var in = socket.getInputStream();
            var out = socket.getOutputStream();
            // Each answer is read up to its blank line only: a body sent after a HEAD answer
            // would be read as the start of the next answer's head.
            out.write(request("HEAD", "/health/ready", uri));
            String ready = answerHead(in);
            out.write(request("HEAD", "/metrics", uri));
            String metrics = answerHead(in);
            out.write(request("HEAD", "/v1/admin/nope", uri));
            String unknown = answerHead(in);
            out.write(request("GET", "/health/live", uri));
            String live = answerHead(in);

            assertTrue(ready.startsWith("HTTP/1.1 200 "), ready);
            assertTrue(ready.toLowerCase(java.util.Locale.ROOT).contains("content-length: 15\r\n"), ready);
            assertTrue(metrics.startsWith("HTTP/1.1 200 ") && metrics.contains("text/plain"), metrics);
            assertTrue(unknown.startsWith("HTTP/1.1 404 "), unknown);
            assertTrue(live.startsWith("HTTP/1.1 200 "), live);
            assertEquals("{\"status\":\"UP\"}", new String(in.readNBytes(15), StandardCharsets.UTF_8));
        }
    }

    private static byte[] request(String method, String path, URI uri) {
        return (method + " " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** An answer's status line and headers, read up to the blank line that ends them. */
    private static String answerHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void duplicatesAreRecognisedAcrossRestarts() throws Exception {
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-r")).statusCode());
        sluice.close();
        sluice = TestGateway.start(dir);

        HttpResponse<String> again = sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-r"));
        assertEquals("duplicate", JSON.readTree(again.body()).at("/results/0/status").asText());
        assertEquals(1, sluice.gateway().store().countEvents("acme"));
    }

    /**
     * meta removed (here renamed, which removes the old id): at the restart its copy moves from the
     * delivery log to the outbox, where nothing delivers it. Since session 40 the scheduled purge
     * deletes it once its commit is older than retention.dead-letters (the clock runs 40 days
     * ahead), audited naming meta; the destinations view stops listing it and the chain verifies.
     * The copy for google (type google_ads, which has no connector) goes the same way: nothing of
     * this version delivers it, and it was kept for good until session 40.
     */
    @Test
    void aRemovedDestinationsCopiesArePurgedByTheScheduledRetention() throws Exception {
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-removed")).statusCode());
        sluice.close();
        sluice = TestGateway.start(dir, java.time.InstantSource.offset(java.time.InstantSource.system(),
                java.time.Duration.ofDays(40)), Map.of("sluice.tenants.0.destinations.0.id", "meta-v2",
                "sluice.retention.dead-letters", "30d", "sluice.retention.interval", "50ms"));

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (sluice.gateway().store().outbox("acme", 10).stream().anyMatch(r -> !r.destinationId().equals("warehouse"))) {
            assertTrue(System.nanoTime() < deadline, "meta's or google's copy is still there after 15 s");
            Thread.sleep(20);
        }
        // google is google_ads, which has no connector: its copy goes too (since session 40), the
        // webhook's stays.
        assertEquals(List.of("warehouse"), sluice.gateway().store().outbox("acme", 10).stream()
                .map(OutboxRow::destinationId).sorted().toList(), "the delivered destinations' copies stay");
        JsonNode view = JSON.readTree(admin("/v1/admin/destinations").body());
        assertFalse(view.toString().contains("\"configured\":false"), view.toString());
        // This gateway runs without delivery: the view says so (until session 40 nothing did).
        assertFalse(view.path("delivery_enabled").asBoolean(true), view.toString());
        JsonNode records = JSON.readTree(admin("/v1/audit/consent?kind=retention").body()).get("records");
        assertEquals(1, records.size(), records.toString());
        assertEquals("[\"google\",\"meta\"]", records.at("/0/record/undeliverable_destinations").toString());
        assertEquals(2, records.at("/0/record/purged/undeliverable_pending").asLong(), records.toString());
        assertTrue(JSON.readTree(admin("/v1/audit/verify").body()).get("ok").asBoolean());
    }

    /**
     * globex removed from the configuration as a whole: its rows are still subject to retention. At
     * the restart its delivery log copy moves to the outbox; the scheduled purge (the clock 40 days
     * ahead) deletes the copy, the events row and its subject keys, and records that in globex's own
     * chain. Until this, a removed tenant's rows (sealed client IPs and user agents among them) were
     * kept for good. acme's copies to its delivered destinations stay.
     */
    @Test
    void aTenantRemovedAsAWhole_isPurgedByTheSameRetention(@TempDir Path conf) throws Exception {
        String event = Events.purchase("order-gone");
        HttpResponse<String> ok = signed(event, Instant.now().getEpochSecond(), TestGateway.GLOBEX_SECRET);
        assertEquals(202, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"tiktok\""), ok.body());
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-kept")).statusCode());
        sluice.close();
        String full = java.nio.file.Files.readString(Path.of("src/test/resources/test-application.yaml"));
        Path acmeOnly = conf.resolve("acme-only.yaml");
        java.nio.file.Files.writeString(acmeOnly, full.substring(0, full.indexOf("    - id: globex")));
        sluice = TestGateway.start(acmeOnly, dir, java.time.InstantSource.offset(java.time.InstantSource.system(),
                java.time.Duration.ofDays(40)), Map.of("sluice.retention.dead-letters", "30d",
                "sluice.retention.events", "30d", "sluice.retention.interval", "50ms"));

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        String record = "";
        // The purge deletes in its own transactions and then appends its record: wait for both
        // (reading the record as soon as the rows were gone failed about one run in four).
        while (!sluice.gateway().store().outbox("globex", 10).isEmpty() || sluice.gateway().store().countEvents("globex") > 0
                || record.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "globex's copy, events row or retention record after 15 s: " + record);
            Thread.sleep(20);
            record = sluice.gateway().store().sql().read(c -> {
                try (var ps = c.prepareStatement("SELECT body FROM audit_records WHERE tenant_id = 'globex' AND kind = 'retention'");
                     var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : "";
                }
            });
        }
        assertTrue(record.contains("\"undeliverable_destinations\":[\"tiktok\"]"), record);
        assertTrue(record.contains("\"undeliverable_pending\":1"), record);
        // google is google_ads, which has no connector: its copy goes, as in the test above.
        assertEquals(List.of("meta", "warehouse"), sluice.gateway().store().outbox("acme", 10).stream()
                .map(OutboxRow::destinationId).sorted().toList(), "acme's delivered destinations' copies stay");
    }

    private HttpResponse<String> admin(String path) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path))
                .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY).GET().build());
    }

    @Test
    void storeFailureIsA503AndNothingIsAcknowledged() throws Exception {
        sluice.gateway().store().close();

        HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("order-down"));

        assertEquals(503, res.statusCode(), res.body());
        assertEquals("urn:sluice:problem:store-unavailable", JSON.readTree(res.body()).get("type").asText());
        assertTrue(res.headers().firstValue("Retry-After").isPresent());
        assertEquals(503, sluice.get("/health/ready").statusCode());
        // Received and unanswered, in the events' own count (only the store's error count had them).
        String metrics = sluice.get("/metrics").body();
        assertTrue(metrics.contains("sluice_events_total{outcome=\"unavailable\",reason=\"store_error\",tenant=\"acme\"} 1.0"), metrics);
        assertTrue(metrics.contains("sluice_events_total{outcome=\"received\",reason=\"none\",tenant=\"acme\"} 1.0"), metrics);
    }

    private HttpResponse<String> signed(String body, long timestamp, String secret) {
        byte[] mac = hmac(secret, timestamp + "." + body);
        return sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.GLOBEX_KEY)
                .header("Content-Type", "application/json")
                .header("Sluice-Signature", "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static byte[] hmac(String secret, String message) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
