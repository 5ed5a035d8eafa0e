package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One writer connection and one reader connection to a WAL-mode SQLite file, each behind its own
 * lock. WAL lets the reader see the last commit while the writer works, so reads (health,
 * admin) never wait for a group commit.
 */
final class SqliteConnections implements Connections {

    /** 16 MiB page cache: the hot pages of the dedup index and the outbox tail; the OS page cache holds the rest, and a larger cache counts against the sidecar memory budget. */
    private static final int WRITER_CACHE_KIB = 16 * 1024;
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final Connection writer;
    private final Connection reader;
    private volatile boolean closed;

    private SqliteConnections(Connection writer, Connection reader) {
        this.writer = writer;
        this.reader = reader;
    }

    /** The data source Flyway and the store use: WAL, synchronous=FULL, a busy timeout. */
    static SQLiteDataSource dataSource(String url, boolean forWriting) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk before the 202 goes out, even across power loss.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        if (forWriting) {
            config.setCacheSize(-WRITER_CACHE_KIB);
            // Deferred (the default), not IMMEDIATE: the driver re-issues BEGIN right after each
            // commit, so IMMEDIATE would hold the write lock even while idle. Every write
            // transaction starts with a write statement, so it never upgrades a read lock.
        } else {
            config.setReadOnly(true);
        }
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        return ds;
    }

    static SqliteConnections open(String url) throws SQLException {
        Connection writer = dataSource(url, true).getConnection();
        try {
            writer.setAutoCommit(false);
            Connection reader = dataSource(url, false).getConnection();
            return new SqliteConnections(writer, reader);
        } catch (SQLException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        writeLock.lock();
        try {
            ensureOpen();
            return Connections.commit(writer, work);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        readLock.lock();
        try {
            ensureOpen();
            return work.run(reader);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public String kind() {
        return StoreConfig.SQLITE;
    }

    @Override
    public void close() {
        // Taking both locks waits for the running transaction and read to finish first.
        writeLock.lock();
        readLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(reader);
            closeQuietly(writer);
        } finally {
            readLock.unlock();
            writeLock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("store is closed");
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            System.getLogger(SqliteConnections.class.getName())
                    .log(System.Logger.Level.WARNING, "sqlite close failed sqlstate={0}", e.getSQLState());
        }
    }
}
