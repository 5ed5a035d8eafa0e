package dev.sluice.audit;

import dev.sluice.store.DeliveryStore;
import dev.sluice.store.OutboxRow;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqliteAuditLogTest extends AbstractAuditLogTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.sqlite(dir, 5);
    }

    /**
     * A record whose own time is more than a minute behind the chain (the host's clock was set
     * back) takes the chain's time like any late record, and says so in the log, once a minute
     * per tenant at most.
     */
    @Test
    void aClockSetBackIsLoggedOnceAMinuteWhileRecordsHoldTheChainsTime() {
        try (dev.sluice.testing.LogLines log = dev.sluice.testing.LogLines.warningsOf(ChainAppender.class)) {
            List<String> warnings = log.lines();
            f.ingest(f.acme, f.purchase("o-1", EMAIL, PHONE));
            java.time.Instant ahead = f.clock.instant();
            f.clock.advance(Duration.ofSeconds(-30));
            f.ingest(f.acme, f.purchase("o-2", "b@example.com", "+16505550002"));
            assertEquals(List.of(), warnings, "30 s behind: a slow request, not a clock");
            f.clock.advance(Duration.ofMinutes(-10));
            f.ingest(f.acme, f.purchase("o-3", "c@example.com", "+16505550003"));
            f.clock.advance(Duration.ofSeconds(20));
            f.ingest(f.acme, f.purchase("o-4", "d@example.com", "+16505550004"));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("event=audit_times_held tenant=acme behind_ms=630000"), warnings.toString());
            f.clock.advance(Duration.ofSeconds(61));
            f.ingest(f.acme, f.purchase("o-5", "e@example.com", "+16505550005"));
            assertEquals(2, warnings.size(), "a minute later, again: " + warnings);
            for (StoredRecord r : f.log.page("acme", AuditQuery.all(), 10)) {
                assertEquals(ahead, r.recordedAt(), r.body());
            }
        }
    }

    @Override
    boolean ordersRecordTimes() {
        return true;
    }

    /** The embedded store keeps decision records packed: alter the packed fields, as someone with the file could. */
    @Override
    void alterDecision(long seq) {
        String where = " FROM audit_records WHERE tenant_id = 'acme' AND seq = " + seq;
        byte[] stored = java.util.HexFormat.of().parseHex(f.queryString("SELECT lower(hex(body))" + where));
        AuditEntry.Decided d = PackedDecision.unpack(stored, java.time.Instant.ofEpochMilli(f.queryLong("SELECT recorded_at" + where)),
                f.queryString("SELECT event_id" + where));
        List<dev.sluice.consent.ConsentDecision> altered = new java.util.ArrayList<>();
        for (dev.sluice.consent.ConsentDecision c : d.decisions()) {
            altered.add(c.decision() != dev.sluice.consent.Decision.ALLOW ? c : new dev.sluice.consent.ConsentDecision(
                    c.destinationId(), c.destinationType(), dev.sluice.consent.Decision.DENY, c.ruleIds(), c.reasonCodes(),
                    c.restrictions(), c.jurisdiction()));
        }
        assertNotEquals(d.decisions(), altered, "the record has an ALLOW to alter");
        byte[] packed = PackedDecision.pack(new AuditEntry.Decided(d.at(), d.eventId(), d.eventName(), altered, d.seen(),
                d.jurisdiction(), d.policyVersion(), d.policySha256()));
        f.execute("UPDATE audit_records SET body = X'" + java.util.HexFormat.of().formatHex(packed) + "'"
                + " WHERE tenant_id = 'acme' AND seq = " + seq);
    }

    /**
     * On the embedded store the retention purge reads rowid ranges, not the subject keys' time
     * index (V35 drops it) nor the tables from their start: it finds the last row received before
     * the cutoff by bisecting the rowids, and each chunk starts past the last row the chunk before
     * it deleted. Rows of two tenants interleave, some of them kept (open deliveries), and a row
     * received out of order (the clock stepped back) past the bound waits for a later run.
     */
    @Test
    void retentionReadsRowidRanges_twoTenantsInterleaved_keptRowsStay_aRowOutOfOrderGoesLater() throws Exception {
        f.execute("DELETE FROM audit_subjects");
        long day = Duration.ofDays(1).toMillis();
        long now = f.clock.instant().toEpochMilli();
        StringBuilder insert = new StringBuilder("INSERT INTO audit_subjects (tenant_id, subject_key, event_row_id, received_at) VALUES ");
        // 60 rows, 40 to 10.5 days old (two a day), tenants alternating; rows 1-20 are older than 30 days, row 3
        // is kept by an open delivery, and row 50 (15.5 days old by its neighbours) was received 40.5 days ago.
        for (int i = 1; i <= 60; i++) {
            long received = now - (40 * day) + (i - 1) * (day / 2) + (i == 50 ? -25 * day : 0);
            insert.append(i > 1 ? ", " : "").append("('").append(i % 2 == 0 ? "acme" : "globex").append("', X'00', ")
                    .append(1_000_000 + i).append(", ").append(received).append(')');
        }
        f.execute(insert.toString());
        f.execute("INSERT INTO delivery_log (id, tenant_id, destinations, copies) VALUES (1000003, 'globex', '|meta|', X'00')");
        long cutoff = now - 30 * day;
        try (var c = f.connect()) {
            long bound = RetentionPurge.lastReceivedBefore(c, "audit_subjects", cutoff);
            assertEquals(20, f.queryLong("SELECT count(*) FROM audit_subjects WHERE rowid <= " + bound),
                    "the last row received before the cutoff, in rowid order");
            String subjects = plan(c, RetentionPurge.SUBJECTS);
            assertTrue(subjects.contains("SEARCH s USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"), subjects);
            assertFalse(subjects.contains("SCAN s"), subjects);
            String events = plan(c, RetentionPurge.EVENTS_SQLITE);
            assertTrue(events.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"), events);
        }
        assertEquals(0, f.queryLong("SELECT count(*) FROM sqlite_master WHERE name = 'audit_subjects_time'"));

        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.empty(), Optional.empty(), Optional.empty()), 3, pause -> { });
        purge.run("acme");
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme' AND event_row_id <= 1000020"),
                "acme's ten rows older than 30 days, three a chunk");
        assertEquals(10, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'globex' AND event_row_id <= 1000020"),
                "another tenant's rows stay");
        purge.run("globex");
        assertEquals(List.of(1_000_003L, 1_000_050L), f.queryLongs(
                "SELECT event_row_id FROM audit_subjects WHERE event_row_id <= 1000020 OR received_at < " + cutoff
                        + " ORDER BY event_row_id"), "kept for its open delivery; out of order, past the bound");
        assertEquals(41, f.queryLong("SELECT count(*) FROM audit_subjects"));
        f.clock.advance(Duration.ofDays(11));
        purge.run("acme");
        assertEquals(1, f.queryLong("SELECT count(*) FROM audit_subjects WHERE event_row_id = 1000050"),
                "still past the bound: the rows around it are younger than the cutoff");
        f.clock.advance(Duration.ofDays(4));
        purge.run("acme");
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_subjects WHERE event_row_id = 1000050"),
                "gone once the cutoff passed the rows around it");
        assertEquals(1, f.queryLong("SELECT count(*) FROM audit_subjects WHERE event_row_id = 1000003"));
    }

    /** A raw record of {@code tenant} (not a valid chain: bisection reads only seq and time). */
    private void rawRecord(String tenant, long seq, long recordedAt) {
        f.execute("INSERT INTO audit_records (tenant_id, seq, kind, recorded_at, body, prev_hash, hash) VALUES ('" + tenant
                + "', " + seq + ", 'erasure', " + recordedAt + ", 'x', X'00', X'00')");
    }

    /**
     * Without an index on times (V38), a time is found by bisecting the sequence numbers through
     * the primary key: against a brute-force reading for every time in range, with repeated
     * times, a purged prefix, another tenant's records interleaved, and a tenant with none.
     */
    @Test
    void aTimeIsAPlaceInTheSequenceFoundThroughThePrimaryKey() throws Exception {
        assertEquals(0, f.queryLong("SELECT count(*) FROM sqlite_master WHERE name = 'audit_records_time'"));
        java.util.TreeMap<Long, Long> times = new java.util.TreeMap<>();
        for (long seq = 1; seq <= 200; seq++) {
            long at = 10_000 + (seq / 3) * 7;
            rawRecord("acme", seq, at);
            rawRecord("globex", seq, 5_000 + seq);
            times.put(seq, at);
        }
        f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq <= 20");
        times.headMap(20L, true).clear();
        try (var c = f.connect()) {
            for (long millis = 9_990; millis <= 10_480; millis++) {
                long expected = times.lastKey() + 1;
                for (var e : times.entrySet()) {
                    if (e.getValue() >= millis) {
                        expected = e.getKey();
                        break;
                    }
                }
                assertEquals(expected, RecordTimes.firstAtOrAfter(c, "acme", millis), "at " + millis);
            }
            assertEquals(0, RecordTimes.firstAtOrAfter(c, "initech", 10_000), "no records");
            String probe = plan(c, RecordTimes.FIRST_FROM);
            assertTrue(probe.contains("SEARCH audit_records USING INDEX sqlite_autoindex_audit_records_1 (tenant_id=? AND seq>?)"),
                    probe);
            String range = plan(c, RecordTimes.RANGE);
            assertFalse(range.contains("SCAN audit_records"), range);
            assertTrue(range.contains("SEARCH audit_records USING COVERING INDEX sqlite_autoindex_audit_records_1"), range);
        }
        assertEquals(Long.MIN_VALUE, RecordTimes.shifted(Long.MIN_VALUE + 5, -10));
        assertEquals(Long.MAX_VALUE, RecordTimes.shifted(Long.MAX_VALUE - 5, 10));
        assertEquals(990, RecordTimes.shifted(1_000, -10));
    }

    /**
     * Records of versions before V38 keep the times their requests arrived, out of order by the
     * milliseconds processing takes: a query's bounds, widened by a second and kept exact, still
     * find each one.
     */
    @Test
    void recordsOfEarlierVersionsOutOfTimeOrderWithinASecondAreFound() {
        long t = f.clock.instant().toEpochMilli();
        long[] at = {t, t + 500, t + 200, t + 900, t + 850, t + 3_000};
        for (int i = 0; i < at.length; i++) {
            rawRecord("acme", i + 1, at[i]);
        }
        assertEquals(List.of(3L), seqsBetween(t + 150, t + 250));
        assertEquals(List.of(2L, 4L, 5L), seqsBetween(t + 400, t + 1_000));
        assertEquals(List.of(1L, 3L), seqsBetween(t, t + 201));
        assertEquals(List.of(6L), seqsBetween(t + 2_999, t + 3_001));
    }

    private List<Long> seqsBetween(long from, long to) {
        return f.log.page("acme", new AuditQuery(Optional.of(java.time.Instant.ofEpochMilli(from)),
                Optional.of(java.time.Instant.ofEpochMilli(to)), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0), 10).stream().map(StoredRecord::seq).toList();
    }

    /**
     * The audit retention purges the prefix of records before its cutoff less a second (found by
     * bisection): a record recorded within that second before the cutoff goes in the next run.
     */
    @Test
    void auditRetentionPurgesThePrefixBeforeTheCutoffLessASecond() {
        java.time.Instant t0 = f.clock.instant();
        for (int i = 1; i <= 4; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, "p" + i + "@example.com", "+1650555000" + i));
            f.clock.advance(Duration.ofMillis(i == 2 ? 9_500 : 10_000));
        }
        // Records 1-4 at t0, +10 s, +19.5 s, +29.5 s; the cutoff is t0 + 20 s.
        f.clock.advance(Duration.between(f.clock.instant(), t0.plus(Duration.ofDays(30)).plusSeconds(20)));
        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(Duration.ofDays(30))));
        assertEquals(2L, purge.run("acme").get("audit"), "records 1 and 2; record 3 is within the second before the cutoff");
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(1L, purge.run("acme").get("audit"), "record 3, a run later");
        assertTrue(f.log.verify("acme").ok());
    }

    /** The query plan's lines, one per line. */
    private static String plan(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); var rs = ps.executeQuery()) {
            StringBuilder text = new StringBuilder();
            while (rs.next()) {
                text.append(rs.getString(4)).append('\n');
            }
            return text.toString();
        }
    }

    @Test
    void aHeadWhoseHashIsNotLowerCaseHexIsChainedOnAsTheTextItIs() {
        f.ingest(f.acme, f.purchase("o-1", "jane.doe@example.com", "+16505551212"));
        String tenant = " FROM audit_records WHERE tenant_id = 'acme'";
        long last = f.queryLong("SELECT max(seq)" + tenant);
        // Upper-case digits (by hand, or another writer): not the raw form's text, so kept as text.
        f.execute("UPDATE audit_heads SET hash = upper(hash) WHERE tenant_id = 'acme'");
        String upper = f.queryString("SELECT hash FROM audit_heads WHERE tenant_id = 'acme'");
        assertTrue(upper.matches("[0-9A-F]{64}") && !upper.matches("[0-9]{64}"), upper);
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));
        String next = " AND seq = " + (last + 1);
        assertEquals("text", f.queryString("SELECT typeof(prev_hash)" + tenant + next));
        assertEquals(upper, f.queryString("SELECT prev_hash" + tenant + next));
        assertEquals("blob", f.queryString("SELECT typeof(hash)" + tenant + next));
        StoredRecord record = f.log.page("acme", AuditQuery.all(), 100).stream().filter(r -> r.seq() == last + 1).findFirst()
                .orElseThrow();
        assertEquals(record.hash(), ChainHash.of(upper, record.body()));
    }

    @Test
    void hashesAreStoredAsRawBytes_readAsHex_textRowsStillVerify_andAnAlteredByteIsCaught() {
        f.ingest(f.acme, f.purchase("o-1", "jane.doe@example.com", "+16505551212"));
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));
        f.ingest(f.acme, f.purchase("o-3", "third@example.com", "+16505550000"));
        // Three in one request: one append, each record's previous hash the one before it in the same commit.
        f.ingest(f.acme, "{\"events\":[" + f.purchase("o-4", "a@example.com", "+16505550001") + ","
                + f.purchase("o-5", "b@example.com", "+16505550002") + "," + f.purchase("o-6", "c@example.com", "+16505550003")
                + "]}");
        String tenant = " FROM audit_records WHERE tenant_id = 'acme'";
        long records = f.queryLong("SELECT count(*)" + tenant);
        assertTrue(records >= 6, records + " records");
        assertEquals(records, f.queryLong("SELECT count(*)" + tenant
                + " AND typeof(hash) = 'blob' AND length(hash) = 32 AND typeof(prev_hash) = 'blob' AND length(prev_hash) = 32"));
        List<StoredRecord> read = f.log.page("acme", AuditQuery.all(), 100);
        for (StoredRecord r : read) {
            assertTrue(r.hash().matches("[0-9a-f]{64}") && r.prevHash().matches("[0-9a-f]{64}"), r.toString());
            assertEquals(r.hash(), ChainHash.of(r.prevHash(), r.body()));
        }
        assertEquals(ChainHash.GENESIS, read.getFirst().prevHash());
        assertTrue(f.log.verify("acme").ok());

        // A row with hex text (written before this layout, or by hand) reads and verifies the same.
        long second = read.get(1).seq();
        f.execute("UPDATE audit_records SET hash = lower(hex(hash)), prev_hash = lower(hex(prev_hash))"
                + " WHERE tenant_id = 'acme' AND seq = " + second);
        assertEquals("text", f.queryString("SELECT typeof(hash)" + tenant + " AND seq = " + second));
        assertEquals(read, f.log.page("acme", AuditQuery.all(), 100));
        assertTrue(f.log.verify("acme").ok());

        // One byte of a stored hash changed: verification fails there or at the next link.
        long last = read.getLast().seq();
        f.execute("UPDATE audit_records SET hash = X'00' || substr(hash, 2) WHERE tenant_id = 'acme' AND seq = " + last
                + " AND substr(hash, 1, 1) <> X'00'");
        f.execute("UPDATE audit_records SET hash = X'01' || substr(hash, 2) WHERE tenant_id = 'acme' AND seq = " + last
                + " AND substr(hash, 1, 1) = X'00'");
        AuditLog.Verification v = f.log.verify("acme");
        assertFalse(v.ok());
        assertEquals(last, v.failure().get().seq(), v.toString());
    }

    @Test
    void decisionRecordsAreStoredPackedAndReadAsTheCanonicalBodyThatWasHashed() throws Exception {
        f.ingest(f.acme, f.purchase("o-1", "jane.doe@example.com", "+16505551212"));
        String filter = " WHERE tenant_id = 'acme' AND kind = 'decision'";
        String where = " FROM audit_records" + filter;
        assertEquals("blob", f.queryString("SELECT typeof(body)" + where));
        long packedLength = f.queryLong("SELECT length(body)" + where);
        StoredRecord record = f.log.page("acme", AuditQuery.all(), 100).stream()
                .filter(r -> r.kind().equals("decision")).findFirst().orElseThrow();
        assertTrue(record.body().startsWith("{\"decisions\":[{\"decision\":"), record.body());
        assertEquals(record.hash(), ChainHash.of(record.prevHash(), record.body()));
        assertTrue(packedLength * 2 < record.body().length(), packedLength + " packed bytes for a body of " + record.body().length());
        assertTrue(f.log.verify("acme").ok());

        // A record stored as text (written before packing, or by PostgreSQL's layout) reads as it is.
        f.execute("UPDATE audit_records SET body = '" + record.body().replace("'", "''") + "'" + filter);
        assertEquals("text", f.queryString("SELECT typeof(body)" + where));
        assertTrue(f.log.verify("acme").ok());

        // A packed body that does not read is reported by verification, not thrown.
        f.execute("UPDATE audit_records SET body = X'01ff'" + filter);
        AuditLog.Verification v = f.log.verify("acme");
        assertFalse(v.ok());
        assertEquals(record.seq(), v.failure().get().seq(), v.toString());
        // The CSV shows it as what it is, with its row's time and kind (review 1, finding 14: until
        // session 40 a row of 1970-01-01T00:00:00Z and no kind).
        java.io.StringWriter csv = new java.io.StringWriter();
        AuditExport.csv(f.log, "acme", AuditQuery.all(), csv);
        String row = csv.toString().lines().filter(l -> l.startsWith(record.seq() + ",")).findFirst().orElseThrow();
        assertEquals(String.join(",", Long.toString(record.seq()), record.recordedAt().toString(), "decision",
                record.eventId() == null ? "" : record.eventId(), "", "", "", AuditExport.UNREADABLE, "", "", "", "", "", record.hash(), ""), row);
    }

    @Test
    void anEventsSubjectKeysShareOneRowOnTheEmbeddedStore_rawBytes_andRowsOfEarlierVersionsStillCount() {
        f.ingest(f.acme, f.purchase("o-1", "jane.doe@example.com", "+16505551212"));
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));

        assertEquals(2, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme' AND typeof(subject_key) = 'blob'"));
        assertEquals(8 * 32, f.queryLong("SELECT sum(length(subject_key)) FROM audit_subjects WHERE tenant_id = 'acme'"),
                "email, two phone forms and external id per event, 32 bytes each");

        // Jane's keys as earlier versions stored them: hex text, one key a row (before session 7)
        // and the rest joined by spaces in one row (sessions 7 to 20).
        String jane = " FROM audit_subjects WHERE tenant_id = 'acme' AND event_row_id = (SELECT min(event_row_id) FROM audit_subjects)";
        f.execute("INSERT INTO audit_subjects (tenant_id, subject_key, event_row_id, received_at)"
                + " SELECT tenant_id, lower(hex(substr(subject_key, 1, 32))), event_row_id, received_at" + jane);
        f.execute("UPDATE audit_subjects SET subject_key = lower(hex(substr(subject_key, 33, 32))) || ' '"
                + " || lower(hex(substr(subject_key, 65, 32))) || ' ' || lower(hex(substr(subject_key, 97, 32)))"
                + " WHERE tenant_id = 'acme' AND typeof(subject_key) = 'blob'"
                + " AND event_row_id = (SELECT min(event_row_id) FROM audit_subjects)");
        assertEquals(2, f.queryLong("SELECT count(*)" + jane + " AND typeof(subject_key) = 'text'"));

        Erasure.Result result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of("jane.doe@example.com"), Optional.empty(), Optional.empty(), Optional.empty()));
        assertEquals(4L, result.erased().get("subject_links"), result.toString());
        assertEquals(1, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));

        // The other event's row, raw: found by its phone alone.
        result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.empty(), Optional.of("+16505559999"), Optional.empty(), Optional.empty()));
        assertEquals(4L, result.erased().get("subject_links"), result.toString());
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
    }

    /** meta and warehouse delivered from the delivery log, as the gateway runs them; google keeps outbox rows. */
    private DeliveryStore logged() {
        DeliveryStore delivery = f.store.delivery();
        delivery.deliverFromLog(Map.of("acme", Set.of("meta", "warehouse")), f.clock.instant());
        return delivery;
    }

    @Test
    void erasureDeletesTheSubjectsDeliveryLogRows_countingTheirUndeliveredCopies() {
        DeliveryStore delivery = logged();
        f.ingest(f.acme, f.purchase("o-1", "jane.doe@example.com", "+16505551212"));
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));
        List<OutboxRow> pending = f.store.outbox("acme", 100);
        long ofJane = pending.stream().filter(r -> r.eventId().equals("o-1")).count();
        assertEquals(2, f.queryLong("SELECT count(*) FROM delivery_log WHERE tenant_id = 'acme'"));
        assertTrue(pending.stream().anyMatch(r -> r.eventId().equals("o-1") && r.id() < 0), pending.toString());
        // meta delivered o-1 already: only its other copies were still pending.
        List<DeliveryStore.Claimed> meta = delivery.claim("acme", "meta", 1, f.clock.instant(), Duration.ofMinutes(5), "r1");
        assertEquals("o-1", meta.getFirst().eventId());
        delivery.markDelivered("acme", "r1", List.of(meta.getFirst().id()));

        Erasure.Result result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of("jane.doe@example.com"), Optional.empty(), Optional.empty(), Optional.empty()));

        assertEquals(ofJane - 1, result.erased().get("pending_deliveries"), result.toString());
        assertEquals(1, f.queryLong("SELECT count(*) FROM delivery_log WHERE tenant_id = 'acme'"));
        assertTrue(f.store.outbox("acme", 100).stream().noneMatch(r -> r.eventId().equals("o-1")));
        assertTrue(delivery.claim("acme", "warehouse", 10, f.clock.instant(), Duration.ofMinutes(5), "r1").stream()
                .allMatch(c -> c.eventId().equals("o-2")));
        assertTrue(f.log.verify("acme").ok());
    }

    /**
     * meta removed from acme's configuration: at the next start its copies in the delivery log
     * move to the outbox, pending, where nothing delivers them. Since session 40 the purge deletes
     * them once their commit is older than the dead-letter retention, and the events row (and its
     * subject keys), which they alone kept, goes in the same run. Before, both stayed for good.
     */
    @Test
    void aRemovedDestinationsCopiesMovedFromTheDeliveryLogArePurgedAndTheirEventsRowGoes() {
        DeliveryStore delivery = logged();
        f.ingest(f.acme, f.purchase("k-1", "jane.doe@example.com", "+16505551212"));
        f.execute("DELETE FROM outbox WHERE destination_id = 'google'"); // delivered
        assertEquals(1, delivery.deliverFromLog(Map.of("acme", Set.of("warehouse")), f.clock.instant()),
                "the restart without meta moves its copy to the outbox");
        List<DeliveryStore.Claimed> claimed = delivery.claim("acme", "warehouse", 10, f.clock.instant(),
                Duration.ofMinutes(5), "r1");
        delivery.markDelivered("acme", "r1", claimed.stream().map(DeliveryStore.Claimed::id).toList());
        assertEquals(0, f.queryLong("SELECT count(*) FROM delivery_log"));
        assertEquals(List.of("meta"), f.queryStrings("SELECT destination_id FROM outbox WHERE state = 'pending'"));
        f.clock.advance(Duration.ofDays(40));

        Map<String, Long> purged = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.empty(), Optional.of(Duration.ofDays(30)), Optional.empty()),
                Map.of("acme", Set.of("google", "warehouse"))).run("acme");

        assertEquals(1L, purged.get("undeliverable_pending"), purged.toString());
        assertEquals(1L, purged.get("events"), purged.toString());
        assertEquals(0, f.queryLong("SELECT count(*) FROM outbox"));
        assertEquals(0, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme'"));
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
        assertTrue(f.log.verify("acme").ok());
    }

    /**
     * The purge of removed destinations' rows reads through the outbox's partial indexes, never the
     * whole outbox, and deletes by primary key while it holds the writer.
     */
    @Test
    void theRemovedDestinationsPurgeReadsThroughIndexesAndDeletesByKey() {
        Map<String, String> plans = new java.util.LinkedHashMap<>();
        plans.put(UndeliverableCopies.NEXT_PENDING_DESTINATION, "SEARCH outbox USING COVERING INDEX outbox_due (tenant_id=? AND destination_id>?)");
        plans.put(UndeliverableCopies.CANDIDATES.formatted("pending"), "SEARCH outbox USING INDEX outbox_due (tenant_id=? AND destination_id=?)");
        plans.put(UndeliverableCopies.CANDIDATES.formatted("dead"), "SEARCH outbox USING INDEX outbox_dead (tenant_id=?)");
        plans.put(UndeliverableCopies.DEAD_DESTINATIONS, "SEARCH outbox USING INDEX outbox_dead (tenant_id=?)");
        plans.put(UndeliverableCopies.DELETE.formatted("?,?", "pending"), "SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)");
        plans.forEach((sql, expected) -> assertEquals(expected, f.queryPlan(sql).getFirst(), sql));
    }

    @Test
    void retentionKeepsAnEventsRowWhileItsCopiesAreInTheDeliveryLog() {
        DeliveryStore delivery = logged();
        f.ingest(f.acme, f.purchase("k-1", "jane.doe@example.com", "+16505551212"));
        f.execute("DELETE FROM outbox");
        f.clock.advance(Duration.ofDays(40));
        RetentionPurge purge = new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.of(Duration.ofDays(30)),
                Optional.empty(), Optional.empty(), Optional.empty()));

        purge.run("acme");
        assertEquals(1, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme'"),
                "40 days old but undelivered: an erasure must still reach it");
        assertEquals(1, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));

        for (String destination : List.of("meta", "warehouse")) {
            List<DeliveryStore.Claimed> claimed = delivery.claim("acme", destination, 10, f.clock.instant(),
                    Duration.ofMinutes(5), "r1");
            delivery.markDelivered("acme", "r1", claimed.stream().map(DeliveryStore.Claimed::id).toList());
        }
        assertEquals(0, f.queryLong("SELECT count(*) FROM delivery_log"));
        purge.run("acme");
        assertEquals(0, f.queryLong("SELECT count(*) FROM events WHERE tenant_id = 'acme'"));
        assertEquals(0, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
        assertTrue(f.log.verify("acme").ok());
    }

    // --- Erasure reads whole tables outside its transaction (SubjectScan, LedgerCustomers.find) ---

    private static final String JANE = "jane.doe@example.com";

    private List<String> janeKeys() {
        return SubjectKeys.of(f.keyring.forTenant("acme"), SubjectKeys.present(Optional.of(JANE), Optional.empty(),
                Optional.empty()), "US");
    }

    private static List<Long> list(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    @Test
    void theSubjectScanFindsRowsWrittenAfterItsRanges_alsoOneThatTookARowidAgain() throws Exception {
        f.ingest(f.acme, f.purchase("o-1", JANE, "+16505551212"));
        f.ingest(f.globex, f.purchase("g-1", JANE, "+491701234567"));
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));
        // Ranges of one rowid each: every range is its own read.
        SubjectScan scan = SubjectScan.find(f.store.sql(), "acme", janeKeys(), 1);
        assertEquals(eventRows("o-1"), list(scan.events()), "globex's row of the same person is another tenant's");

        // The table's last row goes (the other shopper erased), so the next row takes its rowid again,
        // below the scan's rowid mark; then a row beyond it.
        long last = f.queryLong("SELECT max(rowid) FROM audit_subjects");
        f.execute("DELETE FROM audit_subjects WHERE rowid = " + last);
        f.ingest(f.acme, f.purchase("o-3", JANE, "+16505551212"));
        assertEquals(last, f.queryLong("SELECT rowid FROM audit_subjects WHERE event_row_id = " + eventRows("o-3").getFirst()));
        f.ingest(f.acme, f.purchase("o-4", "other@example.com", "+16505559999"));
        // The step outside the transaction after the ranges takes these in and moves the mark.
        scan.advance(f.store.sql());
        assertEquals(eventRows("o-1", "o-3"), list(scan.events()));
        assertEquals(f.queryLong("SELECT max(id) FROM events"), scan.lastEventRowId());
        f.ingest(f.acme, f.purchase("o-5", JANE, "+16505551212"));
        f.ingest(f.globex, f.purchase("g-2", JANE, "+491701234567"));

        f.store.sql().inTransaction(c -> {
            scan.catchUp(c);
            return null;
        });
        assertEquals(eventRows("o-1", "o-3", "o-5"), list(scan.events()), "not globex's g-2, the same person's at another tenant");
    }

    private record Scanned(SubjectScan scan, dev.sluice.ledger.LedgerCustomers.Found ledger) {
    }

    /**
     * The same person's external id on an order under another email (o-1), before an erasure of
     * Jane's email reads its ranges (of one rowid and one id each); then their purchase with Jane's
     * email and that external id (o-3), after them.
     */
    private Scanned janesExternalIdAcrossTheRanges() throws java.sql.SQLException {
        f.ingest(f.acme, f.purchase("o-1", "someone@example.com", "+16505550001").replace("ext-o-1", "shared-id"));
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));
        List<String> ledgerKeys = dev.sluice.ledger.LedgerCustomers.keys(f.keyring.forTenant("acme"), Optional.of(JANE),
                Optional.empty());
        SubjectScan scan = SubjectScan.find(f.store.sql(), "acme", janeKeys(), 1);
        dev.sluice.ledger.LedgerCustomers.Found found = dev.sluice.ledger.LedgerCustomers.find(f.store.sql(), "acme",
                ledgerKeys, scan::holdsEvent, scan.lastLedgerId(), 1);
        f.ingest(f.acme, f.purchase("o-3", JANE, "+16505551212").replace("ext-o-3", "shared-id"));
        return new Scanned(scan, found);
    }

    @Test
    void anEntryWrittenAfterTheLedgerRanges_underAKeyTheyDidNotMeet_reachesTheOlderEntriesBookedUnderIt() throws Exception {
        Scanned scanned = janesExternalIdAcrossTheRanges();
        SubjectScan scan = scanned.scan();
        dev.sluice.ledger.LedgerCustomers.Found found = scanned.ledger();

        long unlinked = f.store.sql().inTransaction(c -> {
            scan.catchUp(c);
            return dev.sluice.ledger.LedgerCustomers.unlinkFound(c, found, scan.events());
        });
        assertEquals(2, unlinked, "o-3's entry and o-1's, booked under the same external id");
        assertEquals(List.of("o-2"), f.queryStrings("SELECT event_id FROM ledger_entries WHERE customer_key IS NOT NULL"));
    }

    @Test
    void theStepAfterTheLedgerRanges_takesInANewEntrysKeyOutsideTheTransaction() throws Exception {
        Scanned scanned = janesExternalIdAcrossTheRanges();
        SubjectScan scan = scanned.scan();
        dev.sluice.ledger.LedgerCustomers.Found found = scanned.ledger();
        scan.advance(f.store.sql());
        found.advance(f.store.sql(), scan::holdsEvent, scan.lastLedgerId());
        assertEquals(f.queryLong("SELECT max(id) FROM ledger_entries"), found.lastId(), "the transaction reads only what comes next");

        List<RecordingSql.Recorded> inside = new java.util.ArrayList<>();
        long unlinked = f.store.sql().inTransaction(c -> {
            java.sql.Connection recording = RecordingSql.recorded(c, inside);
            scan.catchUp(recording);
            return dev.sluice.ledger.LedgerCustomers.unlinkFound(recording, found, scan.events());
        });
        assertEquals(2, unlinked, "o-3's entry and o-1's, booked under the same external id");
        assertEquals(List.of("o-2"), f.queryStrings("SELECT event_id FROM ledger_entries WHERE customer_key IS NOT NULL"));
        assertNoScanOfWholeTables(inside);
    }

    /**
     * An erasure in parts: a key first met after some parts (the subject's new purchase, under an
     * external id another email's older order carries) reaches that older entry, whose id lies
     * below the entries the parts already took.
     */
    @Test
    void aKeyFirstMetBetweenPartsReachesAnOlderEntryBelowTheTakenOnes() {
        f.ingest(f.acme, f.purchase("o-old", "someone@example.com", "+16505550001").replace("ext-o-old", "shared-id"));
        for (int i = 0; i < 5; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, JANE, "+1650555" + (1000 + i)));
        }
        RetentionPurge.Pauser pauser = d -> {
            if (f.queryLong("SELECT count(*) FROM events WHERE event_id = 'o-late'") == 0) {
                f.ingest(f.acme, f.purchase("o-late", JANE, "+16505552000").replace("ext-o-late", "shared-id"));
            }
        };

        Erasure.Result result = new Erasure(f.log, 2, pauser).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of(JANE), Optional.empty(), Optional.empty(), Optional.empty()));

        assertEquals(7L, result.erased().get("ledger_customer_links"), "Jane's six and o-old's, under shared-id: " + result);
        assertEquals(0, f.queryLong("SELECT count(*) FROM ledger_entries WHERE customer_key IS NOT NULL"));
        assertTrue(f.log.verify("acme").ok());
    }

    private void assertNoScanOfWholeTables(List<RecordingSql.Recorded> statements) {
        assertFalse(statements.isEmpty());
        for (String sql : statements.stream().map(RecordingSql.Recorded::sql).toList()) {
            if (sql.contains("ORDER BY rowid DESC")) {
                continue; // the catch-up walk from the table's end, which stops at the scan's mark
            }
            for (String step : f.queryPlan(sql)) {
                assertFalse(step.matches("SCAN (audit_subjects|ledger_entries|outbox|delivery_log)\\b.*"), step + " inside the transaction: " + sql);
            }
        }
    }

    @Test
    void erasureReadsTheSubjectKeysAndTheLedgerWhole_onlyOutsideItsTransaction() throws Exception {
        RecordingSql recording = erasedWithItsStatementsRecorded();
        assertEquals(16, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
        assertNoScanOfWholeTables(recording.inside);
    }
}
