package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Transactions and reads on the store's database for capabilities that own their own tables
 * (the consent audit log, the ledger), so that their SQL lives next to their code while the
 * store keeps the connections, SQLite's single writer and PostgreSQL's pool.
 *
 * <p>A transaction here is serialized with the group-commit writer on SQLite (one writer
 * connection) and runs on its own pooled connection on PostgreSQL. Work must not commit or roll
 * back itself; a thrown exception rolls the transaction back.
 */
public interface SqlAccess {

    /** Runs {@code work} in a write transaction and commits it. */
    <T> T inTransaction(Work<T> work) throws SQLException;

    /** Runs read-only {@code work} in auto-commit mode. Keep it short: on SQLite it holds the one reader. */
    <T> T read(Work<T> work) throws SQLException;

    /** {@link StoreConfig#SQLITE} or {@link StoreConfig#POSTGRES}. */
    String dialect();

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
