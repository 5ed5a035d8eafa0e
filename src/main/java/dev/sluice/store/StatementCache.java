package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Prepared statements kept open on the embedded store's writer connection, so that the
 * statements every group commit runs (the multi-row inserts of the event, outbox, audit and
 * ledger rows) are compiled once instead of once per commit. Compiling a multi-row insert of
 * hundreds of parameters was about a tenth of the single writer's time (docs/benchmarks.md).
 *
 * <p>Only connections registered with {@link #enable} cache: SQLite's writer, which one thread
 * uses at a time under the store's write lock. PostgreSQL's pooled connections do not (its driver
 * prepares server-side on its own). Statements on a cached connection are never closed by their
 * users ({@link Lease#close}); {@link #disable} closes them before the connection closes.
 */
public final class StatementCache {
    /**
     * Distinct statements kept per connection: the fixed ones plus each multi-row insert's
     * power-of-two chunk sizes ({@link MultiRowInsert}), about ten per table, and for chunks of
     * eight rows or more up to {@link MultiRowInsert#MAX_PATTERNS} variants that bind repeated
     * values once (five sizes each): at most about thirty per table.
     */
    static final int MAX_STATEMENTS = 256;

    private static final Map<Connection, Map<String, PreparedStatement>> CACHES =
            Collections.synchronizedMap(new WeakHashMap<>());

    private StatementCache() {
    }

    /** Starts caching on {@code connection}, which only one thread uses at a time. */
    static void enable(Connection connection) {
        CACHES.put(connection, new HashMap<>());
    }

    /** Stops caching on {@code connection} and closes its statements. */
    static void disable(Connection connection) {
        Map<String, PreparedStatement> statements = CACHES.remove(connection);
        if (statements == null) {
            return;
        }
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                // The connection closes next, which releases whatever this left.
            }
        }
    }

    /** Whether {@code connection} caches statements. */
    public static boolean caches(Connection connection) {
        return CACHES.containsKey(connection);
    }

    /**
     * A statement for {@code sql}: the cached one on a caching connection, else a new one. Either
     * way the caller closes the lease, which closes only a statement that is not cached.
     */
    public static Lease prepare(Connection connection, String sql) throws SQLException {
        Map<String, PreparedStatement> statements = CACHES.get(connection);
        if (statements == null) {
            return new Lease(connection.prepareStatement(sql), false);
        }
        PreparedStatement cached = statements.get(sql);
        if (cached == null) {
            cached = connection.prepareStatement(sql);
            if (statements.size() >= MAX_STATEMENTS) {
                return new Lease(cached, false);
            }
            statements.put(sql, cached);
        }
        return new Lease(cached, true);
    }

    /** A prepared statement for one use. */
    public static final class Lease implements AutoCloseable {
        private final PreparedStatement statement;
        private final boolean cached;

        private Lease(PreparedStatement statement, boolean cached) {
            this.statement = statement;
            this.cached = cached;
        }

        public PreparedStatement statement() {
            return statement;
        }

        @Override
        public void close() throws SQLException {
            if (cached) {
                // Leave nothing behind for the next use: no half-run batch, no bound payloads.
                statement.clearBatch();
                statement.clearParameters();
            } else {
                statement.close();
            }
        }
    }
}
