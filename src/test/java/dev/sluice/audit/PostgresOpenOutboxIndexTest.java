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
                String ids = " AND event_row_id IN (?, ?, ?)";
                assertUsesIndex(c, Erasure.IN_FLIGHT.formatted(T0) + ids, "shop", 100L, 999L, 5_000L);
                assertUsesIndex(c, Erasure.DELETE_OPEN.formatted("pending") + ids, "shop", 100L, 999L, 5_000L);
                assertUsesIndex(c, Erasure.DELETE_OPEN.formatted("dead") + ids, "shop", 100L, 999L, 5_000L);
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
    }
}
