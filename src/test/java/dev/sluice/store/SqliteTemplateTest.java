package dev.sluice.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new embedded database is a copy of the one the build migrated (docs/benchmarks.md, session
 * 37): the same schema, pages and migration history as migrating the file at start would give,
 * used only while the migrations it was built from are the ones on the class path.
 */
class SqliteTemplateTest {
    private static final ClassLoader LOADER = SqliteTemplateTest.class.getClassLoader();

    @Test
    void theTemplateIsWhatMigratingANewFileMakes(@TempDir Path dir) throws Exception {
        Path migrated = dir.resolve("migrated.db");
        Path copied = dir.resolve("copied.db");
        Stores.migrateNew(migrated);

        assertTrue(SqliteTemplate.copyIfNew(copied));

        assertEquals(describe(migrated), describe(copied));
    }

    @Test
    void aStoreOnANewFileStartsFromTheTemplateAndAnEmptyOrExistingOneIsLeftToSqlite(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("fresh.db");
        Path empty = Files.createFile(dir.resolve("empty.db"));
        Path existing = dir.resolve("existing.db");
        Stores.migrateNew(existing);
        byte[] before = Files.readAllBytes(existing);

        assertTrue(SqliteTemplate.copyIfNew(fresh));
        assertFalse(SqliteTemplate.copyIfNew(empty));
        assertFalse(SqliteTemplate.copyIfNew(existing));

        assertEquals(describe(existing), describe(fresh));
        assertEquals(0, Files.size(empty));
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(existing));
        assertEquals(List.of(), leftovers(dir));
        try (Store store = Stores.open(StoreConfig.sqlite(dir.resolve("new.db")))) {
            assertTrue(store.ping());
            assertEquals(0, store.countEvents("demo"));
        }
        // Opened from the template: the history says when the build applied the migrations.
        assertEquals(installedOn(fresh), installedOn(dir.resolve("new.db")));
        try (Store store = Stores.open(StoreConfig.sqlite(empty))) {
            assertTrue(store.ping());
        }
    }

    /** Two processes opening one new database at once: the copy never replaces the other's file. */
    @Test
    void aFileMadeByAnotherProcessDuringTheCopyIsKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sluice.db");
        byte[] theirs = "another process's database".getBytes();
        SqliteTemplate.Resources racing = name -> {
            if (name.equals(SqliteTemplate.DATABASE)) {
                Files.write(file, theirs);
            }
            return LOADER.getResourceAsStream(name);
        };

        assertFalse(SqliteTemplate.copyIfNew(file, racing));

        org.junit.jupiter.api.Assertions.assertArrayEquals(theirs, Files.readAllBytes(file));
        assertEquals(List.of(), leftovers(dir));
    }

    private static List<String> installedOn(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            return rows(s, "SELECT installed_on FROM flyway_schema_history ORDER BY installed_rank");
        }
    }

    @Test
    void anEditedMissingOrUnlistedMigrationLeavesTheNewFileToTheMigrations(@TempDir Path dir) throws Exception {
        String first = firstListedMigration();
        SqliteTemplate.Resources edited = name -> name.equals(SqliteTemplate.MIGRATION_DIRECTORY + first)
                ? new ByteArrayInputStream("-- edited\n".getBytes()) : LOADER.getResourceAsStream(name);
        SqliteTemplate.Resources missing = name -> name.equals(SqliteTemplate.MIGRATION_DIRECTORY + first)
                ? null : LOADER.getResourceAsStream(name);
        SqliteTemplate.Resources noTemplate = name -> name.startsWith("db/sqlite-template/") ? null : LOADER.getResourceAsStream(name);
        SqliteTemplate.Resources emptyList = name -> name.equals(SqliteTemplate.MIGRATIONS)
                ? new ByteArrayInputStream(new byte[0]) : LOADER.getResourceAsStream(name);

        for (SqliteTemplate.Resources resources : List.of(edited, missing, noTemplate, emptyList)) {
            assertFalse(SqliteTemplate.copyIfNew(dir.resolve("sluice.db"), resources));
            assertFalse(Files.exists(dir.resolve("sluice.db")));
        }
        assertTrue(SqliteTemplate.matches(LOADER::getResourceAsStream));
    }

    @Test
    void aLogLeftBesideAMissingDatabaseIsNotReadIntoACopy(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("sluice.db-wal"), new byte[] {1, 2, 3});

        assertFalse(SqliteTemplate.copyIfNew(dir.resolve("sluice.db")));

        assertFalse(Files.exists(dir.resolve("sluice.db")));
    }

    @Test
    void aCopyThatFailsHalfwayLeavesNoDatabaseNoPartAndTheUsualWayIn(@TempDir Path dir) throws Exception {
        SqliteTemplate.Resources failing = name -> {
            InputStream in = LOADER.getResourceAsStream(name);
            if (!name.equals(SqliteTemplate.DATABASE)) {
                return in;
            }
            return new FilterInputStream(in) {
                private int read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    read += len;
                    if (read > 64 * 1024) {
                        throw new IOException("disk full");
                    }
                    return super.read(b, off, len);
                }
            };
        };

        assertFalse(SqliteTemplate.copyIfNew(dir.resolve("sluice.db"), failing));

        assertFalse(Files.exists(dir.resolve("sluice.db")));
        assertEquals(List.of(), leftovers(dir));
        // The store is then made as before.
        try (Store store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")))) {
            assertTrue(store.ping());
        }
    }

    /** Everything a start relies on: page size, journal mode, schema, migration history, sequences. */
    private static List<String> describe(Path file) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String pragma : List.of("page_size", "journal_mode", "user_version", "application_id", "auto_vacuum", "encoding")) {
                out.addAll(rows(s, "PRAGMA " + pragma));
            }
            out.addAll(rows(s, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"));
            out.addAll(rows(s, "SELECT installed_rank, version, description, type, script, checksum, success"
                    + " FROM flyway_schema_history ORDER BY installed_rank"));
            out.addAll(rows(s, "SELECT name, seq FROM sqlite_sequence ORDER BY name"));
        }
        return out;
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder(sql.length() > 40 ? sql.substring(0, 40) : sql).append(':');
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(' ').append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        assertFalse(out.isEmpty() && sql.startsWith("PRAGMA") && out.get(0).endsWith("null"), sql);
        return out;
    }

    private static String firstListedMigration() throws IOException {
        try (InputStream in = LOADER.getResourceAsStream(SqliteTemplate.MIGRATIONS)) {
            String line = new String(in.readAllBytes()).lines().findFirst().orElseThrow();
            return line.substring(line.indexOf(' ') + 1);
        }
    }

    private static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.contains(".template-")).toList();
        }
    }
}
