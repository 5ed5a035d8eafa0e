package dev.sluice.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL: the statements that look for a subject's or an event's open outbox rows (the
 * retention purges of events and subject keys, erasure's deletes) read the partial index on open
 * rows by event row id, not the whole outbox or every open row of the tenant. On an outbox of
 * mostly delivered rows with its statistics gathered, each statement's plan names the index
 * (docs/benchmarks.md, session 12, has what the scans cost without it).
 */
class PostgresOpenOutboxIndexTest {
    private static final String INDEX = "outbox_open_event_row";
    private static final long T0 = 1_700_000_000_000L;
    private static final int EVENTS = 20_000;

    @Test
    void purgesAndErasure_findOpenOutboxRowsThroughTheIndex() throws SQLException {
        try (AuditFixture fixture = AuditFixture.postgres(5)) {
            fixture.execute("""
                    INSERT INTO events (tenant_id, event_name, event_id, event_time, received_at, dedup_until)
                    SELECT 'shop', 'Purchase', 'e-' || g, %1$d + g * 10, %1$d + g * 10, %1$d + g * 10
                    FROM generate_series(1, %2$d) g""".formatted(T0, EVENTS));
            // Two rows per event: 1 % pending, 0.1 % dead, the rest delivered (as a long-running outbox).
            fixture.execute("""
                    INSERT INTO outbox (tenant_id, event_row_id, event_name, event_id, destination_id, state,
                                        next_attempt_at, payload, key_id, created_at, updated_at)
                    SELECT e.tenant_id, e.id, e.event_name, e.event_id, d,
                           CASE WHEN e.id % 100 = 0 THEN 'pending' WHEN e.id % 1000 = 999 THEN 'dead' ELSE 'delivered' END,
                           e.received_at, '\\x00'::bytea, 'k1', e.received_at, e.received_at
                    FROM events e, (VALUES ('meta'), ('webhook')) AS dest(d)""");
            fixture.execute("""
                    INSERT INTO audit_subjects (tenant_id, subject_key, event_row_id, received_at)
                    SELECT tenant_id, md5(id::text), id, received_at FROM events""");
            fixture.execute("ANALYZE");
            long cutoff = T0 + EVENTS * 5L;
            try (Connection c = fixture.connect()) {
                assertUsesIndex(c, RetentionPurge.EVENTS, "shop", cutoff, cutoff, 2000);
                assertUsesIndex(c, RetentionPurge.SUBJECTS_ALL, "shop", cutoff);
                assertUsesIndex(c, Erasure.OPEN.formatted("?, ?, ?"), 100L, 999L, 5_000L);
            }
        }
    }

    /**
     * An outbox that grew fast since its statistics were taken (a destination down, a fill): the
     * erasure's read of a subject's open rows still goes through the index on open rows, whether
     * the statistics were never taken or taken while the table was small. Its earlier statements,
     * which also named the tenant and one state, were planned through {@code outbox_due} there,
     * reading every pending row of the tenant for each 500 events (docs/benchmarks.md, session 31).
     */
    @Test
    void erasureFindsOpenRowsThroughTheIndex_alsoWithTheStatisticsBehindAFastGrownOutbox() throws SQLException {
        for (boolean analyzedSmall : new boolean[] {false, true}) {
            try (AuditFixture fixture = AuditFixture.postgres(5)) {
                fixture.execute("ALTER TABLE outbox SET (autovacuum_enabled = off)");
                String fill = """
                        INSERT INTO outbox (tenant_id, event_row_id, event_name, event_id, destination_id, state,
                                            next_attempt_at, payload, key_id, created_at, updated_at)
                        SELECT 'shop', g / 2, 'Purchase', 'e-' || (g / 2), CASE WHEN g %% 2 = 0 THEN 'meta' ELSE 'webhook' END,
                               'pending', %1$d + g, convert_to(repeat('x', 1000), 'UTF8'), 'k1', %1$d + g, %1$d + g
                        FROM generate_series(%2$d, %3$d) g""";
                fixture.execute(fill.formatted(T0, 2, 41));
                if (analyzedSmall) {
                    fixture.execute("ANALYZE outbox");
                }
                fixture.execute(fill.formatted(T0, 42, 2 * 30_000 + 1));
                // A chunk of the erasure's: 500 events.
                Object[] events = java.util.stream.LongStream.range(1_000, 1_500).boxed().toArray();
                try (Connection c = fixture.connect()) {
                    assertUsesIndex(c, Erasure.OPEN.formatted("?,".repeat(events.length - 1) + "?"), events);
                }
            }
        }
    }

    private static void assertUsesIndex(Connection c, String sql, Object... parameters) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        assertTrue(plan.toString().contains(INDEX), sql + "\n" + plan);
        // Not beside another index that walks every open row of the tenant (a BitmapAnd).
        assertTrue(!plan.toString().contains("outbox_due") && !plan.toString().contains("outbox_dead"), sql + "\n" + plan);
    }
}
