package dev.sluice.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A SQLite file in a test's temporary directory, below a directory that does not exist yet. */
final class SqliteTestDatabase implements TestDatabase {

    private final Path file;

    SqliteTestDatabase(Path tempDir) {
        this.file = tempDir.resolve("data").resolve("sluice.db");
    }

    Path file() {
        return file;
    }

    @Override
    public StoreConfig config() {
        return StoreConfig.sqlite(file);
    }

    @Override
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
        }
        return c;
    }

    @Override
    public void failOutboxInsertsFor(String destinationId) {
        execute("CREATE TRIGGER fail_" + destinationId + " BEFORE INSERT ON outbox"
                + " WHEN NEW.destination_id = '" + destinationId + "'"
                + " BEGIN SELECT RAISE(ABORT, 'forced failure'); END");
        execute("CREATE TRIGGER fail_log_" + destinationId + " BEFORE INSERT ON delivery_log"
                + " WHEN instr(NEW.destinations, '|" + destinationId + "|') > 0"
                + " BEGIN SELECT RAISE(ABORT, 'forced failure'); END");
    }

    @Override
    public void close() {
        // The temporary directory is removed by JUnit.
    }
}
