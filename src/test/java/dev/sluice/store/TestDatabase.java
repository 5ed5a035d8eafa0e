package dev.sluice.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One fresh, isolated database for one test, plus out-of-band access that the Store API lacks. */
interface TestDatabase extends AutoCloseable {

    /** Config that opens a store on this database; the same every call, so a test can reopen. */
    StoreConfig config();

    /** A new connection to this database, outside the store. */
    Connection connect() throws SQLException;

    /** Installs a trigger that makes every outbox insert (on SQLite also every delivery log row) for {@code destinationId} fail. */
    void failOutboxInsertsFor(String destinationId);

    /** Drops what the test created. */
    @Override
    void close();

    /** Runs one SQL statement out of band, e.g. to mark outbox rows delivered. */
    default void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads one number out of band. */
    default long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row");
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
