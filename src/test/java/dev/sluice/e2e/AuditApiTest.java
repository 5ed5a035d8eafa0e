package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.audit.AuditKey;
import dev.sluice.audit.AuditSigner;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.config.ConfigException;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The privacy officer's HTTP surface on the real server: tenants see only their own chain
 * (invariant 6), exports verify offline with {@code sluice audit verify}, erasure purges and
 * answers counts without echoing identifiers.
 */
class AuditApiTest {
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
    void auditAndPrivacyEndpointsNeedTheAdminKeyNotTheIngestKey() {
        assertEquals(401, get(TestGateway.ACME_KEY, "/v1/audit/consent").statusCode());
        assertEquals(401, get(TestGateway.ACME_KEY, "/v1/audit/verify").statusCode());
        assertEquals(401, post(TestGateway.ACME_KEY, "/v1/privacy/erasure", "{\"email\":\"jane.doe@example.com\"}").statusCode());
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/verify").statusCode());
    }

    @Test
    void aTenantReadsAndVerifiesOnlyItsOwnRecords() throws Exception {
        assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("a-1")).statusCode());
        JsonNode acme = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=decision").body());
        assertEquals(1, acme.get("records").size(), "one record per event");
        assertEquals(3, acme.at("/records/0/record/decisions").size(), "with each of its three destinations' decisions");
        for (JsonNode r : acme.get("records")) {
            assertEquals("acme", r.at("/record/tenant").asText());
        }
        JsonNode globex = JSON.readTree(get(TestGateway.GLOBEX_ADMIN_KEY, "/v1/audit/consent").body());
        for (JsonNode r : globex.get("records")) {
            assertEquals("globex", r.at("/record/tenant").asText());
            assertFalse(r.toString().contains("a-1"), "globex never sees acme's events");
        }
        assertEquals(0, JSON.readTree(get(TestGateway.GLOBEX_ADMIN_KEY, "/v1/audit/consent?event_id=a-1").body())
                .get("records").size());
        JsonNode verify = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/verify").body());
        assertTrue(verify.get("ok").asBoolean(), verify.toString());
        assertEquals(401, get("wrong", "/v1/audit/consent").statusCode());
    }

    @Test
    void pagesFollowTheCursor() throws Exception {
        sluice.postEvents(TestGateway.ACME_KEY, Events.batch(Events.purchase("p-1"), Events.purchase("p-2"),
                Events.purchase("p-3")));
        JsonNode first = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?limit=2").body());
        assertEquals(2, first.get("records").size());
        JsonNode second = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?limit=2&after="
                + first.get("next").asLong()).body());
        assertEquals(first.get("next").asLong() + 1, second.at("/records/0/seq").asLong());
        assertEquals(400, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?from=yesterday").statusCode());
    }

    @Test
    void instantsBeyondTheYear9999_get400() throws Exception {
        // Valid ISO-8601 instants whose epoch milliseconds overflow: a 500 until session 34.
        for (String query : List.of("from=-999999999-01-01T00:00:00Z", "to=%2B999999999-12-31T23:59:59Z",
                "from=%2B10000-01-01T00:00:00Z&format=csv", "to=-0001-12-31T23:59:59Z&format=jsonl")) {
            HttpResponse<String> answer = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?" + query);
            assertEquals(400, answer.statusCode(), query + ": " + answer.body());
        }
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59Z")
                .statusCode());
    }

    /** A destination the tenant has not configured (a typo, or a removed one) is looked up, and the answer says so (audit query and dead letters). */
    @Test
    void aDestinationNotConfigured_isListedWithAWarning() throws Exception {
        HttpResponse<String> typo = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?destination=metaa");
        assertEquals(200, typo.statusCode(), typo.body());
        JsonNode page = JSON.readTree(typo.body());
        assertEquals(0, page.get("records").size());
        assertEquals("destination not_configured", page.at("/warnings/0/pointer").asText() + " " + page.at("/warnings/0/code").asText());
        assertTrue(typo.headers().firstValue("Sluice-Warning").isPresent());
        assertTrue(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?destination=metaa&format=csv").headers()
                .firstValue("Sluice-Warning").isPresent(), "exports carry the header");

        JsonNode deadLetters = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/admin/dead-letters?destination=metaa").body());
        assertEquals("destination not_configured", deadLetters.at("/warnings/0/pointer").asText() + " "
                + deadLetters.at("/warnings/0/code").asText());
        assertTrue(JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/admin/dead-letters?destination=meta").body())
                .path("warnings").isMissingNode());

        // Another tenant's destination is not this tenant's: the check reads the caller's configuration only.
        assertTrue(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?destination=tiktok").headers()
                .firstValue("Sluice-Warning").isPresent(), "globex's tiktok is not acme's");
        assertTrue(get(TestGateway.GLOBEX_ADMIN_KEY, "/v1/audit/consent?destination=tiktok").headers()
                .firstValue("Sluice-Warning").isEmpty());

        HttpResponse<String> configured = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?destination=meta");
        assertTrue(JSON.readTree(configured.body()).path("warnings").isMissingNode(), configured.body());
        assertTrue(configured.headers().firstValue("Sluice-Warning").isEmpty());
    }

    @Test
    void everyBadValueIsNamedByItsParameter() throws Exception {
        // Until session 36 one sentence about from, to, after and limit answered any of them.
        HttpResponse<String> audit = get(TestGateway.ACME_ADMIN_KEY,
                "/v1/audit/consent?from=yesterday&to=%2B10000-01-01T00:00:00Z&after=-1&limit=abc&format=xml");
        assertEquals(400, audit.statusCode(), audit.body());
        assertEquals("urn:sluice:problem:bad-query", JSON.readTree(audit.body()).path("type").asText());
        List<String> named = new java.util.ArrayList<>();
        JSON.readTree(audit.body()).path("errors").forEach(e -> named.add(e.path("pointer").asText() + " " + e.path("code").asText()));
        assertEquals(List.of("from invalid_format", "to out_of_range", "after out_of_range", "limit invalid_format",
                "format unknown_value"), named);

        HttpResponse<String> export = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?format=csv&limit=10");
        assertEquals(400, export.statusCode(), "an export holds every record; a limit would be ignored");
        assertEquals("limit", JSON.readTree(export.body()).at("/errors/0/pointer").asText());

        HttpResponse<String> deadLetters = get(TestGateway.ACME_ADMIN_KEY, "/v1/admin/dead-letters?limit=1001&after=x");
        assertEquals(400, deadLetters.statusCode(), deadLetters.body());
        List<String> deadNamed = new java.util.ArrayList<>();
        JSON.readTree(deadLetters.body()).path("errors").forEach(e -> deadNamed.add(e.path("pointer").asText() + " " + e.path("code").asText()));
        assertEquals(List.of("after invalid_format", "limit out_of_range"), deadNamed);
    }

    @Test
    void aMisspeltOrRepeatedParameterIsRefused_notIgnored() {
        // ?destinaton=meta answered every destination's records until session 35.
        HttpResponse<String> misspelt = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?destinaton=meta");
        assertEquals(400, misspelt.statusCode(), misspelt.body());
        assertTrue(misspelt.body().contains("{\"pointer\":\"destinaton\",\"code\":\"unknown_field\""), misspelt.body());
        HttpResponse<String> twice = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?decision=deny&decision=allow");
        assertEquals(400, twice.statusCode(), twice.body());
        assertTrue(twice.body().contains("{\"pointer\":\"decision\",\"code\":\"duplicate_key\""), twice.body());
        // A parameter without a value is named, not dropped: "?decision" answered every decision and
        // "?decision&decision=deny" counted as given once, until session 40.
        for (String[] valueless : new String[][] {{"?decision", "decision empty"},
                {"?decision&decision=deny", "decision duplicate_key"}, {"?from", "from empty"},
                {"?destination=", "destination empty"}, {"?%64ecision", "decision empty"}, {"?=deny", " unknown_field"}}) {
            HttpResponse<String> refused = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent" + valueless[0]);
            assertEquals(400, refused.statusCode(), valueless[0] + ": " + refused.body());
            List<String> named = new java.util.ArrayList<>();
            try {
                JSON.readTree(refused.body()).path("errors").forEach(e -> named.add(e.path("pointer").asText() + " " + e.path("code").asText()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(List.of(valueless[1]), named, valueless[0]);
        }
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?decision=deny&").statusCode(), "a trailing & is no parameter");
        HttpResponse<String> deadLetters = get(TestGateway.ACME_ADMIN_KEY, "/v1/admin/dead-letters?limt=5");
        assertEquals(400, deadLetters.statusCode(), deadLetters.body());
        assertTrue(deadLetters.body().contains("\"pointer\":\"limt\""), deadLetters.body());
        // A value no record holds would match nothing: "denied" answered no records, as if there were no denials.
        HttpResponse<String> denied = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?decision=denied");
        assertEquals(400, denied.statusCode(), denied.body());
        assertTrue(denied.body().contains("{\"pointer\":\"decision\",\"code\":\"unknown_value\""), denied.body());
        HttpResponse<String> kind = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=decisions&format=csv");
        assertEquals(400, kind.statusCode(), kind.body());
        assertTrue(kind.body().contains("{\"pointer\":\"kind\",\"code\":\"unknown_value\""), kind.body());
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=decision&decision=Limited").statusCode());
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?destination=meta&decision=deny&limit=5").statusCode());
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/admin/dead-letters?limit=5&after=0").statusCode());
    }

    /** An export whose first read fails is the store's failure: a 503, no empty 200 that reads as an export of nothing. */
    @Test
    void anExportWhoseStoreIsDown_is503() {
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("x-down"));
        sluice.gateway().store().close();

        for (String format : List.of("jsonl", "csv")) {
            HttpResponse<String> export = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?format=" + format);
            assertEquals(503, export.statusCode(), format + ": " + export.body());
        }
    }

    @Test
    void jsonlExportVerifiesOfflineAndFailsWhenEdited() throws Exception {
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("x-1"));
        HttpResponse<String> export = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?format=jsonl");
        assertEquals(200, export.statusCode());
        assertTrue(export.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        Path file = dir.resolve("export.jsonl");
        Files.writeString(file, export.body());
        Path key = dir.resolve("audit.pub");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1}
                sluice:
                  data-dir: %s
                  crypto: {generate-demo-key: true}
                  tenants:
                    - id: t
                      api-key-hashes: ["sha256:%s"]
                      destinations: [{id: m, type: meta}]
                """.formatted(dir, "ab".repeat(32)));
        assertEquals(0, captureTo(key, () -> SluiceCommand.run("audit", "public-key", "--config", config.toString())));

        assertEquals(0, SluiceCommand.run("audit", "verify", file.toString(), "--public-key", key.toString()));
        Path other = Files.writeString(dir.resolve("other.pub"), AuditSigner.parse(AuditSigner.generate()).publicKey().pem());
        assertEquals(0, SluiceCommand.run("audit", "verify", file.toString(), "--public-key", key.toString(),
                "--public-key", other.toString()), "the --public-key option repeats (a rotated key and the ones it replaced)");
        assertEquals(1, SluiceCommand.run("audit", "verify", file.toString(), "--public-key", other.toString(),
                "--public-key", key.toString()), "the first key is the key in use, which must sign the head (session 40)");
        Files.writeString(file, export.body().replaceFirst("\"event_id\":\"x-1\"", "\"event_id\":\"x-2\""));
        assertEquals(1, SluiceCommand.run("audit", "verify", file.toString(), "--public-key", key.toString()));
    }

    @Test
    void previousPublicKeysAreTrustedByVerify_andABadOneStopsStartupNamingIt() throws Exception {
        sluice.close();
        String previous = AuditSigner.parse(AuditSigner.generate()).publicKey().pem();
        try (TestGateway rotated = TestGateway.start(dir.resolve("rotated"), InstantSource.system(),
                Map.of("sluice.audit.previous-public-keys.0", previous))) {
            JsonNode verified = JSON.readTree(rotated.send(HttpRequest.newBuilder(rotated.uri("/v1/audit/verify"))
                    .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY).GET().build()).body());
            assertTrue(verified.path("ok").asBoolean(), verified.toString());
            assertEquals(2, verified.path("trusted_key_ids").size(), verified.toString());
            assertEquals(verified.path("public_key_id").asText(), verified.path("trusted_key_ids").get(0).asText());
            assertEquals(AuditKey.parse(previous).keyId(), verified.path("trusted_key_ids").get(1).asText());
        }
        ConfigException bad = assertThrows(ConfigException.class, () -> TestGateway.start(dir.resolve("bad"),
                InstantSource.system(), Map.of("sluice.audit.previous-public-keys.0", "not-a-key")));
        assertEquals("sluice.audit.previous-public-keys.0", bad.key());
        sluice = TestGateway.start(dir.resolve("again"));
    }

    @Test
    void csvExportHasOneRowPerDestinationOfADecisionRecord() {
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("c-1"));
        HttpResponse<String> csv = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?format=csv&kind=decision");
        assertEquals(200, csv.statusCode());
        String[] lines = csv.body().split("\r\n");
        assertTrue(lines[0].startsWith("seq,time,kind,event_id"), lines[0]);
        assertEquals(4, lines.length, "one record, three destinations");
        for (int i = 1; i < lines.length; i++) {
            assertTrue(lines[i].startsWith(lines[1].substring(0, lines[1].indexOf(','))), "the same seq: " + lines[i]);
        }
    }

    @Test
    void erasurePurgesPendingRowsAndNeverEchoesIdentifiers() throws Exception {
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("e-1"));
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("e-2", "someone@example.com", "+16505550101"));
        HttpResponse<String> answer = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure", "{\"email\":\"jane.doe@example.com\"}");
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertTrue(body.at("/erased/pending_deliveries").asLong() > 0, answer.body());
        // Both purchases were booked under the same external id: erasing by email unlinks the
        // customer from every ledger entry of that person, not only the email's own events.
        assertEquals(2, body.at("/erased/ledger_customer_links").asLong(), answer.body());
        assertFalse(answer.body().contains("jane"), "identifiers are never echoed");
        assertTrue(sluice.gateway().store().outbox("acme", 100).stream().allMatch(r -> r.eventId().equals("e-2")));

        assertEquals(400, post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure", "{}").statusCode());
        // A parameter it does not take is refused before anything is erased ("?dry_run=true" erased, until session 40).
        HttpResponse<String> dryRun = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure?dry_run=true",
                "{\"email\":\"someone@example.com\"}");
        assertEquals(400, dryRun.statusCode(), dryRun.body());
        assertTrue(dryRun.body().contains("{\"pointer\":\"dry_run\",\"code\":\"unknown_field\""), dryRun.body());
        assertTrue(sluice.gateway().store().outbox("acme", 100).stream().anyMatch(r -> r.eventId().equals("e-2")),
                "nothing was erased");
        HttpResponse<String> unusable = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure", "{\"email\":\"not-an-email\"}");
        assertEquals(422, unusable.statusCode());
        assertFalse(unusable.body().contains("not-an-email"));
        assertTrue(unusable.body().contains("\"errors\":[{\"pointer\":\"/email\",\"code\":\"invalid_format\""), unusable.body());
        // The CSV export says what the erasure did (it had no column for it until session 40).
        String erasures = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=erasure&format=csv").body();
        assertTrue(erasures.split("\r\n")[0].endsWith(",hash,counts"), erasures);
        assertTrue(erasures.split("\r\n")[1].matches(".*,dead_letters=\\d+ .*pending_deliveries=[1-9]\\d* .*"), erasures);
        // The answer names the audit record the request left (it did not until session 40).
        long recorded = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=erasure").body())
                .path("records").path(1).path("seq").asLong(-1);
        assertTrue(unusable.body().contains("recorded as audit record " + recorded), unusable.body() + " / " + recorded);
        // Refused whole, before anything is erased or audited: a misspelt identifier, a mistyped one,
        // and one that cannot be normalized beside one that can (until session 35 each was left
        // out and the rest erased, answered 200).
        HttpResponse<String> misspelt = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure",
                "{\"email\":\"someone@example.com\",\"phnoe\":\"+16505550101\"}");
        assertEquals(400, misspelt.statusCode(), misspelt.body());
        assertTrue(misspelt.body().contains("{\"pointer\":\"/phnoe\",\"code\":\"unknown_field\""), misspelt.body());
        HttpResponse<String> identifierAsKey = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure",
                "{\"someone@example.com\":\"email\"}");
        assertEquals(400, identifierAsKey.statusCode(), identifierAsKey.body());
        assertFalse(identifierAsKey.body().contains("someone"), "a name that is no field name is not echoed: " + identifierAsKey.body());
        HttpResponse<String> mistyped = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure", "{\"email\":[\"someone@example.com\"]}");
        assertEquals(400, mistyped.statusCode(), mistyped.body());
        assertTrue(mistyped.body().contains("{\"pointer\":\"/email\",\"code\":\"invalid_type\""), mistyped.body());
        HttpResponse<String> partly = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure",
                "{\"email\":\"not-an-email\",\"phone\":\"+16505550101\"}");
        assertEquals(422, partly.statusCode(), partly.body());
        assertTrue(partly.body().contains("\"type\":\"urn:sluice:problem:unusable-identifier\""), partly.body());
        assertTrue(partly.body().contains("{\"pointer\":\"/email\",\"code\":\"invalid_format\""), partly.body());
        assertFalse(partly.body().contains("not-an-email") || partly.body().contains("6505550101"), partly.body());
        assertTrue(sluice.gateway().store().outbox("acme", 100).stream().anyMatch(r -> r.eventId().equals("e-2")),
                "nothing of the subject the phone names was erased");
        JsonNode erasure = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=erasure").body());
        assertEquals(2, erasure.get("records").size(), "every erasure request is audited");
        assertFalse(erasure.toString().contains("jane"));
    }

    /** Review 1, finding 11: verify took any parameter and answered the caller's own chain. */
    @Test
    void verifyRefusesParameters_andNamesTheRecordsNoSignatureCoversYet() throws Exception {
        for (String query : List.of("x=1", "tenant=globex")) {
            HttpResponse<String> answer = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/verify?" + query);
            assertEquals(400, answer.statusCode(), answer.body());
            assertEquals("unknown_field", JSON.readTree(answer.body()).at("/errors/0/code").asText(), answer.body());
        }
        sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("v-1"));
        JsonNode verify = JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/verify").body());
        assertTrue(verify.path("ok").asBoolean(), verify.toString());
        assertEquals(verify.path("last_seq").asLong() - verify.path("last_checkpoint_seq").asLong(),
                verify.path("unsigned_records").asLong(), verify.toString());
    }

    /** Review 1, finding 14: a reversed range answered no records, as if nothing had happened then. */
    @Test
    void aRangeWhoseToIsNotAfterItsFrom_isRefusedNamingTo() throws Exception {
        for (String query : List.of("from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                "from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&format=csv")) {
            HttpResponse<String> answer = get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?" + query);
            assertEquals(400, answer.statusCode(), answer.body());
            assertEquals("to out_of_range", JSON.readTree(answer.body()).at("/errors/0/pointer").asText() + " "
                    + JSON.readTree(answer.body()).at("/errors/0/code").asText());
        }
        assertEquals(200, get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00.001Z")
                .statusCode());
    }

    /**
     * Review 1, finding 4: a country erasure could not read fell back to the tenant's default
     * region; the phone was read there, nobody found, and the answer was 200.
     */
    @Test
    void anErasuresCountryIsReadAsAtIngest_andOneThatNamesNoCountryIs422() throws Exception {
        for (String country : List.of("Deutschland", "XX")) {
            HttpResponse<String> answer = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure",
                    "{\"phone\":\"030 1234567\",\"country\":\"" + country + "\"}");
            assertEquals(422, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("{\"pointer\":\"/country\",\"code\":\"invalid_country\""), answer.body());
            assertFalse(answer.body().contains("1234567"), answer.body());
        }
        assertEquals(0, JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=erasure").body())
                .get("records").size(), "refused before anything is erased or audited");
        for (String country : List.of("DE", "Germany")) {
            HttpResponse<String> answer = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure",
                    "{\"phone\":\"030 1234567\",\"country\":\"" + country + "\"}");
            assertEquals(200, answer.statusCode(), country + ": " + answer.body());
        }
    }

    /**
     * An erasure that names nobody ({}, or only null, empty or blank identifiers, which count as
     * not given, as at ingest) was a 400 whose errors were empty: it now names the identifiers it
     * takes, as a replay without selectors does, and erases and audits nothing.
     */
    @Test
    void anErasureThatNamesNoIdentifier_is400NamingTheIdentifiers() throws Exception {
        for (String body : List.of("{}", "{\"email\":null}", "{\"email\":\"\",\"phone\":\"  \"}", "{\"country\":\"US\"}")) {
            HttpResponse<String> answer = post(TestGateway.ACME_ADMIN_KEY, "/v1/privacy/erasure", body);
            assertEquals(400, answer.statusCode(), body + ": " + answer.body());
            JsonNode errors = JSON.readTree(answer.body()).get("errors");
            assertEquals(List.of("/email required", "/phone required", "/external_id required"),
                    java.util.stream.StreamSupport.stream(errors.spliterator(), false)
                            .map(e -> e.get("pointer").asText() + " " + e.get("code").asText()).toList(), body);
        }
        assertEquals(0, JSON.readTree(get(TestGateway.ACME_ADMIN_KEY, "/v1/audit/consent?kind=erasure").body())
                .get("records").size(), "nothing audited");
    }

    private HttpResponse<String> get(String key, String path) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Bearer " + key).GET().build());
    }

    private HttpResponse<String> post(String key, String path, String json) {
        return sluice.send(HttpRequest.newBuilder(sluice.uri(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static int captureTo(Path file, java.util.function.IntSupplier action) throws Exception {
        java.io.PrintStream previous = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return action.getAsInt();
        } finally {
            System.setOut(previous);
            Files.write(file, out.toByteArray());
        }
    }
}
