package dev.sluice.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One serving gateway per SQLite database. The embedded store's promises rest on a single writer
 * process: the audit chain's head and the dedup front are kept in memory, and delivery cursors
 * rely on row ids committing in order. Before session 34 a second gateway started on the same
 * data directory (a second replica on a shared volume, a copy started by hand) opened the same
 * file and ran beside the first. Now the serving gateway holds an exclusive lock on
 * {@code <database>.lock} (an operating-system file lock, released when the process ends, however
 * it ends) and a second one stops at startup naming the database and the holder's process id.
 * The report command, which only reads, does not take it.
 */
public final class SqliteFileLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private SqliteFileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code database} (creating its directory and the lock file if needed).
     *
     * @throws StoreException when another process holds it, or the lock file cannot be opened
     */
    public static SqliteFileLock acquire(Path database) {
        Path file = lockFile(database);
        FileChannel channel;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot open the lock file " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new StoreException("the database " + database + " is in use by another Sluice process"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it first, or give this gateway its own sluice.data-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new SqliteFileLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The lock file of {@code database}: beside it, named after it. */
    public static Path lockFile(Path database) {
        return database.resolveSibling(database.getFileName() + ".lock");
    }

    /** The process id the holder wrote, or empty. */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("\\d{1,19}") ? text : "";
    }

    /** Releases the lock; the file stays (deleting it would let two processes lock two different files). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to release.
        }
    }
}
