package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.consent.Decision;
import dev.sluice.event.ActionSource;
import dev.sluice.event.EventNames;
import dev.sluice.event.ProblemCode;
import dev.sluice.ingest.EventResult;
import dev.sluice.testing.Events;
import dev.sluice.testing.OpenApiSpec;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/openapi.yaml} against the real gateway: its request examples are valid by its own
 * schemas and accepted, every answer of {@code POST /v1/events} and the probes matches the schema
 * the file gives for its status, and its lists are the code's. A field, code or answer member
 * added to one and not the other fails here.
 */
class OpenApiContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiSpec SPEC = OpenApiSpec.load();
    private static final String EVENTS = "/v1/events";
    private static final int MAX_BODY_BYTES = 8192;

    @TempDir
    Path dir;
    private TestGateway sluice;
    private final Set<Integer> seen = new TreeSet<>();

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    @Test
    void theRequestExamplesAreValidByTheSchemaAndAccepted() throws IOException {
        start(Map.of());
        Map<String, JsonNode> examples = SPEC.requestExamples(EVENTS, "post");
        assertEquals(Set.of("single", "batch"), examples.keySet());
        for (Map.Entry<String, JsonNode> example : examples.entrySet()) {
            assertEquals(List.of(), SPEC.problemsAgainst(SPEC.requestSchema(EVENTS, "post"), example.getValue()),
                    example.getKey());
            HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, recent(example.getValue()).toString());
            assertAnswer(EVENTS, "post", res, 202);
            JsonNode results = JSON.readTree(res.body()).get("results");
            results.forEach(r -> assertEquals("accepted", r.get("status").asText(), example.getKey() + ": " + res.body()));
            results.forEach(r -> assertFalse(r.has("warnings"), example.getKey() + ": " + res.body()));
        }
    }

    @Test
    void theSchemaRefusesWhatTheGatewayRejects() {
        JsonNode request = SPEC.requestSchema(EVENTS, "post");
        ObjectNode event = (ObjectNode) recent(SPEC.requestExamples(EVENTS, "post").get("single"));
        assertEquals(List.of(), SPEC.problemsAgainst(request, event));
        for (String field : List.of("event_id", "event_name", "event_time", "action_source", "event_source_url")) {
            ObjectNode without = event.deepCopy();
            without.remove(field);
            assertFalse(SPEC.problemsAgainst(request, without).isEmpty(), "without " + field);
        }
        ObjectNode app = event.deepCopy().put("action_source", "app");
        app.remove("event_source_url");
        assertEquals(List.of(), SPEC.problemsAgainst(request, app), "an app event needs no URL");
        for (Map.Entry<String, String> wrong : Map.of("/action_source", "\"web\"", "/event_name", "\"9lives\"",
                "/event_time", "\"yesterday\"", "/custom/value", "\"12,50\"", "/consent/ad_user_data", "\"yes\"",
                "/custom/num_items", "-1", "/destinations", "[]", "/consent/jurisdiction", "\"de\"").entrySet()) {
            ObjectNode changed = event.deepCopy();
            set(changed, wrong.getKey(), wrong.getValue());
            assertFalse(SPEC.problemsAgainst(request, changed).isEmpty(), wrong.getKey() + " = " + wrong.getValue());
        }
        ObjectNode batch = JSON.createObjectNode();
        batch.putArray("events");
        assertFalse(SPEC.problemsAgainst(request, batch).isEmpty(), "an empty batch");
    }

    @Test
    void everyAnswerOfTheIngestEndpointMatchesTheSchemaOfItsStatus() {
        start(Map.of("sluice.ingest.max-body-bytes", Integer.toString(MAX_BODY_BYTES)));
        assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("oa-1")), 202);
        String unknownField = Events.purchase("oa-2").replaceFirst("\\{", "{\"colour\":\"red\",");
        String rejected = "{\"event_id\":\"oa-3\",\"event_name\":\"Purchase\",\"event_time\":\"yesterday\",\"action_source\":\"website\"}";
        assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.ACME_KEY,
                Events.batch(Events.purchase("oa-1"), unknownField, rejected)), 202);
        assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.ACME_KEY, Events.batch(rejected, "[]")), 422);
        for (String malformed : List.of("{\"event_id\":", "{\"event_id\":\"a\",\"event_id\":\"b\"}", "{\"events\":[]}", "[1]")) {
            assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.ACME_KEY, malformed), 400);
        }
        assertAnswer(EVENTS, "post", sluice.postEvents("slk_wrong", Events.purchase("oa-4")), 401);
        assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.GLOBEX_KEY, Events.purchase("oa-5")), 401);
        assertAnswer(EVENTS, "post", sluice.send(post().POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 401);
        assertAnswer(EVENTS, "post", sluice.send(HttpRequest.newBuilder(sluice.uri(EVENTS)).GET().build()), 405);
        assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.ACME_KEY,
                Events.purchase("x".repeat(MAX_BODY_BYTES))), 413);
        assertAnswer(EVENTS, "post", sluice.send(authorized().header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("oa-6"))).build()), 415);
        assertAnswer(EVENTS, "post", sluice.send(authorized().header("Content-Type", "application/json")
                .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofString(Events.purchase("oa-7"))).build()), 415);
        assertAnswer(EVENTS, "post", sluice.send(authorized().header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString(Events.purchase("oa-8"))).build()), 400);
        assertAnswer(EVENTS, "post", sluice.send(authorized().header("Content-Type", "application/json")
                .uri(sluice.uri(EVENTS + "?" + "q".repeat(40_000)))
                .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("oa-10"))).build()), 414);
        assertAnswer("/health/live", "get", sluice.get("/health/live"), 200);
        assertAnswer("/health/ready", "get", sluice.get("/health/ready"), 200);
        assertAnswer("/metrics", "get", sluice.get("/metrics"), 200);

        // A database file deleted under the gateway: every commit is refused and readiness goes down.
        deleteDatabase();
        assertAnswer(EVENTS, "post", sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("oa-9")), 503);
        assertAnswer("/health/ready", "get", sluice.get("/health/ready"), 503);

        Set<Integer> documented = new TreeSet<>(SPEC.statuses(EVENTS, "post"));
        documented.removeAll(Set.of(408, 429)); // a body that stalls (TransportProblemsTest), a rate limit (below)
        assertTrue(seen.containsAll(documented), "documented " + documented + ", seen " + seen);
    }

    @Test
    void aRateLimitedAnswerMatchesItsSchema() {
        start(Map.of("sluice.tenants.0.rate-limit-per-second", "1"));
        for (int i = 0; i < 10 && !seen.contains(429); i++) {
            HttpResponse<String> res = sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("rl-" + i));
            if (res.statusCode() == 429) {
                assertAnswer(EVENTS, "post", res, 429);
            }
        }
        assertTrue(seen.contains(429), "one request a second: ten in a row meet the limit");
    }

    @Test
    void theAdminAnswersMatchTheSchemasOfTheirStatuses() throws Exception {
        try (FakePlatforms platforms = new FakePlatforms()) {
            platforms.poisonId = "oa-poison";
            start(Map.of("sluice.delivery.enabled", "true",
                    "sluice.tenants.0.destinations.0.settings.base-url", platforms.metaBase(),
                    "sluice.tenants.0.destinations.0.settings.poll-interval", "20ms",
                    "sluice.tenants.0.destinations.2.settings.url", platforms.hookUrl(),
                    "sluice.tenants.0.destinations.2.settings.poll-interval", "20ms"));
            assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY,
                    Events.batch(Events.purchase("oa-delivered"), Events.purchase("oa-poison"))).statusCode());
            String deadLetters = "/v1/admin/dead-letters";
            HttpResponse<String> page = admin(deadLetters, TestGateway.ACME_ADMIN_KEY);
            for (long deadline = System.nanoTime() + 15_000_000_000L; JSON.readTree(page.body()).path("dead_letters").isEmpty(); ) {
                assertTrue(System.nanoTime() < deadline, "no dead letter after 15 s: " + page.body());
                Thread.sleep(20);
                page = admin(deadLetters, TestGateway.ACME_ADMIN_KEY);
            }
            assertAnswer(deadLetters, "get", page, 200);
            long id = JSON.readTree(page.body()).at("/dead_letters/0/id").asLong();
            HttpResponse<String> elsewhere = admin(deadLetters + "?destination=nowhere", TestGateway.ACME_ADMIN_KEY);
            assertAnswer(deadLetters, "get", elsewhere, 200);
            assertTrue(elsewhere.headers().firstValue("Sluice-Warning").isPresent() && elsewhere.body().contains("\"warnings\""),
                    elsewhere.body());
            assertAnswer(deadLetters, "get", admin(deadLetters + "?limit=abc&after=-1", TestGateway.ACME_ADMIN_KEY), 400);
            assertAnswer(deadLetters, "get", admin(deadLetters, TestGateway.ACME_KEY), 401);

            String destinations = "/v1/admin/destinations";
            HttpResponse<String> view = admin(destinations, TestGateway.ACME_ADMIN_KEY);
            assertAnswer(destinations, "get", view, 200);
            assertTrue(view.body().contains("\"circuit\"") && view.body().contains("\"last_error\"")
                    && view.body().contains("\"last_delivery_at\""), view.body());
            assertAnswer(destinations, "get", admin(destinations + "?destination=meta", TestGateway.ACME_ADMIN_KEY), 400);
            assertAnswer(destinations, "get", admin(destinations, "slk_wrong"), 401);

            String replay = "/v1/admin/dead-letters/replay";
            HttpResponse<String> replayed = replay("{\"ids\":[" + id + ",999999]}", "application/json", TestGateway.ACME_ADMIN_KEY);
            assertAnswer(replay, "post", replayed, 200);
            assertEquals("{\"replayed\":1,\"not_replayed\":[{\"id\":999999,\"code\":\"not_a_dead_letter\"}]}", replayed.body());
            for (String wrong : List.of("{}", "{\"ids\":[]}", "{\"destination\":\"nowhere\"}", "{\"ids\":[1.5]}", "{\"destinaton\":\"meta\"}")) {
                assertAnswer(replay, "post", replay(wrong, "application/json", TestGateway.ACME_ADMIN_KEY), 400);
            }
            assertAnswer(replay, "post", replay("{\"ids\":[1]}", "text/plain", TestGateway.ACME_ADMIN_KEY), 415);
            assertAnswer(replay, "post", replay("{\"reason\":\"" + "x".repeat(300_000) + "\"}", "application/json",
                    TestGateway.ACME_ADMIN_KEY), 413);
            assertAnswer(replay, "post", replay("{\"ids\":[1]}", "application/json", TestGateway.ACME_KEY), 401);
            for (String request : SPEC.requestExamples(replay, "post").keySet()) {
                assertEquals(List.of(), SPEC.problemsAgainst(SPEC.requestSchema(replay, "post"),
                        SPEC.requestExamples(replay, "post").get(request)), request);
            }
            assertTrue(seen.containsAll(SPEC.statuses(replay, "post")), "seen " + seen);
        }
    }

    @Test
    void theAuditAndErasureAnswersMatchTheSchemasOfTheirStatuses() throws Exception {
        start(Map.of());
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.batch(Events.purchase("oa-a1"), Events.purchase("oa-a2"))).statusCode());
        String records = "/v1/audit/consent";
        HttpResponse<String> page = admin(records + "?limit=1", TestGateway.ACME_ADMIN_KEY);
        assertAnswer(records, "get", page, 200);
        assertTrue(JSON.readTree(page.body()).has("next"), page.body());
        HttpResponse<String> elsewhere = admin(records + "?destination=nowhere", TestGateway.ACME_ADMIN_KEY);
        assertAnswer(records, "get", elsewhere, 200);
        assertTrue(elsewhere.body().contains("\"warnings\""), elsewhere.body());
        assertAnswer(records, "get", admin(records + "?kind=decision&decision=ALLOW", TestGateway.ACME_ADMIN_KEY), 200);
        for (String format : List.of("jsonl", "csv")) {
            assertAnswer(records, "get", admin(records + "?format=" + format, TestGateway.ACME_ADMIN_KEY), 200);
        }
        assertAnswer(records, "get", admin(records + "?decision=maybe&limit=0", TestGateway.ACME_ADMIN_KEY), 400);
        assertAnswer(records, "get", admin(records, TestGateway.ACME_KEY), 401);

        String verify = "/v1/audit/verify";
        assertAnswer(verify, "get", admin(verify, TestGateway.ACME_ADMIN_KEY), 200);
        assertAnswer(verify, "get", admin(verify + "?tenant=globex", TestGateway.ACME_ADMIN_KEY), 400);
        assertAnswer(verify, "get", admin(verify, TestGateway.GLOBEX_ADMIN_KEY + "x"), 401);

        String erasure = "/v1/privacy/erasure";
        for (Map.Entry<String, JsonNode> example : SPEC.requestExamples(erasure, "post").entrySet()) {
            assertEquals(List.of(), SPEC.problemsAgainst(SPEC.requestSchema(erasure, "post"), example.getValue()), example.getKey());
            assertAnswer(erasure, "post", erase(example.getValue().toString(), "application/json", TestGateway.ACME_ADMIN_KEY), 200);
        }
        for (String wrong : List.of("{}", "{\"phnoe\":\"+1 650 555 1212\"}", "{\"email\":7}", "[]")) {
            assertAnswer(erasure, "post", erase(wrong, "application/json", TestGateway.ACME_ADMIN_KEY), 400);
            assertFalse(SPEC.problemsAgainst(SPEC.requestSchema(erasure, "post"), JSON.readTree(wrong)).isEmpty(), wrong);
        }
        assertAnswer(erasure, "post", erase("{\"email\":\"no-at-sign\",\"external_id\":\"cust-42\"}", "application/json",
                TestGateway.ACME_ADMIN_KEY), 422);
        assertAnswer(erasure, "post", erase("{\"email\":\"no-at-sign\"}", "application/json", TestGateway.ACME_ADMIN_KEY), 422);
        assertAnswer(erasure, "post", erase("{\"email\":\"a@b.example\"}", "text/plain", TestGateway.ACME_ADMIN_KEY), 415);
        assertAnswer(erasure, "post", erase("{\"email\":\"" + "a".repeat(20_000) + "@b.example\"}", "application/json",
                TestGateway.ACME_ADMIN_KEY), 413);
        assertAnswer(erasure, "post", erase("{\"email\":\"a@b.example\"}", "application/json", TestGateway.ACME_KEY), 401);
        assertTrue(seen.containsAll(SPEC.statuses(erasure, "post")), "seen " + seen);
    }

    @Test
    void theLedgerAnswersMatchTheSchemasOfTheirStatuses() throws Exception {
        start(Map.of());
        String spend = "/v1/spend";
        for (Map.Entry<String, JsonNode> example : SPEC.requestExamples(spend, "post").entrySet()) {
            assertEquals(List.of(), SPEC.problemsAgainst(SPEC.requestSchema(spend, "post"), example.getValue()), example.getKey());
            assertAnswer(spend, "post", importSpend("", example.getValue().toString(), "application/json", TestGateway.ACME_KEY), 200);
        }
        String csv = "date,platform,campaign_id,campaign_name,spend,currency,clicks,impressions\n"
                + "2026-11-03,meta,c1,BF,35.50,EUR,90,9000\n2026-11-03,google_ads,g7,Search,12.00,USD,40,800\n";
        assertAnswer(spend, "post", importSpend("", csv, "text/csv", TestGateway.ACME_KEY), 200);
        assertAnswer(spend, "post", importSpend("", "{\"rows\":[],\"colour\":1}", "application/json", TestGateway.ACME_KEY), 400);
        assertAnswer(spend, "post", importSpend("?layout=meta", "{\"rows\":[]}", "application/json", TestGateway.ACME_KEY), 400);
        String badRow = "{\"rows\":[{\"date\":\"2026-11-31\",\"platform\":\"Meta!\",\"campaign_id\":\"c1\",\"spend\":\"12,50\",\"currency\":\"EUR\"}]}";
        assertAnswer(spend, "post", importSpend("", badRow, "application/json", TestGateway.ACME_KEY), 422);
        assertFalse(SPEC.problemsAgainst(SPEC.requestSchema(spend, "post"), JSON.readTree(badRow)).isEmpty());
        assertAnswer(spend, "post", importSpend("", csv, "text/plain", TestGateway.ACME_KEY), 415);
        assertAnswer(spend, "post", importSpend("", csv, "text/csv", TestGateway.ACME_ADMIN_KEY), 401);

        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("oa-l1")).statusCode());
        String kpis = "/v1/reports/kpis";
        for (String groupBy : List.of("platform", "campaign", "day")) {
            HttpResponse<String> report = admin(kpis + "?from=2026-11-01&to=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                    + "&group_by=" + groupBy, TestGateway.ACME_ADMIN_KEY);
            assertAnswer(kpis, "get", report, 200);
            assertTrue(JSON.readTree(report.body()).path("rows").size() > 1, report.body());
        }
        assertAnswer(kpis, "get", admin(kpis + "?from=2026-11-01&to=2026-11-30&format=csv", TestGateway.ACME_ADMIN_KEY), 200);
        assertAnswer(kpis, "get", admin(kpis + "?from=yesterday&group_by=week", TestGateway.ACME_ADMIN_KEY), 400);
        assertAnswer(kpis, "get", admin(kpis + "?from=2026-11-01&to=2026-11-30", TestGateway.ACME_KEY), 401);
    }

    @Test
    void theListsAreTheCodes() {
        assertEquals(codes(Arrays.stream(ProblemCode.values()).map(ProblemCode::code)), SPEC.enumValues("ProblemCode", ""));
        assertEquals(codes(Arrays.stream(ActionSource.values()).map(ActionSource::wireName)),
                SPEC.enumValues("ActionSource", ""));
        assertEquals(codes(Arrays.stream(EventResult.Status.values()).map(EventResult.Status::wireName)),
                SPEC.enumValues("EventResult", "/properties/status"));
        assertEquals(codes(Arrays.stream(Decision.values()).map(d -> d.name().toLowerCase(Locale.ROOT))),
                SPEC.enumValues("ConsentDecision", "/properties/decision"));
        Set<String> standardNames = new TreeSet<>();
        SPEC.root().at("/components/schemas/Event/properties/event_name/examples").forEach(n -> standardNames.add(n.asText()));
        assertEquals(new TreeSet<>(EventNames.STANDARD), standardNames);
    }

    /** Sends nothing itself: checks an answer's status, media type and body against the file. */
    private void assertAnswer(String path, String method, HttpResponse<String> res, int status) {
        assertEquals(status, res.statusCode(), path + ": " + res.body());
        seen.add(status);
        String contentType = res.headers().firstValue("Content-Type").orElse("");
        String mediaType = SPEC.mediaTypes(path, method, status).stream().filter(contentType::startsWith).findFirst()
                .orElseThrow(() -> new AssertionError(path + " " + status + " answered " + contentType + ", documented "
                        + SPEC.mediaTypes(path, method, status)));
        SPEC.answerHeaders(path, method, status).forEach((name, header) -> {
            java.util.Optional<String> sent = res.headers().firstValue(name);
            if (header.path("required").asBoolean(false)) {
                assertTrue(sent.isPresent(), path + " " + status + " without " + name);
            }
            if (sent.isEmpty()) {
                return;
            }
            String value = sent.get();
            JsonNode schema = header.get("schema");
            JsonNode typed = schema.path("type").asText().equals("integer") && value.matches("[0-9]{1,18}")
                    ? JSON.getNodeFactory().numberNode(Long.parseLong(value)) : JSON.getNodeFactory().textNode(value);
            assertEquals(List.of(), SPEC.problemsAgainst(schema, typed), path + " " + status + " " + name + ": " + value);
        });
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(path + " " + status + " is not JSON: " + res.body(), e);
        }
        assertEquals(List.of(), SPEC.problemsAgainst(SPEC.answerSchema(path, method, status, mediaType), body),
                path + " " + status + ": " + res.body());
    }

    private HttpResponse<String> admin(String path, String key) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Bearer " + key).GET().build());
    }

    private HttpResponse<String> replay(String body, String contentType, String key) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/admin/dead-letters/replay"))
                .header("Authorization", "Bearer " + key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> erase(String body, String contentType, String key) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/privacy/erasure"))
                .header("Authorization", "Bearer " + key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> importSpend(String query, String body, String contentType, String key) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri("/v1/spend" + query))
                .header("Authorization", "Bearer " + key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private void start(Map<String, String> overrides) {
        sluice = TestGateway.start(dir, InstantSource.system(), overrides);
    }

    private HttpRequest.Builder post() {
        return HttpRequest.newBuilder(sluice.uri(EVENTS)).header("Content-Type", "application/json");
    }

    private HttpRequest.Builder authorized() {
        return HttpRequest.newBuilder(sluice.uri(EVENTS)).header("Authorization", "Bearer " + TestGateway.ACME_KEY);
    }

    private void deleteDatabase() {
        try {
            Files.delete(dir.resolve("sluice.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example with every event's time a minute ago (the examples' own times are past the 7-day age). */
    private static JsonNode recent(JsonNode example) {
        JsonNode copy = example.deepCopy();
        long now = System.currentTimeMillis() / 1000 - 60;
        if (copy.has("events")) {
            copy.get("events").forEach(e -> ((ObjectNode) e).put("event_time", now));
        } else {
            ((ObjectNode) copy).put("event_time", now);
        }
        return copy;
    }

    private static void set(ObjectNode event, String pointer, String json) {
        int slash = pointer.lastIndexOf('/');
        try {
            ((ObjectNode) event.at(pointer.substring(0, slash))).set(pointer.substring(slash + 1), JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> codes(java.util.stream.Stream<String> codes) {
        return codes.collect(Collectors.toCollection(TreeSet::new));
    }
}
