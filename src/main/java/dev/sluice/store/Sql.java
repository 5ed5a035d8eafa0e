package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * {@link SqlAccess} without checked exceptions, for capabilities that prefer a {@link StoreException}
 * (the ledger's spend import and reports). Writes on SQLite share the one writer connection with
 * the group-commit writer, so keep transactions short.
 */
public interface Sql {

    /** Runs {@code work} in a transaction and commits it; rolls back and throws {@link StoreException} on failure. */
    <T> T inTransaction(Work<T> work);

    /** Runs read-only {@code work} in auto-commit mode; throws {@link StoreException} on failure. */
    <T> T read(Work<T> work);

    /** {@link StoreConfig#SQLITE} or {@link StoreConfig#POSTGRES}. */
    String dialect();

    /** The store's {@link SqlAccess} with failures turned into {@link StoreException}s. */
    static Sql of(SqlAccess access) {
        return new Sql() {
            @Override
            public <T> T inTransaction(Work<T> work) {
                try {
                    return access.inTransaction(work::run);
                } catch (java.sql.SQLException e) {
                    throw StoreException.of("transaction failed", e);
                }
            }

            @Override
            public <T> T read(Work<T> work) {
                try {
                    return access.read(work::run);
                } catch (java.sql.SQLException e) {
                    throw StoreException.of("read failed", e);
                }
            }

            @Override
            public String dialect() {
                return access.dialect();
            }
        };
    }

    /** Work on one connection; never commits or rolls back itself. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
