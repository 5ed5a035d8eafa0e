package dev.sluice.store;

import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.testing.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store contract on SQLite, one fresh file per test. */
final class SqliteStoreTest extends AbstractStoreTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }

    @Test
    void open_createsMissingDirectoriesAndAWalModeFile() {
        assertThat(Files.isRegularFile(((SqliteTestDatabase) db).file()), is(true));
        store.write(List.of(event(tenant, "order-1", "meta")));

        assertThat(db.queryLong("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), is(1L));
    }

    @Test
    void open_createsANewDatabaseWith8KiBPages_andTheWritersBackstopAt128MiBOfLog() throws Exception {
        assertThat(db.queryLong("SELECT page_size FROM pragma_page_size"), is(8192L));
        assertThat(writerSetting("wal_autocheckpoint"), is(16_384L));
    }

    @Test
    void open_keepsAnExistingDatabasesPageSize_andSizesTheBackstopByIt() throws Exception {
        store.close();
        Path older = SqliteFiles.olderDatabase(tempDir.resolve("older").resolve("sluice.db"));
        store = Stores.open(StoreConfig.sqlite(older));
        store.write(List.of(event(tenant, "order-1", "meta")));

        assertThat(store.sql().read(c -> SqliteFiles.pragma(c, "page_size")), is("4096"));
        assertThat(writerSetting("wal_autocheckpoint"), is(32_768L));
        assertThat(store.outbox(tenant, 10).size(), is(1));
    }

    /** The log names the schema's version also when a restart has nothing to apply (it said version=null). */
    @Test
    void open_logsTheSchemaVersion_whetherOrNotItMigrated() throws Exception {
        store.close();
        Path file = tempDir.resolve("versions").resolve("sluice.db");
        try (dev.sluice.testing.LogLines log = dev.sluice.testing.LogLines.of(Stores.class)) {
            Stores.open(StoreConfig.sqlite(file)).close();
            store = Stores.open(StoreConfig.sqlite(file));

            List<String> migrated = log.lines().stream().filter(l -> l.contains("store migrated")).toList();
            assertThat(migrated.size(), is(2));
            String version = migrated.get(0).replaceAll(".* version=", "");
            assertThat(version.matches("[0-9]+"), is(true));
            assertThat(migrated.get(1), org.hamcrest.Matchers.endsWith("applied=0 version=" + version));
        }
    }

    /**
     * A database file deleted (or replaced) under a running gateway: SQLite kept writing to the
     * unlinked file, every commit succeeded and readiness stayed up until session 40; the events
     * were gone at the next start, which began on an empty database without a word.
     */
    @Test
    void aDatabaseFileDeletedWhileOpen_failsEveryWriteAndThePing_andItsOrphanLogStopsTheNextStart() throws Exception {
        store.close();
        Path file = tempDir.resolve("deleted").resolve("sluice.db");
        store = Stores.open(StoreConfig.sqlite(file));
        store.write(List.of(event(tenant, "order-1", "meta")));
        assertThat(store.ping(), is(true));

        Files.delete(file);

        StoreException refused = assertThrows(StoreException.class, () -> store.write(List.of(event(tenant, "order-2", "meta"))));
        assertThat(refused.getMessage(), org.hamcrest.Matchers.containsString("is gone: it was deleted or moved"));
        assertThat(store.ping(), is(false));

        // Replaced by another file: refused as well.
        Files.writeString(file, "");
        assertThrows(StoreException.class, () -> store.write(List.of(event(tenant, "order-3", "meta"))));
        store.close();
        store = null;

        // What a killed gateway leaves: its log, without the database.
        Files.delete(file);
        Files.writeString(file.resolveSibling("sluice.db-wal"), "frames");
        StoreException orphan = assertThrows(StoreException.class, () -> Stores.open(StoreConfig.sqlite(file)));
        assertThat(orphan.getMessage(), org.hamcrest.Matchers.containsString("found sluice.db-wal but no sluice.db"));
        assertThat(Files.exists(file), is(false));
    }

    /** A new database and the log files SQLite creates beside it are the gateway user's alone (0644 until session 40). */
    @Test
    void aNewDatabaseAndItsLogFiles_areReadableByTheirOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
                .contains("posix"), "POSIX permissions only");
        store.close();
        Path file = tempDir.resolve("private").resolve("sluice.db");
        store = Stores.open(StoreConfig.sqlite(file));
        store.write(List.of(event(tenant, "order-1", "meta")));

        for (Path p : List.of(file, file.resolveSibling("sluice.db-wal"), file.resolveSibling("sluice.db-shm"))) {
            assertThat(p.toString(), java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                    is("rw-------"));
        }
    }

    @Test
    void open_treatsAnEmptyFileAsANewDatabase() throws Exception {
        store.close();
        Path empty = tempDir.resolve("empty").resolve("sluice.db");
        Files.createDirectories(empty.getParent());
        Files.createFile(empty);
        store = Stores.open(StoreConfig.sqlite(empty));
        store.write(List.of(event(tenant, "order-1", "meta")));

        assertThat(writerSetting("page_size"), is(8192L));
        assertThat(store.outbox(tenant, 10).size(), is(1));
    }

    @Test
    void convertSqlitePageSize_rewritesAnOlderDatabase_keepingItsEvents() throws Exception {
        store.close();
        Path older = SqliteFiles.olderDatabase(tempDir.resolve("older").resolve("sluice.db"));
        try (Store first = Stores.open(StoreConfig.sqlite(older))) {
            first.write(List.of(event(tenant, "order-1", "meta"), event(tenant, "order-2", "meta", "hook")));
        }

        assertThat(Stores.convertSqlitePageSize(older, 8192), is(new Stores.PageSizes(4096, 8192)));

        store = Stores.open(StoreConfig.sqlite(older));
        assertThat(writerSetting("page_size"), is(8192L));
        assertThat(store.countEvents(tenant), is(2L));
        assertThat(store.outbox(tenant, 10).size(), is(3));
        assertThrows(StoreException.class, () -> Stores.convertSqlitePageSize(older.resolveSibling("missing.db"), 8192));
        assertThrows(IllegalArgumentException.class, () -> Stores.convertSqlitePageSize(older, 6000));
        assertThrows(IllegalArgumentException.class, () -> Stores.convertSqlitePageSize(older, 256));
    }

    @Test
    void configuredLogSizes_setTheWritersBackstop_andTheSizeTheThreadStartsTheLogOverFrom() throws Exception {
        store.close();
        Path file = tempDir.resolve("sized").resolve("sluice.db");
        // A 2 MiB restart and a 1 GiB backstop: the writer never checkpoints, so only the thread's
        // restart at the configured size keeps the log file small.
        store = Stores.open(StoreConfig.sqlite(file, new SqliteLogSizes(2L << 20, 1L << 30)));
        assertThat(writerSetting("wal_autocheckpoint"), is((long) (1 << 30) / 8192));

        store.sql().inTransaction(c -> c.createStatement().execute("CREATE TABLE scratch (b BLOB)"));
        byte[] row = new byte[6_000];
        Path log = file.resolveSibling("sluice.db-wal");
        long logWritten = 0;
        long largest = 0;
        // 48 MiB of rows at least (so more log), at about 40 MB/s, which the thread keeps up with:
        // restarted at the default 32 MiB instead, the file would reach 32 MiB or more.
        while (logWritten < 48L << 20) {
            store.sql().inTransaction(c -> {
                try (var insert = c.prepareStatement("INSERT INTO scratch (b) VALUES (?)")) {
                    for (int i = 0; i < 10; i++) {
                        insert.setBytes(1, row);
                        insert.executeUpdate();
                    }
                    return null;
                }
            });
            logWritten += 10 * row.length;
            largest = Math.max(largest, Files.size(log));
            Thread.sleep(1);
        }
        assertThat("largest log file " + largest + " bytes", largest < 16L << 20, is(true));
    }

    /** A setting of the writer's connection (PRAGMA settings are per connection). */
    private long writerSetting(String pragma) throws Exception {
        return Long.parseLong(store.sql().inTransaction(c -> SqliteFiles.pragma(c, pragma)));
    }

    @Test
    void theDriverRunsNoGeneratedKeysQueryAfterEachInsert() {
        // Sluice reads ids with RETURNING; the driver's default would regex-match every INSERT's
        // SQL and run SELECT last_insert_rowid() after it, on the single writer thread.
        assertThat(SqliteConnections.dataSource("jdbc:sqlite::memory:", true).getConfig().isGetGeneratedKeys(), is(false));
        assertThat(SqliteConnections.dataSource("jdbc:sqlite::memory:", false).getConfig().isGetGeneratedKeys(), is(false));
    }

    /**
     * Committed pages reach the database file from the background checkpointer, not from a commit
     * that crosses SQLite's threshold (far away for one event): a connection that reads the file
     * alone, ignoring the write-ahead log, sees the event within a few checkpoint periods.
     */
    @Test
    void committedPagesAreCheckpointedInTheBackground() throws Exception {
        store.write(List.of(event(tenant, "order-1", "meta")));
        String fileOnly = "jdbc:sqlite:file:" + ((SqliteTestDatabase) db).file().toAbsolutePath() + "?immutable=1";

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        long seen = 0;
        while (seen == 0 && System.nanoTime() < deadline) {
            Thread.sleep(SqliteConnections.CHECKPOINT_EVERY_MILLIS);
            try (var c = java.sql.DriverManager.getConnection(fileOnly);
                 var rs = c.createStatement().executeQuery("SELECT count(*) FROM events")) {
                seen = rs.next() ? rs.getLong(1) : 0;
            }
        }
        assertThat(seen, is(1L));
    }
}
