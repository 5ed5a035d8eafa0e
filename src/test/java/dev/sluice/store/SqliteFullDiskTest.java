package dev.sluice.store;

import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk on the embedded store. SQLite answers a write that finds no room with
 * {@code SQLITE_FULL} and, unless only the statement needs undoing, rolls the whole transaction
 * back on its own. A page limit on the writer connection ({@code PRAGMA max_page_count}) gives
 * the same answer as a full file system, and a single-row insert, which keeps no statement
 * journal, gets the whole transaction rolled back, as the gateway's commits did on a full
 * volume (docs/ingest.md, A full disk).
 */
final class SqliteFullDiskTest {
    @TempDir
    Path tempDir;
    private Store store;

    @BeforeEach
    void open() throws SQLException {
        store = Stores.open(StoreConfig.sqlite(tempDir.resolve("sluice.db")));
        store.sql().inTransaction(c -> execute(c, "CREATE TABLE scratch (b BLOB)"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void afterSqliteRolledBackATransactionItselfTheNextOnesAreWholeAgain() throws SQLException {
        fillTheDisk();

        // A transaction that fails after its first insert leaves nothing: the insert was inside
        // it. Without a transaction reopened, the insert committed on its own and stayed.
        assertThrows(IllegalStateException.class, () -> store.sql().inTransaction(c -> {
            execute(c, "PRAGMA max_page_count = 2147483646");
            execute(c, "INSERT INTO scratch (b) VALUES (x'01')");
            throw new IllegalStateException("the rest of the work failed");
        }));
        assertThat(rows(), is(0L));

        // And a whole one commits (it failed with "cannot commit - no transaction is active").
        store.sql().inTransaction(c -> execute(c, "INSERT INTO scratch (b) VALUES (x'02')"));
        assertThat(rows(), is(1L));
    }

    @Test
    void eventsAreWrittenAgainOnceThereIsRoom_andAFailedWriteStillLeavesNothing() throws SQLException {
        store.write(List.of(event("t", "before", "meta")));
        fillTheDisk();
        store.sql().inTransaction(c -> execute(c, "PRAGMA max_page_count = 2147483646"));

        assertThat(store.write(List.of(event("t", "after", "meta", "hook"))), is(List.of(WriteOutcome.INSERTED)));
        assertThat(store.countEvents("t"), is(2L));
        assertThat(store.outbox("t", 10).size(), is(3));
        // A write that fails part-way is still undone as a whole.
        store.sql().inTransaction(c -> execute(c, "CREATE TRIGGER refuse_bad BEFORE INSERT ON events"
                + " WHEN NEW.event_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END"));
        assertThrows(StoreException.class,
                () -> store.write(List.of(event("t", "good", "meta"), event("t", "bad", "meta"))));
        assertThat(store.countEvents("t"), is(2L));
        assertThat(store.write(List.of(event("t", "good", "meta"))), is(List.of(WriteOutcome.INSERTED)));
    }

    @Test
    void aFullDiskIsNamedInTheFailure() throws SQLException {
        store.sql().inTransaction(c -> execute(c, "PRAGMA max_page_count = " + pageCount()));
        StoreException full = assertThrows(StoreException.class, () -> {
            for (int i = 0; i < 1_000; i++) {
                store.write(List.of(event("t", "e-" + i, "meta", "hook")));
            }
        });
        assertThat(full.getMessage(), containsString("(SQLITE_FULL)"));
    }

    /** A transaction that finds no room, which SQLite rolls back whole. */
    private void fillTheDisk() throws SQLException {
        long pages = pageCount();
        SQLException full = assertThrows(SQLException.class, () -> store.sql().inTransaction(c -> {
            execute(c, "INSERT INTO scratch (b) VALUES (x'00')");
            execute(c, "PRAGMA max_page_count = " + pages);
            return execute(c, "INSERT INTO scratch (b) VALUES (zeroblob(1000000))");
        }));
        assertThat(StoreException.code(full), is("SQLITE_FULL"));
        assertThat(rows(), is(0L));
    }

    private long pageCount() throws SQLException {
        return store.sql().inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private long rows() throws SQLException {
        return store.sql().read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM scratch")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static Void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }
}
