package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How a {@link JdbcStore} gets connections; the one place where SQLite (one locked writer
 * connection) and PostgreSQL (a pool) differ at run time.
 */
interface Connections extends AutoCloseable {

    /**
     * Runs {@code work} in a transaction on a connection allowed to write, commits it, and rolls
     * back when {@code work} throws. On SQLite only one such transaction runs at a time.
     */
    <T> T inTransaction(SqlWork<T> work) throws SQLException;

    /** Runs read-only {@code work} on a connection in auto-commit mode. */
    <T> T read(SqlWork<T> work) throws SQLException;

    /** Returns {@code "sqlite"} or {@code "postgres"}. */
    String kind();

    @Override
    void close();

    /** Work on one connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Commits {@code work} on {@code c} (auto-commit already off), rolling back on any failure. */
    static <T> T commit(Connection c, SqlWork<T> work) throws SQLException {
        return commit(c, work, () -> { });
    }

    /**
     * {@link #commit(Connection, SqlWork)}, running {@code rollbackFailed} when the rollback after
     * a failure fails too, before the failure is rethrown.
     */
    static <T> T commit(Connection c, SqlWork<T> work, Runnable rollbackFailed) throws SQLException {
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
                rollbackFailed.run();
            }
            throw e;
        }
    }
}
