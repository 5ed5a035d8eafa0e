package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The store's connections, for capabilities that own tables and SQL of their own (the ledger's
 * spend import and reports, for example). Writes on SQLite share the one writer connection with
 * the group-commit writer, so keep transactions short.
 */
public interface Sql {

    /** Runs {@code work} in a transaction and commits it; rolls back and throws {@link StoreException} on failure. */
    <T> T inTransaction(Work<T> work);

    /** Runs read-only {@code work} in auto-commit mode; throws {@link StoreException} on failure. */
    <T> T read(Work<T> work);

    /** {@link StoreConfig#SQLITE} or {@link StoreConfig#POSTGRES}. */
    String dialect();

    /** Work on one connection; never commits or rolls back itself. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
