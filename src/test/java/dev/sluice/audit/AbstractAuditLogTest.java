package dev.sluice.audit;

import dev.sluice.config.LedgerSettings;
import dev.sluice.ingest.EventResult;
import dev.sluice.ledger.CustomerFolder;
import dev.sluice.ledger.GroupBy;
import dev.sluice.ledger.KpiQuery;
import dev.sluice.ledger.KpiReport;
import dev.sluice.ledger.Ledger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit log over a real database, run once per dialect by the subclasses: records per
 * decision, tamper detection pinpointed to the record, export verification, erasure, retention.
 */
abstract class AbstractAuditLogTest {
    static final String EMAIL = "Jane.Doe@Example.com";
    static final String PHONE = "+1 (650) 555-1212";

    @TempDir
    Path dir;
    AuditFixture f;

    abstract AuditFixture open(Path dir);

    @BeforeEach
    void start() {
        f = open(dir);
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void anAcceptedEventIsOneRecordOfEveryDestinationsDecisionAndADuplicateWritesNone() throws Exception {
        List<EventResult> first = f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        assertEquals(EventResult.Status.ACCEPTED, first.getFirst().status(), first.toString());
        assertEquals(1, f.log.tip("acme").seq(), "one record holds meta's, google's and warehouse's decisions");

        List<EventResult> again = f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        assertEquals(EventResult.Status.DUPLICATE, again.getFirst().status());
        assertEquals(1, f.log.tip("acme").seq(), "a duplicate records nothing");

        StoredRecord record = f.log.page("acme", AuditQuery.all(), 10).getFirst();
        JsonNode body = new ObjectMapper().readTree(record.body());
        List<String> destinations = new java.util.ArrayList<>();
        body.path("decisions").forEach(d -> destinations.add(d.path("destination_id").asText()));
        assertEquals(List.of("meta", "google", "warehouse"), destinations, "in the tenant's configured order");
        assertEquals("|meta|google|warehouse|", record.destinationId());
        assertEquals("o-1", record.eventId());
        assertTrue(record.decision().startsWith("|meta:"), record.decision());
        assertTrue(record.body().contains("\"policy_sha256\":\"" + f.policy.contentSha256() + "\""), record.body());
        assertTrue(record.body().contains("\"consent_mode\":{\"ad_personalization\":\"denied\",\"ad_user_data\":\"granted\"}"),
                record.body());
        assertTrue(f.log.verify("acme").ok());
    }

    @Test
    void filtersSelectRecordsByAnyOfTheirDestinationsAndTheCursorPages() {
        for (int i = 1; i <= 5; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, "p" + i + "@example.com", "+1650555000" + i));
        }
        StoredRecord first = f.log.page("acme", AuditQuery.all(), 1).getFirst();
        String metaRule = first.ruleIds().substring(1).split("\\|")[0].substring("meta:".length());
        assertTrue(first.ruleIds().startsWith("|meta:" + metaRule + "|"), first.ruleIds());
        String metaDecision = first.decision().substring(1).split("\\|")[0].substring("meta:".length());

        assertEquals(1, f.log.page("acme", query(Optional.of("meta"), Optional.empty(), Optional.of("o-2"), Optional.empty()), 10)
                .size());
        assertEquals(5, f.log.page("acme", query(Optional.of("warehouse"), Optional.empty(), Optional.empty(), Optional.empty()), 10)
                .size());
        assertTrue(f.log.page("acme", query(Optional.of("elsewhere"), Optional.empty(), Optional.empty(), Optional.empty()), 10)
                .isEmpty());
        assertEquals(5, f.log.page("acme", query(Optional.of("meta"), Optional.of(metaDecision), Optional.empty(),
                Optional.of(metaRule)), 10).size());
        assertEquals(5, f.log.page("acme", query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(metaRule)), 10)
                .size());
        String otherDecision = metaDecision.equals("DENY") ? "ALLOW" : "DENY";
        assertTrue(f.log.page("acme", query(Optional.of("meta"), Optional.of(otherDecision), Optional.empty(), Optional.empty()), 10)
                .isEmpty(), "meta's decision is " + metaDecision + " in every record");
        assertEquals(List.of(4L, 5L), f.log.page("acme", AuditQuery.all().after(3), 2).stream().map(StoredRecord::seq).toList());
        assertTrue(f.log.page("globex", AuditQuery.all(), 10).isEmpty(), "another tenant's chain is separate");
    }

    @Test
    void decisionAndRuleWithoutADestinationMustHoldForTheSameDestination() {
        // ad_user_data denied: meta LIMITED under us.limit.consent-mode-denied, warehouse ALLOW under
        // us.allow.first-party-webhook (conf/consent-policy.yaml). The columns hold ":ALLOW|" and
        // ":us.limit.consent-mode-denied|", but no one destination was allowed under that rule.
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE).replace("\"ad_user_data\":\"granted\"", "\"ad_user_data\":\"denied\""));
        StoredRecord record = f.log.page("acme", AuditQuery.all(), 1).getFirst();
        assertTrue(record.decision().contains("|meta:LIMITED|") && record.decision().contains("|warehouse:ALLOW|"),
                record.decision());
        assertTrue(record.ruleIds().contains("|meta:us.limit.consent-mode-denied|"), record.ruleIds());

        assertEquals(List.of(), seqs(query(Optional.empty(), Optional.of("ALLOW"), Optional.empty(),
                Optional.of("us.limit.consent-mode-denied"))));
        assertEquals(List.of(1L), seqs(query(Optional.empty(), Optional.of("LIMITED"), Optional.empty(),
                Optional.of("us.limit.consent-mode-denied"))));
        assertEquals(List.of(1L), seqs(query(Optional.empty(), Optional.of("ALLOW"), Optional.empty(),
                Optional.of("us.allow.first-party-webhook"))));
        assertEquals(List.of(), seqs(query(Optional.of("meta"), Optional.of("ALLOW"), Optional.empty(), Optional.empty())));
        assertEquals(List.of(1L), seqs(query(Optional.of("warehouse"), Optional.of("ALLOW"), Optional.empty(), Optional.empty())));
    }

    @Test
    void recordsOfTheEarlierOneDestinationLayoutStillVerifyAndFilter() throws Exception {
        // What a gateway of the earlier layout wrote: one record per destination, plain columns.
        Map<String, Object> fields = new java.util.TreeMap<>();
        fields.putAll(Map.of("decision", "DENY", "destination_id", "meta", "destination_type", "meta", "event_id", "old-1",
                "event_name", "Purchase", "jurisdiction", "eu", "kind", "decision", "rule_ids", List.of("eu.tcf"),
                "reason_codes", List.of("tcf_no_consent")));
        fields.putAll(Map.of("tenant", "acme", "time", f.clock.instant().toEpochMilli(), "seq", 1L));
        String legacy = CanonicalJson.write(fields);
        String hash = ChainHash.of(ChainHash.GENESIS, legacy);
        // On SQLite such a row has a rowid below zero once V36 has renumbered it.
        boolean sqlite = "sqlite".equals(f.store.kind());
        f.execute("INSERT INTO audit_records (" + (sqlite ? "rowid, " : "") + "tenant_id, seq, kind, recorded_at, event_id,"
                + " destination_id, decision, rule_ids, body, prev_hash, hash) VALUES (" + (sqlite ? "-1, " : "")
                + "'acme', 1, 'decision', " + f.clock.instant().toEpochMilli()
                + ", 'old-1', 'meta', 'DENY', '|eu.tcf|', '" + legacy + "', '" + ChainHash.GENESIS + "', '" + hash + "')");
        f.execute("INSERT INTO audit_heads (tenant_id, seq, hash, checkpoint_seq, checkpoint_at) VALUES ('acme', 1, '" + hash
                + "', 0, " + f.clock.instant().toEpochMilli() + ")");
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));

        AuditLog.Verification v = f.log.verify("acme");
        assertTrue(v.ok(), v.toString());
        assertEquals(2, v.lastSeq());
        assertEquals(List.of(1L), seqs(query(Optional.of("meta"), Optional.of("DENY"), Optional.empty(), Optional.empty())));
        assertEquals(List.of(1L), seqs(query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("eu.tcf"))));
        assertEquals(List.of(1L, 2L), seqs(query(Optional.of("meta"), Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals(List.of(2L), seqs(query(Optional.of("warehouse"), Optional.empty(), Optional.empty(), Optional.empty())));

        StringWriter csv = new StringWriter();
        AuditExport.csv(f.log, "acme", AuditQuery.all(), csv);
        List<String> lines = csv.toString().lines().toList();
        assertEquals(1 + 1 + 3, lines.size(), "a row for the old record, one per destination of the new: " + lines);
        assertTrue(lines.get(1).startsWith("1,") && lines.get(1).contains(",meta,meta,DENY,eu.tcf,tcf_no_consent,"), lines.get(1));
        StringWriter warehouse = new StringWriter();
        AuditExport.csv(f.log, "acme", query(Optional.of("warehouse"), Optional.empty(), Optional.empty(), Optional.empty()),
                warehouse);
        List<String> warehouseLines = warehouse.toString().lines().toList();
        assertEquals(2, warehouseLines.size(), warehouseLines.toString());
        assertTrue(warehouseLines.get(1).startsWith("2,") && warehouseLines.get(1).contains(",warehouse,webhook,"),
                warehouseLines.get(1));
    }

    @Test
    void aQueryByEventFindsItsRecordsThroughTheLiveEventRowAndAfterTheRowIsSupersededOrDeleted() {
        for (String id : List.of("o-1", "o-2", "o-3")) {
            assertEquals(EventResult.Status.ACCEPTED, f.ingest(f.acme, f.purchase(id, EMAIL, PHONE)).getFirst().status());
        }
        assertEquals(3, f.queryLong("SELECT count(*) FROM audit_records WHERE tenant_id = 'acme' AND event_row_id ="
                + " (SELECT id FROM events e WHERE e.tenant_id = 'acme' AND e.event_id = audit_records.event_id)"),
                "a decision record carries the row of the event it was written with");
        assertEquals(List.of(1L), seqs(byEvent("o-1")));
        assertEquals(List.of(2L), seqs(byEvent("o-2")));

        // A record without a row id (written before the column existed) is found by its event id.
        f.execute("UPDATE audit_records SET event_row_id = NULL WHERE tenant_id = 'acme' AND seq = 2");
        assertEquals(List.of(2L), seqs(byEvent("o-2")));

        // Deleting an events row (the purges do) leaves its records to the index on event ids.
        f.execute("DELETE FROM events WHERE tenant_id = 'acme' AND event_id = 'o-3'");
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_records WHERE seq = 3 AND event_row_id IS NOT NULL"));
        assertEquals(List.of(3L), seqs(byEvent("o-3")));

        // Past the dedup window the key is accepted again: the old row is superseded, and the old
        // record is found beside the new one.
        f.clock.advance(Duration.ofDays(8));
        assertEquals(EventResult.Status.ACCEPTED, f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE)).getFirst().status());
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_records WHERE seq = 1 AND event_row_id IS NOT NULL"),
                "superseding the row clears the old record's row id");
        long newSeq = f.log.tip("acme").seq();
        assertEquals(List.of(1L, newSeq), seqs(byEvent("o-1")));
        assertEquals(List.of(1L), f.log.page("acme", pageOf(byEvent("o-1"), 0), 1).stream().map(StoredRecord::seq).toList(),
                "the limit applies to the merged records");
        assertEquals(List.of(newSeq), f.log.page("acme", pageOf(byEvent("o-1"), 1), 10).stream().map(StoredRecord::seq).toList(),
                "and so does the position to continue after");
        assertEquals(List.of(), seqs(byEvent("o-9")));
        assertTrue(f.log.verify("acme").ok(), "the row id is a locator outside the hashed body");

        // The same event id at another tenant is that tenant's alone, on both paths.
        assertEquals(EventResult.Status.ACCEPTED, f.ingest(f.globex, f.purchase("o-1", EMAIL, PHONE)).getFirst().status());
        assertEquals(List.of(1L), f.log.page("globex", byEvent("o-1"), 10).stream().map(StoredRecord::seq).toList());
        assertEquals(List.of(1L, newSeq), seqs(byEvent("o-1")));
    }

    /**
     * Whether the store gives a record that arrived before the record ahead of it in the chain
     * that record's time (the embedded store, which finds records by time by bisecting sequence
     * numbers), or keeps each record's own time (PostgreSQL, whose replicas have their own clocks).
     */
    abstract boolean ordersRecordTimes();

    /**
     * From and to bound the records' times, from inclusive, to exclusive, alone, together, with
     * the cursor and with another filter, also when the bound falls between two records or past
     * either end; another tenant's records interleave.
     */
    @Test
    void timeBoundsSelectTheRecordsRecordedInTheRange() {
        java.time.Instant t0 = f.clock.instant();
        for (int i = 1; i <= 8; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, "p" + i + "@example.com", "+1650555000" + i));
            f.ingest(f.globex, f.purchase("g-" + i, "p" + i + "@example.com", "+1650555000" + i));
            f.clock.advance(Duration.ofSeconds(i == 4 ? 3600 : 10));
        }
        // acme's records 1-4 at t0, +10 s, +20 s, +30 s; 5-8 an hour later: t0 + 3630 s, +3640, +3650, +3660.
        assertEquals(List.of(2L, 3L), seqs(between(t0.plusSeconds(10), t0.plusSeconds(30))));
        assertEquals(List.of(2L, 3L), seqs(between(t0.plusSeconds(5), t0.plusSeconds(29))));
        assertEquals(List.of(4L, 5L), seqs(between(t0.plusSeconds(30), t0.plusSeconds(3631))));
        assertEquals(List.of(), seqs(between(t0.plusSeconds(31), t0.plusSeconds(3630))), "the hour between holds none");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), seqs(between(t0.minusSeconds(3600), t0.plusSeconds(7200))));
        assertEquals(List.of(), seqs(between(t0.minusSeconds(3600), t0)), "to is exclusive");
        assertEquals(List.of(), seqs(between(t0.plusSeconds(3661), t0.plusSeconds(7200))));
        AuditQuery fromOnly = new AuditQuery(Optional.of(t0.plusSeconds(3645)), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
        assertEquals(List.of(7L, 8L), seqs(fromOnly));
        AuditQuery toOnly = new AuditQuery(Optional.empty(), Optional.of(t0.plusSeconds(11)), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
        assertEquals(List.of(1L, 2L), seqs(toOnly));
        assertEquals(List.of(5L, 6L), seqs(pageOf(between(t0.plusSeconds(20), t0.plusSeconds(3700)), 4)).subList(0, 2));
        AuditQuery withEvent = new AuditQuery(Optional.of(t0.plusSeconds(20)), Optional.of(t0.plusSeconds(3700)),
                Optional.empty(), Optional.empty(), Optional.of("o-6"), Optional.empty(), Optional.empty(), 0);
        assertEquals(List.of(6L), seqs(withEvent));
        assertEquals(List.of(1L, 2L), f.log.page("globex", between(t0, t0.plusSeconds(20)), 10).stream()
                .map(StoredRecord::seq).toList());
    }

    /**
     * A request that arrived before the one committed ahead of it (processed more slowly, or the
     * clock stepped back): on the embedded store its record takes the time of the record before it,
     * in the hashed body as in the column, and the chain still verifies; PostgreSQL keeps its own.
     */
    @Test
    void aRecordArrivingBeforeTheRecordAheadOfItInTheChain() throws Exception {
        java.time.Instant later = f.clock.instant();
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        f.clock.advance(Duration.ofSeconds(-90));
        f.ingest(f.acme, f.purchase("o-2", "b@example.com", "+16505550002"));
        f.log.append("acme", new AuditEntry.Erased(f.clock.instant(), List.of("email"), Map.of("events", 0L)));

        java.time.Instant expected = ordersRecordTimes() ? later : f.clock.instant();
        List<StoredRecord> records = f.log.page("acme", AuditQuery.all(), 10);
        assertEquals(3, records.size());
        for (StoredRecord r : records.subList(1, 3)) {
            assertEquals(expected, r.recordedAt(), r.kind());
            assertEquals(expected.toEpochMilli(), new ObjectMapper().readTree(r.body()).path("time").asLong(), r.body());
        }
        AuditLog.Verification v = f.log.verify("acme");
        assertTrue(v.ok(), v.toString());
        assertEquals(ordersRecordTimes() ? List.of(1L, 2L, 3L) : List.of(1L),
                seqs(between(later, later.plusSeconds(1))));
    }

    private static AuditQuery between(java.time.Instant from, java.time.Instant to) {
        return new AuditQuery(Optional.of(from), Optional.of(to), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0);
    }

    private static AuditQuery byEvent(String eventId) {
        return query(Optional.empty(), Optional.empty(), Optional.of(eventId), Optional.empty());
    }

    private static AuditQuery pageOf(AuditQuery q, long afterSeq) {
        return new AuditQuery(q.from(), q.to(), q.destinationId(), q.decision(), q.eventId(), q.ruleId(), q.kind(), afterSeq);
    }

    private List<Long> seqs(AuditQuery query) {
        return f.log.page("acme", query, 10).stream().map(StoredRecord::seq).toList();
    }

    private static AuditQuery query(Optional<String> destination, Optional<String> decision, Optional<String> eventId,
                                    Optional<String> rule) {
        return new AuditQuery(Optional.empty(), Optional.empty(), destination, decision, eventId, rule, Optional.empty(), 0);
    }

    private static List<DecisionColumns.Element> elements(StoredRecord record) {
        try {
            return DecisionColumns.elements(new ObjectMapper().readTree(record.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void alteredRecordIsPinpointed() {
        fiveEvents();
        alterDecision(7);
        assertFault(7, "content does not match its hash");
    }

    /** Turns an ALLOW of the decision record at {@code seq} into a DENY, in the record as stored. */
    void alterDecision(long seq) {
        f.execute("UPDATE audit_records SET body = replace(body, '\"ALLOW\"', '\"DENY\"') WHERE tenant_id = 'acme' AND seq = " + seq);
    }

    @Test
    void alteredRecordWithRecomputedHashIsCaughtAtTheNextLink() {
        fiveEvents();
        f.execute("UPDATE audit_records SET hash = '" + "ab".repeat(32) + "' WHERE tenant_id = 'acme' AND seq = 7");
        AuditLog.Verification v = f.log.verify("acme");
        assertFalse(v.ok());
        assertTrue(List.of(7L, 8L).contains(v.failure().get().seq()), v.toString());
    }

    @Test
    void deletedRecordIsPinpointed() {
        fiveEvents();
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq = 9");
        assertFault(9, "record missing");
    }

    @Test
    void reorderedRecordsArePinpointed() {
        fiveEvents();
        f.execute("UPDATE audit_records SET seq = -1 WHERE tenant_id = 'acme' AND seq = 4");
        f.execute("UPDATE audit_records SET seq = 4 WHERE tenant_id = 'acme' AND seq = 5");
        f.execute("UPDATE audit_records SET seq = 5 WHERE tenant_id = 'acme' AND seq = -1");
        AuditLog.Verification v = f.log.verify("acme");
        assertFalse(v.ok());
        assertEquals(4, v.failure().get().seq(), v.toString());
    }

    @Test
    void editedFilterColumnIsDetected() {
        fiveEvents();
        f.execute("UPDATE audit_records SET decision = 'ALLOW' WHERE tenant_id = 'acme' AND seq = 2");
        AuditLog.Verification v = f.log.verify("acme");
        assertTrue(v.ok() || v.failure().get().seq() == 2, v.toString());
        f.execute("UPDATE audit_records SET destination_id = 'elsewhere' WHERE tenant_id = 'acme' AND seq = 2");
        assertFault(2, "filter columns disagree");
    }

    @Test
    void deletedTailIsCaughtByTheHeadAndThenByTheLastCheckpoint() {
        fiveEvents();
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq >= 11");
        assertFault(11, "head is at seq 15");
        // Rolling the head back hides the cut from the head, not from the checkpoint signed at 12.
        f.execute("UPDATE audit_heads SET seq = 10, hash = (SELECT hash FROM audit_records WHERE tenant_id = 'acme' AND seq = 10)"
                + " WHERE tenant_id = 'acme'");
        assertFault(11, "checkpoint covers seq 12");
    }

    @Test
    void deletedBeginningIsDetected() {
        fiveEvents();
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq <= 3");
        assertFault(4, "no retention purge accounts for them");
    }

    @Test
    void chainRewrittenAfterACheckpointIsCaughtByItsSignature() throws Exception {
        fiveEvents();
        // An operator rewrites record 4 and re-chains everything after it: only the signature knows.
        List<StoredRecord> all = f.log.page("acme", AuditQuery.all(), 100);
        String prev = all.get(2).hash();
        for (StoredRecord r : all.subList(3, all.size())) {
            String body = r.seq() == 4 ? r.body().replace("\"ALLOW\"", "\"DENY\"") : r.body();
            String hash = ChainHash.of(prev, body);
            // The filter columns are rewritten to agree with the forged body.
            String decision = r.decision() == null ? "NULL"
                    : "'" + DecisionColumns.decisions(DecisionColumns.elements(new ObjectMapper().readTree(body))) + "'";
            f.execute("UPDATE audit_records SET body = '" + body.replace("'", "''") + "', prev_hash = '" + prev
                    + "', hash = '" + hash + "', decision = " + decision + " WHERE tenant_id = 'acme' AND seq = " + r.seq());
            prev = hash;
        }
        f.execute("UPDATE audit_heads SET hash = '" + prev + "' WHERE tenant_id = 'acme'");
        assertFault(6, "differs from the signed checkpoint");
    }

    @Test
    void verifyAndExport_readTheCheckpointsPageByPage() throws Exception {
        // A checkpoint per request of five events: more checkpoints than one page of them.
        int requests = AuditReader.PAGE + 5;
        for (int i = 0; i < requests; i++) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int j = 0; j < 5; j++) {
                int n = i * 5 + j;
                batch.append(j > 0 ? "," : "").append(f.purchase("pg-" + n, "pg" + n + "@example.com", "+1650555" + (1000 + n % 9000)));
            }
            f.ingest(f.acme, batch.append("]}").toString());
        }
        long checkpoints = f.queryLong("SELECT count(*) FROM audit_checkpoints WHERE tenant_id = 'acme'");
        assertTrue(checkpoints > AuditReader.PAGE, checkpoints + " checkpoints");
        AuditLog.Verification verified = f.log.verify("acme");
        assertTrue(verified.ok(), verified.toString());
        assertEquals(checkpoints, verified.checkpointsVerified());
        assertEquals(checkpoints, checkpoints(f.log, "acme").size());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(f.log, "acme", AuditQuery.all(), f.clock.instant(), out);
        Path export = dir.resolve("paged.jsonl");
        Files.write(export, out.toByteArray());
        AuditLog.Verification offline = ExportVerifier.verify(export, AuditKey.parse(f.log.publicKey().pem()));
        assertTrue(offline.ok(), offline.toString());
        assertEquals(checkpoints, offline.checkpointsVerified());

        // The tail cut and the head rolled back: the last checkpoint, on the last page, still shows it.
        long last = f.queryLong("SELECT max(seq) FROM audit_checkpoints WHERE tenant_id = 'acme'");
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq >= " + (last - 2));
        f.execute("UPDATE audit_heads SET seq = " + (last - 3) + ", hash = (SELECT hash FROM audit_records"
                + " WHERE tenant_id = 'acme' AND seq = " + (last - 3) + ") WHERE tenant_id = 'acme'");
        assertFault(last - 2, "checkpoint covers seq " + last);
    }

    @Test
    void exportVerifiesOfflineAndFailsWhenEdited() throws Exception {
        fiveEvents();
        f.log.append("acme", new AuditEntry.Replayed(f.clock.instant(), 2, List.of(7L, 8L), Optional.of("meta"), Optional.empty()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(f.log, "acme", AuditQuery.all(), f.clock.instant(), out);
        Path export = dir.resolve("acme.jsonl");
        Files.write(export, out.toByteArray());
        AuditKey key = AuditKey.parse(f.log.publicKey().pem());

        AuditLog.Verification ok = ExportVerifier.verify(export, key);
        assertTrue(ok.ok(), ok.toString());
        assertEquals(16, ok.records());
        assertEquals(3, ok.checkpointsVerified(), "6 and 12, and the head signed as exported");

        String text = Files.readString(export);
        Files.writeString(export, text.replaceFirst("\"decision\":\"ALLOW\"", "\"decision\":\"DENY\""));
        AuditLog.Verification edited = ExportVerifier.verify(export, key);
        assertFalse(edited.ok());
        assertTrue(edited.failure().get().reason().contains("content does not match"), edited.toString());

        Files.writeString(export, text);
        AuditKey other = AuditSigner.parse(AuditSigner.generate()).publicKey();
        assertFalse(ExportVerifier.verify(export, other).ok(), "another key's checkpoints do not verify");
    }

    @Test
    void afterASigningKeyRotation_oldCheckpointsVerifyOnlyWhileTheOldPublicKeyIsTrusted() throws Exception {
        fiveEvents();
        AuditSigner rotated = AuditSigner.parse(AuditSigner.generate());
        AuditKey old = f.log.publicKey();
        AuditLog afterRotation = new AuditLog(f.store.sql(), rotated, List.of(old), 5, Duration.ofMinutes(5), f.clock);
        for (int i = 0; i < 6; i++) {
            afterRotation.append("acme", new AuditEntry.Replayed(f.clock.instant(), 1, List.of((long) i), Optional.empty(),
                    Optional.empty()));
        }
        List<Checkpoint> checkpoints = checkpoints(afterRotation, "acme");
        assertEquals(List.of(old.keyId(), old.keyId(), rotated.publicKey().keyId()),
                checkpoints.stream().map(Checkpoint::keyId).toList(), "seq 6 and 12 by the old key, the next by the new one");
        assertEquals(List.of(rotated.publicKey().keyId(), old.keyId()), afterRotation.trustedKeys().keyIds());

        AuditLog.Verification both = afterRotation.verify("acme");
        assertTrue(both.ok(), both.toString());
        assertEquals(3, both.checkpointsVerified());

        AuditLog forgotten = new AuditLog(f.store.sql(), rotated, 5, Duration.ofMinutes(5), f.clock);
        AuditLog.Verification without = forgotten.verify("acme");
        assertFalse(without.ok());
        assertEquals(6, without.failure().get().seq(), without.toString());
        assertTrue(without.failure().get().reason().contains("signed by key " + old.keyId() + ", which is not a trusted key"),
                without.failure().get().reason());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(afterRotation, "acme", AuditQuery.all(), f.clock.instant(), out);
        Path export = dir.resolve("rotated.jsonl");
        Files.write(export, out.toByteArray());
        AuditLog.Verification offline = ExportVerifier.verify(export, TrustedKeys.of(List.of(rotated.publicKey(), old)));
        assertTrue(offline.ok(), offline.toString());
        assertEquals(4, offline.checkpointsVerified(), "and the head signed as exported");
        assertEquals(6, ExportVerifier.verify(export, rotated.publicKey()).failure().get().seq(),
                "offline, too, the old checkpoints need the old public key");
        AuditKey stranger = AuditSigner.parse(AuditSigner.generate()).publicKey();
        assertFalse(ExportVerifier.verify(export, TrustedKeys.of(List.of(stranger, rotated.publicKey()))).ok());
    }

    @Test
    void aCheckpointNamingATrustedKeyButSignedByAnotherFails() {
        fiveEvents();
        AuditSigner forger = AuditSigner.parse(AuditSigner.generate());
        Checkpoint genuine = checkpoints(f.log, "acme").getFirst();
        Checkpoint forged = forger.sign("acme", genuine.seq(), genuine.hash(), genuine.signedAt());
        f.execute("UPDATE audit_checkpoints SET signature = '" + forged.signature() + "' WHERE tenant_id = 'acme' AND seq = "
                + genuine.seq());
        assertFault(genuine.seq(), "does not verify with the public key " + f.log.publicKey().keyId());
    }

    /**
     * Review 1, finding 2: checkpoint rows deleted so that the records they signed could be
     * rewritten verified as long as the head moved with the rewrite. The head row's
     * checkpoint_seq, written with each checkpoint, still names the last one.
     */
    @Test
    void deletedCheckpointsAreCaughtByTheHeadsCheckpointSeq() throws Exception {
        fiveEvents();
        f.execute("DELETE FROM audit_checkpoints WHERE tenant_id = 'acme' AND seq = 12");
        assertFault(7, "the chain head says its last checkpoint is at seq 12, but the last stored checkpoint is at seq 6");
        // Rolled back past the checkpoint too: the head row names a checkpoint beyond its records.
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq >= 11");
        f.execute("UPDATE audit_heads SET seq = 10, hash = (SELECT hash FROM audit_records WHERE tenant_id = 'acme' AND seq = 10)"
                + " WHERE tenant_id = 'acme'");
        assertFault(11, "the chain head says seq 12 was checkpointed, but the records end at seq 10");
        AuditLog.Verification v = f.log.verify("acme");
        assertEquals(6, v.lastCheckpointSeq(), v.toString());
    }

    /** The verification names the last checkpoint, and how many records follow it (signed by nothing yet). */
    @Test
    void verificationReportsTheRecordsAfterTheLastCheckpoint() {
        fiveEvents();
        AuditLog.Verification v = f.log.verify("acme");
        assertEquals(12, v.lastCheckpointSeq());
        assertEquals(3, v.unsignedRecords());
    }

    /**
     * Review 1, finding 3: after a rotation, the replaced key (perhaps leaked) signed checkpoints
     * over later records and verification trusting both keys accepted them.
     */
    @Test
    void aReplacedKeyCannotSignACheckpointAfterOneOfItsReplacement() {
        fiveEvents();
        AuditKey old = f.log.publicKey();
        AuditSigner rotated = AuditSigner.parse(AuditSigner.generate());
        AuditLog afterRotation = new AuditLog(f.store.sql(), rotated, List.of(old), 5, Duration.ofMinutes(5), f.clock);
        for (int i = 0; i < 11; i++) {
            afterRotation.append("acme", new AuditEntry.Replayed(f.clock.instant(), 1, List.of((long) i), Optional.empty(),
                    Optional.empty()));
        }
        List<Checkpoint> all = checkpoints(afterRotation, "acme");
        assertEquals(List.of(6L, 12L, 17L, 22L), all.stream().map(Checkpoint::seq).toList());
        assertTrue(afterRotation.verify("acme").ok());
        // The checkpoint at 22 signed again with the old key.
        Checkpoint last = all.getLast();
        Checkpoint forged = AuditSigner.parse(AuditFixture.SIGNING_SEED).sign("acme", last.seq(), last.hash(), last.signedAt());
        f.execute("UPDATE audit_checkpoints SET key_id = '" + forged.keyId() + "', signature = '" + forged.signature()
                + "' WHERE tenant_id = 'acme' AND seq = 22");
        AuditLog.Verification v = afterRotation.verify("acme");
        assertFalse(v.ok());
        assertEquals(22, v.failure().get().seq(), v.toString());
        assertTrue(v.failure().get().reason().contains("signed by key " + old.keyId() + ", which key "
                + rotated.publicKey().keyId() + " replaced before its checkpoint at seq 17"), v.failure().get().reason());
    }

    @Test
    void erasurePurgesOnlyTheSubjectsPendingRowsAndStoresNothingRaw() {
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        f.ingest(f.acme, f.purchase("o-2", "  jane.doe@example.COM ", "+16505550000"));
        f.ingest(f.acme, f.purchase("o-3", "other@example.com", "+16505559999"));
        long before = f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme'");

        Erasure.Result result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of("jane.doe@example.com"), Optional.empty(), Optional.empty(), Optional.empty()));

        long perEvent = before / 3;
        assertEquals(2 * perEvent, result.erased().get("pending_deliveries"), result.toString());
        // Email, phone (digits and E.164) and external id of o-1 and o-2, however the store lays them out.
        assertEquals(8L, result.erased().get("subject_links"), result.toString());
        assertEquals(List.of("email"), result.identifierKinds());
        assertEquals(perEvent, f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme'"));
        assertEquals(perEvent, f.queryLong("SELECT count(*) FROM outbox WHERE event_id = 'o-3'"), "other subjects stay");
        String stored = f.dump("audit_subjects") + f.dump("audit_records") + f.dump("events");
        for (String raw : List.of("jane.doe", "Jane.Doe", "6505551212", "other@example.com", "ext-o-1")) {
            assertFalse(stored.contains(raw), raw + " must never be stored");
        }
        StoredRecord record = f.log.page("acme", AuditQuery.all().after(result.auditSeq() - 1), 1).getFirst();
        assertEquals("erasure", record.kind());
        assertFalse(record.body().contains("\"part"), "an erasure in one transaction is one record, as before parts: " + record.body());
        assertTrue(f.log.verify("acme").ok());

        Erasure.Result again = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of("jane.doe@example.com"), Optional.empty(), Optional.empty(), Optional.empty()));
        assertEquals(0L, again.erased().get("subject_links"), "the links are gone: " + again);
        Erasure.Result other = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.empty(), Optional.of("+1 650 555 9999"), Optional.empty(), Optional.empty()));
        assertEquals(4L, other.erased().get("subject_links"), other.toString());
        assertEquals(perEvent, other.erased().get("pending_deliveries"), other.toString());
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
    }

    @Test
    void erasureRemovesTheSubjectFromTheLedgersCustomerSets() {
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        f.ingest(f.acme, f.purchase("o-2", "  jane.doe@example.COM ", "+16505550000"));
        f.ingest(f.acme, f.purchase("o-3", "other@example.com", "+16505559999"));
        CustomerFolder.create(f.store, f.clock).fold();
        String storedIds = "SELECT sum(length(customers)) / 8 FROM ledger_customer_days WHERE tenant_id = 'acme'";
        assertEquals(3, f.queryLong(storedIds), "three customers (one external id per purchase) folded");

        Erasure.Result result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of("jane.doe@example.com"), Optional.empty(), Optional.empty(), Optional.empty()));

        assertEquals(2L, result.erased().get("ledger_customer_links"), result.toString());
        assertEquals(1, f.queryLong(storedIds), "only the other shopper is left in the sets");
        LocalDate day = LocalDate.ofInstant(f.clock.instant(), ZoneOffset.UTC);
        KpiReport report = Ledger.create(f.store, LedgerSettings.defaults())
                .report(new KpiQuery("acme", day.minusDays(1), day, GroupBy.PLATFORM, "EUR"));
        assertEquals(1, report.totals().figures().customers());
    }

    /**
     * Twenty purchases, every fifth by the subject, erased by email through an audit log whose
     * transactions record their statements: what the dialects' tests ask their planners about.
     */
    RecordingSql erasedWithItsStatementsRecorded() {
        for (int i = 0; i < 20; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, i % 5 == 0 ? EMAIL : "shopper" + i + "@example.com", "+1650555" + (1000 + i)));
        }
        RecordingSql recording = new RecordingSql(f.store.sql());
        AuditLog log = new AuditLog(recording, AuditSigner.parse(AuditFixture.SIGNING_SEED), 5, Duration.ofMinutes(5), f.clock);

        Erasure.Result result = new Erasure(log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of(EMAIL), Optional.empty(), Optional.empty(), Optional.empty()));

        assertEquals(4L * 4, result.erased().get("subject_links"), result.toString());
        assertEquals(4L, result.erased().get("ledger_customer_links"), result.toString());
        return recording;
    }

    /**
     * A subject with more events than a part holds (a placeholder email) is erased in parts, each
     * its own transaction touching only its own events and ledger entries and writing its own
     * record, with a pause after each; events of the subject's that arrive while the parts run are
     * taken in outside the transactions and parted too, and the answer counts every part.
     */
    @Test
    void aSubjectWithManyEventsIsErasedInParts_eachTransactionItsOwnEventsAndRecord() throws Exception {
        // Jane's rows four apart: farther than a row's neighbours reach (SubjectScan.NEIGHBOURS).
        for (int i = 0; i < 35; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, i % 5 == 0 ? EMAIL : "other" + i + "@example.com", "+1650555" + (1000 + i)));
        }
        dev.sluice.ledger.CustomerFolder.create(f.store, f.clock).fold();
        String storedIds = "SELECT sum(length(customers)) / 8 FROM ledger_customer_days WHERE tenant_id = 'acme'";
        assertEquals(35, f.queryLong(storedIds), "35 customers (one external id per purchase) folded");
        long outboxPerEvent = f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme'") / 35;
        long headBefore = f.queryLong("SELECT max(seq) FROM audit_records WHERE tenant_id = 'acme'");
        RecordingSql recording = new RecordingSql(f.store.sql());
        AuditLog log = new AuditLog(recording, AuditSigner.parse(AuditFixture.SIGNING_SEED), 5, Duration.ofMinutes(5), f.clock);
        List<Duration> pauses = new java.util.ArrayList<>();
        RetentionPurge.Pauser pauser = d -> {
            pauses.add(d);
            if (pauses.size() == 1) {
                for (int i = 1; i <= 3; i++) {
                    f.ingest(f.acme, f.purchase("o-late-" + i, EMAIL, "+1650555200" + i));
                }
            }
        };

        Erasure.Result result = new Erasure(log, 2, pauser).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of(EMAIL), Optional.empty(), Optional.empty(), Optional.empty()));

        // Jane's seven events and seven entries in parts of two: three parts, then what came
        // meanwhile with the one left (four) taken in outside: a fourth part, and the last.
        assertEquals(4, pauses.size(), pauses.toString());
        List<Long> janes = eventRows("o-0", "o-5", "o-10", "o-15", "o-20", "o-25", "o-30", "o-late-1", "o-late-2", "o-late-3");
        List<List<RecordingSql.Recorded>> transactions = recording.transactions();
        assertEquals(5, transactions.size());
        List<Long> erasedEvents = new java.util.ArrayList<>();
        List<Long> unlinkedEntries = new java.util.ArrayList<>();
        for (List<RecordingSql.Recorded> transaction : transactions) {
            List<Long> events = boundIds(transaction, Erasure.OPEN.substring(0, Erasure.OPEN.indexOf(" WHERE")));
            List<Long> entries = boundIds(transaction, "UPDATE ledger_entries SET customer_key = NULL");
            assertTrue(events.size() <= 2 && entries.size() <= 2, events + " " + entries);
            erasedEvents.addAll(events);
            unlinkedEntries.addAll(entries);
        }
        assertEquals(janes, erasedEvents.stream().sorted().toList(), "each of Jane's events in one part");
        List<Long> janesEntries = f.queryLongs("SELECT id FROM ledger_entries WHERE event_row_id IN ("
                + janes.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ") ORDER BY id");
        assertEquals(unlinkedEntries.size(), Set.copyOf(unlinkedEntries).size(), "each entry in one part: " + unlinkedEntries);
        assertTrue(janesEntries.containsAll(unlinkedEntries), unlinkedEntries.toString());
        // The parts unlink entries by id; the last on SQLite too, on PostgreSQL by key (reaching entries booked since).
        assertTrue(unlinkedEntries.size() >= 8, unlinkedEntries.toString());

        assertEquals(10L * 4, result.erased().get("subject_links"), result.toString());
        assertEquals(10L, result.erased().get("ledger_customer_links"), result.toString());
        assertEquals(28, f.queryLong("SELECT count(DISTINCT event_row_id) FROM audit_subjects WHERE tenant_id = 'acme'"),
                "the others' rows stay");
        assertEquals(28, f.queryLong("SELECT count(*) FROM ledger_entries WHERE customer_key IS NOT NULL"));
        assertEquals(28 * outboxPerEvent, f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme'"));
        assertEquals(28, f.queryLong(storedIds), "only the other shoppers are left in the customer sets");

        List<StoredRecord> records = f.log.page("acme", AuditQuery.all().after(headBefore), 100).stream()
                .filter(r -> r.kind().equals("erasure")).toList();
        assertEquals(5, records.size(), records.toString());
        Map<String, Long> summed = new java.util.TreeMap<>();
        for (int k = 0; k < 5; k++) {
            com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(records.get(k).body());
            assertEquals(k + 1, body.path("part").asInt(), body.toString());
            assertEquals(k == 4 ? 5 : 0, body.path("parts").asInt(), "the last part says how many: " + body);
            body.path("erased").properties().forEach(e -> summed.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        assertEquals(result.erased(), summed, "the answer counts every part's record");
        assertEquals(records.getLast().seq(), result.auditSeq());
        assertTrue(f.log.verify("acme").ok());
    }

    List<Long> eventRows(String... eventIds) {
        return f.queryLongs("SELECT id FROM events WHERE tenant_id = 'acme' AND event_id IN ('" + String.join("', '", eventIds)
                + "') ORDER BY id");
    }

    /** The event row or entry ids bound to the statements of {@code transaction} that start with {@code sql}. */
    private static List<Long> boundIds(List<RecordingSql.Recorded> transaction, String sql) {
        return transaction.stream().filter(r -> r.sql().startsWith(sql))
                .flatMap(r -> r.values().values().stream()).filter(Long.class::isInstance).map(Long.class::cast).toList();
    }

    @Test
    void erasureByPhoneMatchesNationalAndInternationalForms() {
        f.ingest(f.acme, f.purchase("o-1", EMAIL, "(650) 555-1212"));
        Erasure.Result result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.empty(), Optional.of("+1 650 555 1212"), Optional.empty(), Optional.empty()));
        assertTrue(result.erased().get("pending_deliveries") > 0, result.toString());
        assertEquals(0, f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme'"));
    }

    @Test
    void retentionPurgesOldDataAuditsItselfAndTheChainStillVerifies() {
        oldEventsDeliveredWhere("event_id = 'o-1'");
        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofDays(30)), Optional.of(Duration.ofDays(30))));

        Map<String, Long> purged = purge.run("acme");

        assertEquals(15L, purged.get("audit"));
        assertTrue(purged.get("delivered") > 0, purged.toString());
        // Events rows and subject keys go only where no delivery is open: o-1 was delivered,
        // o-2 to o-15 still have pending outbox rows (an erasure must still reach them).
        assertEquals(0, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme' AND event_id = 'o-1'"));
        assertEquals(15, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme'"),
                "o-2 to o-15 and the recent o-new");
        assertEquals(15, f.queryLong("SELECT count(DISTINCT event_row_id) FROM audit_subjects WHERE tenant_id = 'acme'"),
                "o-2 to o-15 and the recent o-new keep their subject keys");
        AuditLog.Verification v = f.log.verify("acme");
        assertTrue(v.ok(), v.toString());
        assertEquals(16, v.firstSeq());
        StoredRecord last = f.log.page("acme", AuditQuery.all().after(v.lastSeq() - 1), 1).getFirst();
        assertEquals("retention", last.kind());
        assertTrue(last.body().contains("\"retained_from_seq\":16"), last.body());

        f.clock.advance(Duration.ofDays(40));
        purge.run("acme");
        assertTrue(f.log.verify("acme").ok(), "a second purge re-anchors the chain");
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND kind = 'retention'");
        assertFalse(f.log.verify("acme").ok(), "without the retention record the gap is a deletion");
    }

    /**
     * A destination removed from acme's configuration (meta): its pending copies and dead letters
     * go once committed longer ago than the dead-letter retention (since session 40; before, they
     * stayed for good), younger ones and configured destinations' rows stay, and so does another
     * tenant's. The purge is audited, naming the destination, and the chain verifies, also offline.
     */
    @Test
    void retentionPurgesARemovedDestinationsOpenRowsOnceOlderThanTheDeadLetterRetention() throws Exception {
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        f.ingest(f.acme, f.purchase("o-2", "b@example.com", "+16505550002"));
        f.ingest(f.globex, f.purchase("g-1", "g@example.com", "+16505550003"));
        f.clock.advance(Duration.ofDays(40));
        // o-2's copy for meta died just now (its replay refused since): the dead-letter retention,
        // counted from the death, keeps it; as a removed destination's row it goes by its commit.
        f.execute("UPDATE outbox SET state = 'dead', updated_at = " + f.clock.instant().toEpochMilli()
                + " WHERE tenant_id = 'acme' AND event_id = 'o-2' AND destination_id = 'meta'");
        f.ingest(f.acme, f.purchase("o-3", "c@example.com", "+16505550004"));
        Map<String, Set<String>> configured = Map.of("acme", Set.of("google", "warehouse"), "globex", Set.of());
        String acmeRows = "SELECT count(*) FROM outbox WHERE tenant_id = 'acme' AND state IN ('pending', 'dead')";
        assertEquals(9, f.queryLong(acmeRows));
        long globexRows = f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'globex'");
        assertTrue(globexRows > 0);

        Map<String, Long> kept = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.empty(), Optional.empty(), Optional.empty()), configured).run("acme");
        assertFalse(kept.containsKey("undeliverable_pending"), "dead-letters off: nothing of them is purged " + kept);
        assertEquals(9, f.queryLong(acmeRows));

        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofDays(30)), Optional.empty()), configured);
        Map<String, Long> purged = purge.run("acme");

        assertEquals(1L, purged.get("undeliverable_pending"), purged.toString());
        assertEquals(1L, purged.get("undeliverable_dead_letters"), purged.toString());
        assertEquals(0L, purged.get("dead_letters"), purged.toString());
        assertEquals(List.of("o-3"), f.queryStrings("SELECT event_id FROM outbox WHERE tenant_id = 'acme'"
                + " AND destination_id = 'meta'"), "the copy committed within the retention stays");
        assertEquals(6, f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme' AND destination_id IN ('google', 'warehouse')"),
                "configured destinations' copies stay, however old");
        assertEquals(globexRows, f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'globex'"),
                "another tenant's rows are not acme's purge's");
        StoredRecord record = f.log.page("acme", AuditQuery.all().after(f.log.tip("acme").seq() - 1), 1).getFirst();
        assertEquals("retention", record.kind());
        assertTrue(record.body().contains("\"undeliverable_dead_letters\":1,\"undeliverable_pending\":1}"), record.body());
        assertTrue(record.body().contains("\"undeliverable_destinations\":[\"meta\"]"), record.body());
        assertTrue(f.log.verify("acme").ok());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(f.log, "acme", AuditQuery.all(), f.clock.instant(), out);
        Path export = dir.resolve("undeliverable.jsonl");
        Files.write(export, out.toByteArray());
        AuditKey key = AuditKey.parse(f.log.publicKey().pem());
        AuditLog.Verification offline = ExportVerifier.verify(export, key);
        assertTrue(offline.ok(), offline.toString());
        Files.writeString(export, utf8(out).replace("\"undeliverable_destinations\":[\"meta\"]",
                "\"undeliverable_destinations\":[\"google\"]"));
        assertFalse(ExportVerifier.verify(export, key).ok(), "the destinations named are part of the hashed body");

        f.clock.advance(Duration.ofDays(31));
        assertEquals(1L, purge.run("acme").get("undeliverable_pending"), "o-3's copy, once old enough");
        assertEquals(0, f.queryLong("SELECT count(*) FROM outbox WHERE tenant_id = 'acme' AND destination_id = 'meta'"));
        long records = f.log.tip("acme").seq();
        assertEquals(0L, purge.run("acme").get("undeliverable_pending"));
        assertEquals(records, f.log.tip("acme").seq(), "a purge that deleted nothing records nothing");
        assertTrue(f.log.verify("acme").ok());
    }

    @Test
    void theAuditPrefixIsPurgedInSteps_eachWithItsRetentionRecord_andTheChainVerifiesBetweenThem() {
        oldEventsDeliveredWhere("true");
        RetentionPurge.Policy auditOnly = new RetentionPurge.Policy(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofDays(30)));
        List<Boolean> verifiedBetweenSteps = new ArrayList<>();
        RetentionPurge purge = new RetentionPurge(f.log, auditOnly, 2, d -> verifiedBetweenSteps.add(f.log.verify("acme").ok()), 4);

        Map<String, Long> purged = purge.run("acme");

        assertEquals(Map.of("audit", 15L), purged);
        assertEquals(List.of(true, true, true), verifiedBetweenSteps, "seq 1-4, 5-8, 9-12, then 13-15");
        List<StoredRecord> retention = f.log.page("acme", AuditQuery.all().after(16), 10);
        assertEquals(List.of("retention", "retention", "retention", "retention"), retention.stream().map(StoredRecord::kind).toList());
        assertTrue(retention.getFirst().body().contains("\"retained_from_seq\":5"), retention.getFirst().body());
        assertTrue(retention.getFirst().body().contains("\"audit\":4"), retention.getFirst().body());
        assertTrue(retention.getLast().body().contains("\"retained_from_seq\":16"), retention.getLast().body());
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_checkpoints WHERE tenant_id = 'acme' AND seq <= 15"),
                "the checkpoints inside the purged records went with them");
        AuditLog.Verification v = f.log.verify("acme");
        assertTrue(v.ok(), v.toString());
        assertEquals(16, v.firstSeq());
    }

    @Test
    void anAuditPurgeStoppedBetweenStepsLeavesAChainThatVerifies_andTheNextRunGoesOn() {
        oldEventsDeliveredWhere("true");
        RetentionPurge.Policy auditOnly = new RetentionPurge.Policy(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofDays(30)));
        RetentionPurge stopped = new RetentionPurge(f.log, auditOnly, 2, d -> {
            throw new InterruptedException("shutting down");
        }, 4);

        assertEquals(Map.of("audit", 4L), stopped.run("acme"));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        AuditLog.Verification v = f.log.verify("acme");
        assertTrue(v.ok(), v.toString());
        assertEquals(5, v.firstSeq());

        assertEquals(Map.of("audit", 11L), new RetentionPurge(f.log, auditOnly, 2, d -> { }, 4).run("acme"));
        v = f.log.verify("acme");
        assertTrue(v.ok(), v.toString());
        assertEquals(16, v.firstSeq());
    }

    @Test
    void retentionPurgesASupersededEventsRowOnceItsDeliveriesAreSettled() {
        assertEquals(EventResult.Status.ACCEPTED, f.ingest(f.acme, f.purchase("k-1", EMAIL, PHONE)).getFirst().status());
        long first = f.queryLong("SELECT max(id) FROM events WHERE tenant_id = 'acme' AND event_id = 'k-1'");
        f.clock.advance(Duration.ofDays(8));
        // Past the dedup window the same key is accepted again; the first row is superseded.
        assertEquals(EventResult.Status.ACCEPTED, f.ingest(f.acme, f.purchase("k-1", EMAIL, PHONE)).getFirst().status());
        long outboxOfFirst = f.queryLong("SELECT count(*) FROM outbox WHERE event_row_id = " + first);
        assertTrue(outboxOfFirst > 0);
        f.clock.advance(Duration.ofDays(25));
        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.empty(), Optional.empty(), Optional.empty()));

        purge.run("acme");
        assertEquals(1, f.queryLong("SELECT count(*) FROM events WHERE id = " + first),
                "33 days old but its deliveries are still pending: an erasure must still reach them");

        // Delivered: delivery deletes a delivered row (DeliveryStore.markDelivered).
        f.execute("DELETE FROM outbox WHERE event_row_id = " + first);
        purge.run("acme");
        assertEquals(0, f.queryLong("SELECT count(*) FROM events WHERE id = " + first));
        assertEquals(1, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme' AND event_id = 'k-1'"),
                "the row accepted later (25 days old) stays");
        assertTrue(f.log.verify("acme").ok());
    }

    @Test
    void retentionDeletesInSmallTransactionsAndPausesBetweenThem() {
        oldEventsDeliveredWhere("true");
        List<Duration> pauses = new ArrayList<>();
        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.empty(), Optional.empty(), Optional.empty()), 2, pauses::add);

        Map<String, Long> purged = purge.run("acme");

        assertEquals(15L, purged.get("events"), purged.toString());
        assertEquals(1, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme'"), "only o-new is left");
        assertEquals(1, f.queryLong("SELECT count(DISTINCT event_row_id) FROM audit_subjects WHERE tenant_id = 'acme'"),
                "every old event's subject keys go, chunk after chunk");
        long subjectRows = purged.get("subject_links");
        // A pause after every full chunk of two rows: 7 for the 15 events rows, and on SQLite one
        // per two subject rows (PostgreSQL deletes subject keys in one statement).
        boolean postgres = dev.sluice.store.StoreConfig.POSTGRES.equals(f.log.sql().dialect());
        assertEquals(7 + (postgres ? 0 : subjectRows / 2), pauses.size(), pauses.toString());
        assertTrue(pauses.stream().allMatch(p -> !p.isNegative() && p.compareTo(Duration.ofSeconds(1)) <= 0), pauses.toString());
        assertTrue(f.log.verify("acme").ok());
    }

    @Test
    void policyIsRecordedOncePerTenantAndAgainWhenItChanges() throws Exception {
        assertEquals(2, f.log.recordPolicy(List.of("acme", "globex"), f.policy));
        assertEquals(0, f.log.recordPolicy(List.of("acme", "globex"), f.policy));
        assertEquals("policy", f.log.page("acme", AuditQuery.all(), 1).getFirst().kind());
        dev.sluice.consent.ConsentPolicy edited = dev.sluice.consent.ConsentPolicy.parse(
                Files.readString(Path.of("conf/consent-policy.yaml")) + "\n# edited\n", "edited");
        assertEquals(1, f.log.recordPolicy(List.of("acme"), edited));
        StoredRecord second = f.log.page("acme", AuditQuery.all().after(1), 1).getFirst();
        assertTrue(second.body().contains("\"previous_policy_sha256\":\"" + f.policy.contentSha256() + "\""), second.body());
    }

    @Test
    void timeBasedCheckpointsSignTheHeadOnlyWhenDue() {
        f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
        assertEquals(0, f.log.checkpointDue(List.of("acme")), "the interval has not passed");
        f.clock.advance(Duration.ofMinutes(6));
        assertEquals(1, f.log.checkpointDue(List.of("acme", "globex")), "globex has no records");
        assertEquals(0, f.log.checkpointDue(List.of("acme")), "nothing new since");
        assertEquals(1, checkpoints(f.log, "acme").getLast().seq());
    }

    /**
     * {@link #fiveEvents}, their outbox rows matching {@code condition} delivered, 40 days passed,
     * and one new event (o-new). Delivered as earlier versions left delivered rows (kept,
     * state {@code delivered}, for the {@code delivered} retention to purge); delivery now deletes
     * them at once.
     */
    void oldEventsDeliveredWhere(String condition) {
        fiveEvents();
        f.execute("UPDATE outbox SET state = 'delivered' WHERE tenant_id = 'acme' AND " + condition);
        f.clock.advance(Duration.ofDays(40));
        f.ingest(f.acme, f.purchase("o-new", EMAIL, PHONE));
    }

    /**
     * Fifteen events in five requests of three: seq 1..15, one record per event; with
     * checkpoint-every 5, checkpoints at 6 and 12 (each request's transaction appends three).
     */
    void fiveEvents() {
        f.fifteenPurchasesInFiveRequests();
        assertEquals(15, f.log.tip("acme").seq());
        assertEquals(List.of(6L, 12L), checkpoints(f.log, "acme").stream().map(Checkpoint::seq).toList());
        assertTrue(f.log.verify("acme").ok());
    }

    void assertFault(long seq, String reason) {
        AuditLog.Verification v = f.log.verify("acme");
        assertFalse(v.ok(), "tampering must be detected");
        assertEquals(seq, v.failure().get().seq(), v.toString());
        assertTrue(v.failure().get().reason().contains(reason), v.failure().get().reason());
    }

    static String utf8(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every checkpoint of the tenant, as the audit log's paging iterator hands them out. */
    static List<Checkpoint> checkpoints(AuditLog log, String tenantId) {
        List<Checkpoint> all = new java.util.ArrayList<>();
        log.checkpoints(tenantId, Long.MAX_VALUE).forEachRemaining(all::add);
        return all;
    }
}
