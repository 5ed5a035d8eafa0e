package dev.sluice.audit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresAuditLogTest extends AbstractAuditLogTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.postgres(5);
    }

    /**
     * Before the parts of a large erasure PostgreSQL gathers the statistics of the tables the parts
     * read by event row id and entry id: with them out of date it planned those reads through the
     * indexes that lead with the tenant (docs/benchmarks.md, session 31). A one-part erasure
     * does not.
     */
    @Test
    void aLargeErasureGathersTheStatisticsOfTheTablesItsPartsRead() {
        for (int i = 0; i < 5; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, EMAIL, "+1650555" + (1000 + i)));
        }
        String analyzed = "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                + " AND relname IN ('audit_subjects', 'ledger_entries', 'outbox') AND last_analyze IS NOT NULL";
        new Erasure(f.log, 5, d -> { }).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of(EMAIL), Optional.empty(), Optional.empty(), Optional.empty()));
        assertEquals(0, f.queryLong(analyzed), "five events: one part");
        f.ingest(f.acme, f.purchase("o-5", EMAIL, "+16505551005"));
        f.ingest(f.acme, f.purchase("o-6", EMAIL, "+16505551006"));

        Erasure.Result result = new Erasure(f.log, 1, d -> { }).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of(EMAIL), Optional.empty(), Optional.empty(), Optional.empty()));

        assertEquals(2L, result.erased().get("ledger_customer_links"), result.toString());
        assertEquals(3, f.queryLong(analyzed));
    }

    /**
     * The erasure's statements inside its transaction, which holds the tenant's chain head (the
     * tenant's ingest waits for it), find their rows through indexes (V38), as PostgreSQL plans
     * them with the values they ran with and sequential scans priced out.
     */
    @Test
    void erasureReachesTheSubjectsRowsAndLedgerEntriesThroughIndexes() throws Exception {
        RecordingSql recording = erasedWithItsStatementsRecorded();
        // Plans of a store this small say little: the tenant's rows as a store that has run for a
        // while holds them, other customers' entries and other events' subject rows.
        f.execute("INSERT INTO ledger_entries (tenant_id, event_row_id, kind, event_name, event_id, occurred_at, day,"
                + " platform, campaign, currency, amount_micros, customer_key, recorded_at)"
                + " SELECT 'acme', 1000000 + g, 'purchase', 'Purchase', 'filler-' || g, 0, g % 30, 'meta', 'c' || (g % 50),"
                + " 'EUR', 1, md5(g::text) || md5((g + 1)::text), 0 FROM generate_series(1, 20000) g");
        f.execute("INSERT INTO audit_subjects (tenant_id, subject_key, event_row_id, received_at)"
                + " SELECT 'acme', md5(g::text) || md5((g * 7)::text), 1000000 + g / 4, 0 FROM generate_series(1, 80000) g");
        f.execute("ANALYZE ledger_entries");
        f.execute("ANALYZE audit_subjects");
        int planned = 0;
        try (Connection c = f.connect(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            for (RecordingSql.Recorded statement : recording.inside) {
                if (!statement.sql().contains("audit_subjects") && !statement.sql().contains("ledger_entries")) {
                    continue;
                }
                StringBuilder plan = new StringBuilder();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + statement.sql())) {
                    statement.bind(ps);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                assertFalse(plan.toString().matches("(?s).*Seq Scan on (audit_subjects|ledger_entries)\\b.*"),
                        statement.sql() + "\n" + plan);
                // And the index it reads is one on what it looks for, not one it walks whole for the tenant.
                java.util.regex.Matcher lookup = java.util.regex.Pattern.compile("(\\w+) IN \\(").matcher(statement.sql());
                if (lookup.find()) {
                    assertTrue(plan.toString().matches("(?s).*Index Cond: [^\n]*\\b" + lookup.group(1) + " = .*"),
                            statement.sql() + "\n" + plan);
                    planned++;
                }
            }
        }
        assertTrue(planned >= 4, "the subject rows' delete and the ledger's three statements: " + planned);
    }

    /**
     * Ledger entries outlive the subject rows (the subject keys' retention deletes those first):
     * a subject with more entries than a part holds and no events left is erased in parts too,
     * and the statistics the parts' reads by entry id need are gathered for it.
     */
    @Test
    void entriesOutnumberingAPartGatherTheStatisticsWithoutAnyEvent() {
        for (int i = 0; i < 3; i++) {
            // The ledger books a purchase under its external id: one customer's three orders.
            f.ingest(f.acme, f.purchase("o-" + i, EMAIL, "+1650555" + (1000 + i)).replace("\"ext-o-" + i + "\"", "\"ext-jane\""));
        }
        f.execute("DELETE FROM audit_subjects");   // as the subject keys' retention would
        String analyzed = "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                + " AND relname IN ('audit_subjects', 'ledger_entries', 'outbox') AND last_analyze IS NOT NULL";

        Erasure.Result result = new Erasure(f.log, 1, d -> { }).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.empty(), Optional.empty(), Optional.of("ext-jane"), Optional.empty()));

        assertEquals(0L, result.erased().get("subject_links"), result.toString());
        assertEquals(3L, result.erased().get("ledger_customer_links"), result.toString());
        assertEquals(3, f.queryLong(analyzed));
    }

    /**
     * An erasure in parts reads the subject's events and ledger entries outside its transactions,
     * and a placeholder identifier links hundreds of thousands: those reads run in a transaction
     * with a fetch size, so that the driver streams their rows instead of holding every one
     * before the first is read (560,000 events ran the 64 MiB heap out; docs/benchmarks.md,
     * session 32).
     */
    @Test
    void aLargeErasureStreamsTheReadsThatGrowWithTheSubject() throws Exception {
        for (int i = 0; i < 7; i++) {
            f.ingest(f.acme, f.purchase("o-" + i, EMAIL, "+1650555" + (1000 + i)));
        }
        RecordingSql recording = new RecordingSql(f.store.sql());
        AuditLog log = new AuditLog(recording, AuditSigner.parse(AuditFixture.SIGNING_SEED), 5, java.time.Duration.ofMinutes(5),
                f.clock);

        Erasure.Result result = new Erasure(log, 2, d -> { }).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of(EMAIL), Optional.empty(), Optional.empty(), Optional.empty()));

        assertEquals(7L, result.erased().get("ledger_customer_links"), result.toString());
        java.util.List<RecordingSql.Read> growing = recording.reads.stream()
                .filter(r -> r.sql().contains("event_row_id FROM audit_subjects") || r.sql().startsWith("SELECT id FROM ledger_entries"))
                .toList();
        assertTrue(growing.size() >= 2, recording.reads.toString());
        for (RecordingSql.Read read : growing) {
            assertEquals(Erasure.STREAMED_ROWS, read.fetchSize(), read.sql());
            assertFalse(read.autoCommit(), read.sql());
        }
        // More events than a part: the statistics are gathered before the ledger is first read
        // for them, which without statistics PostgreSQL planned as a read of the tenant's whole
        // ledger per 500 events (minutes for 640,000 events).
        int firstAnalyze = -1;
        int firstLedgerRead = -1;
        for (int i = 0; i < recording.reads.size(); i++) {
            String sql = recording.reads.get(i).sql();
            if (firstAnalyze < 0 && sql.startsWith("ANALYZE")) {
                firstAnalyze = i;
            }
            if (firstLedgerRead < 0 && sql.contains("FROM ledger_entries")) {
                firstLedgerRead = i;
            }
        }
        assertTrue(firstAnalyze >= 0 && firstAnalyze < firstLedgerRead, recording.reads.toString());
    }

    @Override
    boolean ordersRecordTimes() {
        return false;
    }
}
