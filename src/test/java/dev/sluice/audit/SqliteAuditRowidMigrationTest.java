package dev.sluice.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.ingest.EventResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V36 on a database an earlier version wrote: records keep the rowids SQLite handed out (1, 2, ...),
 * those of live events rows move to the index on event ids, new events rows take ids above every
 * record's rowid (which they would otherwise have run into), and from then on a decision record's
 * rowid is its events row's id and other records' are below zero. The chain, by-event lookups and
 * new records carry on.
 */
final class SqliteAuditRowidMigrationTest {
    private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void v36KeysDecisionRecordsByTheirEventsRow_andTheChainLookupsAndNewRecordsCarryOn() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("sluice.db");
        Flyway.configure(getClass().getClassLoader()).dataSource(url, null, null)
                .locations("classpath:db/migration/sqlite").target("35").load().migrate();
        long t = T.toEpochMilli();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (int i = 1; i <= 3; i++) {
                s.execute("INSERT INTO events (tenant_id, event_name, event_id, event_time, received_at, dedup_until)"
                        + " VALUES ('acme', 'Purchase', 'old-" + i + "', " + t + ", " + t + ", " + (t + Duration.ofDays(7).toMillis()) + ")");
            }
            // Seq 1 has no events row (written before V30); seqs 2-4 belong to events rows 1-3.
            String prev = ChainHash.GENESIS;
            for (int seq = 1; seq <= 4; seq++) {
                String eventId = seq == 1 ? "older" : "old-" + (seq - 1);
                Map<String, Object> fields = new TreeMap<>(Map.of("decision", "DENY", "destination_id", "meta",
                        "destination_type", "meta", "event_id", eventId, "event_name", "Purchase", "jurisdiction", "eu",
                        "kind", "decision", "rule_ids", List.of("eu.tcf"), "reason_codes", List.of("tcf_no_consent")));
                fields.putAll(Map.of("tenant", "acme", "time", t, "seq", (long) seq));
                String body = CanonicalJson.write(fields);
                String hash = ChainHash.of(prev, body);
                s.execute("INSERT INTO audit_records (tenant_id, seq, kind, recorded_at, event_id, destination_id, decision,"
                        + " rule_ids, body, prev_hash, hash, event_row_id) VALUES ('acme', " + seq + ", 'decision', " + t
                        + ", '" + eventId + "', 'meta', 'DENY', '|eu.tcf|', '" + body + "', '" + prev + "', '" + hash + "', "
                        + (seq == 1 ? "NULL" : Integer.toString(seq - 1)) + ")");
                prev = hash;
            }
            s.execute("INSERT INTO audit_heads (tenant_id, seq, hash, checkpoint_seq, checkpoint_at) VALUES ('acme', 4, '"
                    + prev + "', 0, " + t + ")");
            assertEquals(4, count(s, "SELECT max(rowid) FROM audit_records"), "SQLite numbered them 1 to 4");
        }

        try (AuditFixture f = AuditFixture.sqlite(dir, 1000)) {
            assertEquals(List.of(1L, 2L, 3L, 4L), rowids(f, 4), "nothing is copied or renumbered");
            assertEquals(0, f.queryLong("SELECT count(*) FROM audit_records WHERE event_row_id IS NOT NULL"),
                    "records of live events rows are handed to the index on event ids");
            assertEquals(0, f.queryLong("SELECT count(*) FROM sqlite_master WHERE name = 'audit_records_event_row'"));
            assertTrue(f.log.verify("acme").ok(), "bodies and hashes are as they were");

            // Events rows 1-3 exist and records have rowids up to 4: the next events row is 5, not 4.
            assertEquals(EventResult.Status.ACCEPTED,
                    f.ingest(f.acme, f.purchase("o-new", AbstractAuditLogTest.EMAIL, AbstractAuditLogTest.PHONE))
                            .getFirst().status());
            assertEquals(5, f.queryLong("SELECT id FROM events WHERE event_id = 'o-new'"));
            assertEquals(5, f.queryLong("SELECT rowid FROM audit_records WHERE tenant_id = 'acme' AND seq = 5"));
            assertEquals(5, f.queryLong("SELECT event_row_id FROM audit_records WHERE tenant_id = 'acme' AND seq = 5"));
            // A record of another kind goes below the lowest.
            assertEquals(1, f.log.recordPolicy(List.of("acme"), f.policy));
            assertEquals(-1, f.queryLong("SELECT min(rowid) FROM audit_records"));
            // Several in one transaction each get their own.
            f.log.inChain("acme", (c, head) -> new AuditLog.Appended<>(null, List.of(
                    new AuditEntry.Erased(T, List.of("email"), Map.of("events", 1L)),
                    new AuditEntry.Erased(T, List.of("phone"), Map.of("events", 2L)))));
            assertEquals(List.of(-2L, -3L), List.of(
                    f.queryLong("SELECT rowid FROM audit_records WHERE tenant_id = 'acme' AND seq = 7"),
                    f.queryLong("SELECT rowid FROM audit_records WHERE tenant_id = 'acme' AND seq = 8")));
            assertTrue(f.log.verify("acme").ok(), f.log.verify("acme").toString());

            // A live event's records are read by rowid: no index, no walk of the tenant's log.
            StringBuilder plan = new StringBuilder();
            try (Connection c = f.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(
                    "EXPLAIN QUERY PLAN SELECT seq FROM audit_records NOT INDEXED WHERE tenant_id = 'acme' AND seq > 0"
                            + " AND rowid IN (SELECT id FROM events WHERE tenant_id = 'acme' AND event_id = 'o-new'"
                            + " AND superseded_at IS NULL) AND event_row_id = rowid ORDER BY seq LIMIT 10")) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
            assertTrue(plan.toString().contains("SEARCH audit_records USING INTEGER PRIMARY KEY (rowid=?)"), plan.toString());

            assertEquals(List.of(1L), seqs(f, "older"));
            assertEquals(List.of(3L), seqs(f, "old-2"));
            assertEquals(List.of(5L), seqs(f, "o-new"));
            // Deleting an events row moves its record to the index on event ids; it is still found.
            f.execute("DELETE FROM events WHERE id = 5");
            assertEquals(0, f.queryLong("SELECT count(*) FROM audit_records WHERE seq = 5 AND event_row_id IS NOT NULL"));
            assertEquals(List.of(5L), seqs(f, "o-new"));
            assertEquals(5, f.queryLong("SELECT rowid FROM audit_records WHERE tenant_id = 'acme' AND seq = 5"),
                    "the rowid stays its event's: event row ids are never reused");
            assertTrue(f.log.verify("acme").ok(), f.log.verify("acme").toString());
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> rowids(AuditFixture f, int records) {
        return java.util.stream.LongStream.rangeClosed(1, records)
                .mapToObj(seq -> f.queryLong("SELECT rowid FROM audit_records WHERE tenant_id = 'acme' AND seq = " + seq))
                .toList();
    }

    private static List<Long> seqs(AuditFixture f, String eventId) {
        return f.log.page("acme", new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(eventId), Optional.empty(), Optional.empty(), 0), 10).stream().map(StoredRecord::seq).toList();
    }
}
