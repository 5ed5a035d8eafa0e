package dev.sluice.store;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background checkpoint thread starts the write-ahead log over while the writer keeps
 * committing, so the writer neither copies frames nor lets the log grow to its own threshold.
 */
final class SqliteLogRestartTest {

    private static final int ROW_BYTES = 1_000;
    private static final int ROWS_PER_TRANSACTION = 10;
    /** The log's restart size in this test; the writer's own threshold stays at 128 MiB. */
    private static final int RESTART_BYTES = 512 * 1024;

    @TempDir
    Path dir;

    @Test
    void theLogStartsOverUnderBackToBackTransactions() throws Exception {
        Path file = dir.resolve("restart.db");
        SqliteConnections.createIfMissing(file);
        Path log = file.resolveSibling("restart.db-wal");
        SqliteConnections connections = SqliteConnections.open("jdbc:sqlite:" + file, RESTART_BYTES, 64 * 1024);
        try {
            createTable(connections);
            // Back-to-back transactions, each writing at least a page of log (8 KiB), so at least
            // 64 MiB of log, which without the restart would all be in the log file (about 60 MB
            // when this test was written), since no transaction begins with every frame copied;
            // and for at least 1.5 s, so that the background thread has run its passes.
            long started = System.nanoTime();
            int transactions = 0;
            while (transactions < 8_192 || System.nanoTime() - started < 1_500_000_000L) {
                insertRows(connections, 1);
                transactions++;
            }
            assertThat(connections.read(c -> count(c)), is((long) transactions));
            long logWritten = transactions * 8_192L;
            assertThat(Files.size(log), lessThan(logWritten / 4));
        } finally {
            // Closing takes the write lock that the thread's final pass may be waiting for.
            assertTimeoutPreemptively(Duration.ofSeconds(10), connections::close);
        }
    }

    @Test
    void closingWhileTheThreadWaitsForTheWriteLockDoesNotHang() throws Exception {
        Path file = dir.resolve("closing.db");
        SqliteConnections.createIfMissing(file);
        SqliteConnections connections = SqliteConnections.open("jdbc:sqlite:" + file, 64 * 1024, 64 * 1024);
        createTable(connections);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transactions = new AtomicLong();
        Thread writer = Thread.ofPlatform().daemon(true).start(() -> {
            while (!stop.get()) {
                try {
                    insertRows(connections, ROWS_PER_TRANSACTION);
                    transactions.incrementAndGet();
                } catch (StoreException | SQLException closed) {
                    return;
                }
            }
        });
        Thread.sleep(500);
        assertTimeoutPreemptively(Duration.ofSeconds(10), connections::close);
        stop.set(true);
        writer.join(Duration.ofSeconds(10));
        assertThat(writer.isAlive(), is(false));
        assertThat(transactions.get(), greaterThan(10L));
    }

    private static void createTable(SqliteConnections connections) throws SQLException {
        connections.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            }
            return null;
        });
    }

    private static void insertRows(SqliteConnections connections, int rows) throws SQLException {
        connections.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO rows (data) VALUES (randomblob(?))")) {
                for (int i = 0; i < rows; i++) {
                    insert.setInt(1, ROW_BYTES);
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    private static long count(java.sql.Connection c) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM rows")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
