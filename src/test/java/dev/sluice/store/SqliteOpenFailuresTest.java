package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file the store cannot use stops startup saying why (until session 34 both said only
 * "schema migration failed"): SQLite's result code for a file that is not a database, Flyway's
 * first line for a database with tables but no migration history. Neither file is changed.
 */
class SqliteOpenFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotADatabaseIsNamedBySqliteResultCode() throws Exception {
        Path file = dir.resolve("sluice.db");
        byte[] garbage = new byte[100_000];
        new java.util.Random(34).nextBytes(garbage);
        Files.write(file, garbage);
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(StoreConfig.sqlite(file, SqliteLogSizes.DEFAULT)));
        assertTrue(e.getMessage().contains("(SQLITE_NOTADB)"), e.getMessage());
        assertTrue(java.util.Arrays.equals(garbage, Files.readAllBytes(file)), "the file was changed");
    }

    @Test
    void aDatabaseOfSomethingElseIsRefusedByFlywaysFirstLine() throws Exception {
        Path file = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.createStatement().execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, email TEXT)");
            c.createStatement().execute("INSERT INTO orders (email) VALUES ('someone@example.com')");
        }
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(StoreConfig.sqlite(file, SqliteLogSizes.DEFAULT)));
        assertTrue(e.getMessage().contains("no schema history table"), e.getMessage());
        assertTrue(!e.getMessage().contains("someone@example.com"), e.getMessage());
    }
}
