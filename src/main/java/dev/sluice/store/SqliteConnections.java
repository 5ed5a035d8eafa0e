package dev.sluice.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One writer connection and one reader connection to a WAL-mode SQLite file, each behind its own
 * lock. WAL lets the reader see the last commit while the writer works, so reads (health,
 * admin) never wait for a group commit.
 *
 * <p>Checkpoints (copying committed pages from the write-ahead log back into the database file)
 * run on a third connection on their own thread, in SQLite's PASSIVE mode, which never blocks
 * the writer: every {@link #CHECKPOINT_BUSY_MILLIS} ms while commits arrive, every
 * {@link #CHECKPOINT_EVERY_MILLIS} ms once a pass finds nothing new. Left to SQLite, the commit that crosses
 * the automatic threshold runs the checkpoint itself, on the one writer that ingest's group
 * commit and delivery's settlements share, with an extra fsync; here the writer only appends
 * to the log. The automatic checkpoint stays on at a higher threshold as a backstop, so the log
 * stays bounded even if the background thread falls behind. Durability is unchanged: a commit
 * is durable once its log frames are synced, whenever they are checkpointed.
 *
 * <p>SQLite starts the log over from its beginning only when a write transaction begins with
 * every frame copied, which under continuous load a background pass alone rarely achieves (the
 * writer has appended more by the time it ends). So once the log holds
 * {@link SqliteLogSizes#restartBytes()}, the thread runs passes back to back until at most
 * {@link #FINAL_PASS_BYTES} are left, then runs one more pass holding the store's write lock,
 * between two transactions: the writer's next transaction finds the log copied and starts it
 * over. The lock is fair, so the writer queues behind that pass rather than barging ahead of it.
 */
final class SqliteConnections implements Connections {

    static {
        // The driver loads its native library at the first connection, which every SQLite
        // connection of Sluice's opens through this class: decide where it comes from first.
        SqliteNativeLibrary.source();
    }

    /**
     * 4 MiB page cache: the hot pages of the indexes and the tables' tails; the OS page cache holds
     * the rest, and this cache counts against the sidecar's memory budget. Under the ingest load
     * 16 MiB and 8 MiB were no faster within the benchmark machine's run-to-run noise, and cost 12
     * and 4 MiB more resident memory (docs/benchmarks.md).
     */
    private static final int WRITER_CACHE_KIB = 4 * 1024;
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** How often the background thread checkpoints the write-ahead log while nothing is written. */
    static final long CHECKPOINT_EVERY_MILLIS = 200;
    /**
     * How often it checkpoints while commits arrive. Under ingest load the log grows by about
     * 130 MB/s; at 200 ms between passes it reached the writer's backstop threshold several
     * times a minute, and each time the writer stopped to checkpoint, which was the single-event
     * p99 (19-20 ms against 11.6 ms at 20 ms between passes, docs/benchmarks.md, session 7).
     */
    static final long CHECKPOINT_BUSY_MILLIS = 20;
    /**
     * What a pass may leave for the final pass under the write lock, which the writer waits for:
     * copying at most 1 MiB and the database's fsync.
     */
    static final int FINAL_PASS_BYTES = 1 << 20;
    /**
     * Page size of a database this creates. 8 KiB rather than SQLite's 4 KiB: under the batch
     * ingest load the single writer spent 23-25 µs of CPU per event instead of 30-35 and the
     * gateway took in 10-16 % more events per second (fewer log frames, and fewer system calls,
     * for the same bytes; an outbox row of about 1.4 KB leaves less of a page unused), for more
     * checkpointer time (docs/benchmarks.md, session 16). The page size of an existing database
     * is fixed when it is created; the README (Configuration, SQLite page size) says how to
     * convert one.
     */
    static final int NEW_DATABASE_PAGE_SIZE = 8192;

    /** Fair: the checkpoint thread's final pass ({@link #restartLog}) gets its turn after the running transaction. */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final ReentrantLock readLock = new ReentrantLock();
    private final Connection writer;
    private final Connection reader;
    private final Connection checkpointer;
    private final Thread checkpoints;
    /** {@link SqliteLogSizes#restartBytes()} and {@link #FINAL_PASS_BYTES} in frames of this database's pages. */
    private final long restartLogFrames;
    private final long finalPassFrames;
    private volatile boolean closed;
    /**
     * Whether a failed transaction's rollback failed as well, so the writer may have no open
     * transaction ({@link #reopenTransaction}); read and written under {@link #writeLock}.
     */
    private boolean transactionLost;
    /** Set by {@link #close} before it interrupts the checkpoint thread, which then ends. */
    private volatile boolean stopping;
    /**
     * The database file and the identity (device and inode) it had when opened, or null when
     * opened by URL alone (tests). Deleting or replacing the file under a running gateway left
     * SQLite writing to the unlinked file: every commit succeeded, readiness stayed up and 202s went
     * out for events that vanished at the next start (until session 40). Each transaction and each
     * read now checks first, a stat of a microsecond or two per commit.
     */
    private final Path file;
    private final Object fileKey;

    private SqliteConnections(Connection writer, Connection reader, Connection checkpointer, long restartLogFrames,
                              long finalPassFrames, Path file, Object fileKey) {
        this.file = file;
        this.fileKey = fileKey;
        this.writer = writer;
        this.reader = reader;
        this.checkpointer = checkpointer;
        this.restartLogFrames = restartLogFrames;
        this.finalPassFrames = finalPassFrames;
        this.checkpoints = Thread.ofPlatform().name("sluice-sqlite-checkpoint").daemon(true).start(this::checkpointLoop);
    }

    private void checkpointLoop() {
        long lastVersion = Long.MIN_VALUE;
        long lastCopied = -1;
        long pause = CHECKPOINT_EVERY_MILLIS;
        while (!stopping) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            try (var statement = checkpointer.createStatement()) {
                // data_version changes when another connection committed since this one last asked.
                long version;
                try (var result = statement.executeQuery("PRAGMA data_version")) {
                    version = result.next() ? result.getLong(1) : lastVersion + 1;
                }
                pause = version == lastVersion ? CHECKPOINT_EVERY_MILLIS : CHECKPOINT_BUSY_MILLIS;
                lastVersion = version;
                Pass pass = pass(statement);
                if (pass.logFrames() >= restartLogFrames) {
                    if (pass.logFrames() - pass.copiedFrames() <= finalPassFrames) {
                        restartLog(statement);
                    } else if (pass.copiedFrames() != lastCopied) {
                        // Still catching up: the next pass at once, while it makes progress (a
                        // reader's old snapshot can hold the copying back; then the usual pause).
                        pause = 0;
                    }
                }
                lastCopied = pass.copiedFrames();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                // A busy or failed pass is retried next time; the writer's backstop bounds the log.
                System.getLogger(SqliteConnections.class.getName())
                        .log(System.Logger.Level.DEBUG, "sqlite checkpoint skipped code={0}", StoreException.code(e));
            }
        }
    }

    /** What a checkpoint pass reported: the frames in the log, and how many of them are copied. */
    private record Pass(long logFrames, long copiedFrames) {
    }

    private static Pass pass(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return result.next() ? new Pass(result.getLong(2), result.getLong(3)) : new Pass(0, 0);
        }
    }

    /**
     * The final pass, between two of the writer's transactions, after which the writer's next
     * transaction starts the log over. Interruptible, so that {@link #close} need not wait for
     * a transaction to end before this thread stops.
     */
    private void restartLog(Statement statement) throws SQLException, InterruptedException {
        writeLock.lockInterruptibly();
        try {
            if (!stopping) {
                pass(statement);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** The data source Flyway and the store use: WAL, synchronous=FULL, a busy timeout. */
    static SQLiteDataSource dataSource(String url, boolean forWriting) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk before the 202 goes out, even across power loss.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // The driver's generated-keys support matches a regex over every INSERT's SQL (multi-row
        // inserts are kilobytes long) and runs SELECT last_insert_rowid() after it. Sluice never
        // asks for generated keys (it uses RETURNING), so that work is switched off.
        config.setGetGeneratedKeys(false);
        // SQLite's own lock around every call on a connection is redundant here: the driver
        // already synchronizes each native call on its connection (every NativeDB method but
        // interrupt, which SQLite allows from any thread), and each connection is used under a
        // lock of this class. Without it the single writer spent 18.3-18.8 us of CPU per event
        // against 18.4-19.9 in four alternating rounds (StoreWriteBench, docs/benchmarks.md,
        // session 21).
        config.setOpenMode(org.sqlite.SQLiteOpenMode.NOMUTEX);
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

    /**
     * Creates the database file, with {@link #NEW_DATABASE_PAGE_SIZE} pages and in WAL mode, unless
     * it already holds a database: a page size is fixed by the first write to a new file, and the
     * pooled connections' settings would switch to WAL first, at SQLite's default size.
     *
     * @return whether a database was created
     */
    static boolean createIfMissing(Path file) throws SQLException, IOException {
        if (Files.exists(file) && Files.size(file) > 0) {
            return false;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = " + NEW_DATABASE_PAGE_SIZE);
            s.execute("PRAGMA journal_mode = WAL");
        }
        return true;
    }

    /**
     * Rewrites an existing database with {@code pageSize} pages (VACUUM, which a page size change
     * needs and which WAL mode does not allow, so the file leaves WAL mode for it and returns).
     * Nothing else may have the file open: another connection makes it fail at once (no busy wait),
     * before anything changed.
     *
     * @return the page size before
     */
    static int convertPageSize(Path file, int pageSize) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            int before = pageSize(s);
            if (before == pageSize) {
                return before;
            }
            // Leaving WAL mode needs the only connection to the file: it fails with SQLITE_BUSY
            // while a gateway has it open, before anything is changed.
            s.execute("PRAGMA journal_mode = DELETE");
            try {
                s.execute("PRAGMA page_size = " + pageSize);
                s.execute("VACUUM");
            } finally {
                s.execute("PRAGMA journal_mode = WAL");
            }
            return before;
        }
    }

    /** The database's page size in bytes. */
    private static int pageSize(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Opens {@code file}'s connections, as {@link #open(String, SqliteLogSizes)}, and from then on
     * refuses transactions and reads once the file at that path is no longer the one opened.
     */
    static SqliteConnections open(Path file, SqliteLogSizes sizes) throws SQLException {
        Path absolute = file.toAbsolutePath();
        return open("jdbc:sqlite:" + absolute, sizes.restartBytes(), FINAL_PASS_BYTES, sizes.backstopBytes(), absolute,
                identity(absolute));
    }

    private static Object identity(Path file) throws SQLException {
        try {
            Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return key != null ? key : file;
        } catch (IOException e) {
            throw new DatabaseFileGone("the database file " + file + " is gone: it was deleted or moved while the"
                    + " gateway ran; restore it from a backup and restart", e);
        }
    }

    /** Throws when the database file is not the one these connections opened (see {@link #file}). */
    private void checkFile() throws SQLException {
        if (file != null && !identity(file).equals(fileKey)) {
            throw new DatabaseFileGone("the database file " + file + " was replaced while the gateway ran: this"
                    + " gateway writes to the file it opened, which is no longer there; restart it", null);
        }
    }

    /** The database file is no longer the one opened; the message names only its path. */
    static final class DatabaseFileGone extends SQLException {
        DatabaseFileGone(String message, Throwable cause) {
            super(message, "58030", cause);
        }
    }

    /** Opens the writer, reader and checkpointing connections, the log sized as configured. */
    static SqliteConnections open(String url, SqliteLogSizes sizes) throws SQLException {
        return open(url, sizes.restartBytes(), FINAL_PASS_BYTES, sizes.backstopBytes(), null, null);
    }

    /** As {@link #open(String, SqliteLogSizes)} with the default backstop and the log restarted from {@code restartLogBytes} (tests use less). */
    static SqliteConnections open(String url, int restartLogBytes, int finalPassBytes) throws SQLException {
        return open(url, restartLogBytes, finalPassBytes, SqliteLogSizes.DEFAULT.backstopBytes(), null, null);
    }

    private static SqliteConnections open(String url, long restartLogBytes, long finalPassBytes, long backstopBytes,
                                          Path file, Object fileKey) throws SQLException {
        Connection writer = dataSource(url, true).getConnection();
        try {
            int pageSize;
            try (Statement s = writer.createStatement()) {
                pageSize = pageSize(s);
                s.execute("PRAGMA wal_autocheckpoint = " + backstopBytes / pageSize);
            }
            writer.setAutoCommit(false);
            Connection reader = dataSource(url, false).getConnection();
            Connection checkpointer;
            try {
                checkpointer = checkpointSource(url).getConnection();
            } catch (SQLException | RuntimeException e) {
                reader.close();
                throw e;
            }
            StatementCache.enable(writer);
            return new SqliteConnections(writer, reader, checkpointer, Math.max(1, restartLogBytes / pageSize),
                    finalPassBytes / pageSize, file, fileKey);
        } catch (SQLException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /** The checkpointing connection: writes only the database file, never holds the write lock. */
    private static SQLiteDataSource checkpointSource(String url) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(0);
        config.setCacheSize(-256);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        return ds;
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        writeLock.lock();
        try {
            ensureOpen();
            checkFile();
            if (transactionLost) {
                reopenTransaction();
            }
            return Connections.commit(writer, work, () -> transactionLost = true);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Gives the writer an open transaction again after SQLite ended one itself. On a full disk (or
     * an I/O error, or an allocation failure) SQLite rolls the whole transaction back on its own;
     * the driver's rollback then fails ("no transaction is active") before it issues the
     * {@code BEGIN} that follows every commit and rollback, and the connection is left in SQLite's
     * auto-commit mode while the driver believes a transaction open: every later statement would
     * commit alone, half an event at a time, and every commit would fail, so that the gateway
     * answered 503 for events it had partly written and never recovered once the disk had room
     * again (docs/ingest.md, A full disk). Runs before the writer's next transaction, under the
     * write lock; when it fails, that transaction does not run and the next one tries again.
     */
    private void reopenTransaction() throws SQLException {
        try (Statement s = writer.createStatement()) {
            try {
                // Whatever is left of the failed transaction, if SQLite kept one open after all.
                s.execute("ROLLBACK");
            } catch (SQLException noTransaction) {
                // The usual case: SQLite had already rolled it back.
            }
            s.execute("BEGIN");
        }
        transactionLost = false;
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        readLock.lock();
        try {
            ensureOpen();
            checkFile();
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
        // The checkpoint thread stops first, outside the locks: its final pass takes the write
        // lock while holding the checkpointing connection, so waiting for it while holding the
        // write lock could wait forever. Interrupted, it finishes a pass it is in and ends.
        stopping = true;
        checkpoints.interrupt();
        boolean interrupted = false;
        while (checkpoints.isAlive()) {
            try {
                checkpoints.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // Taking both locks waits for the running transaction and read to finish first.
        writeLock.lock();
        readLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(checkpointer);
            closeQuietly(reader);
            StatementCache.disable(writer);
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
                    .log(System.Logger.Level.WARNING, "sqlite close failed code={0}", StoreException.code(e));
        }
    }
}
