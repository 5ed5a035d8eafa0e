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

    @Override
    boolean ordersRecordTimes() {
        return false;
    }
}
