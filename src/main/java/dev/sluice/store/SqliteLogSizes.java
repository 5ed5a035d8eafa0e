package dev.sluice.store;

/**
 * How large SQLite's write-ahead log may grow (README, Configuration, "Write-ahead log"). The
 * background checkpoint thread starts the log over once it holds {@code restartBytes}; the writer
 * checkpoints by itself, inside a commit, only if the log reaches {@code backstopBytes}, which
 * happens only when the thread falls behind. The log file stays near the restart size under
 * sustained load and reaches the backstop size at most, so the disk to budget beside the database
 * is about the backstop plus the few MiB SQLite keeps alongside.
 *
 * @param restartBytes  from 2 MiB (the thread's last pass, under the store's write lock, copies up
 *                      to 1 MiB) to 1 GiB; default 32 MiB
 * @param backstopBytes more than {@code restartBytes}, at most 4 GiB; default {@link #defaultBackstop}
 */
public record SqliteLogSizes(long restartBytes, long backstopBytes) {
    /**
     * What a gateway runs with unless configured otherwise. The backstop, in pages of the
     * database's size (16,384 pages of 8 KiB; 32,768 of 4 KiB in a database an earlier version
     * created), was 32 MiB, and under continuous load the log reached it every 200 ms or so: the
     * writer then did most of the copying inside its commit (it wrote 5.7-7.3 KB per event where
     * the log takes 4.9, the background thread 0.8-2.5 KB where the copying takes 3.2), with the
     * database's fsync: its CPU 15.2-18.6 us per event against 11.9-12.9 at 128 MiB, batches
     * 29,300-35,600 events/s against 34,800-39,100. The writer restarting the log at 128 MiB
     * (every half second under single events) raised their p99 to 18.9-19.6 ms against 12.7-13.4
     * at 32 MiB, hence the background restart at 32 MiB: the log file then stays at about
     * 48-52 MB under the batch load; against the 128 MiB backstop alone, batches 31,900-38,700
     * events/s against 37,500-37,800 and single events' p99 11.0-11.6 ms against 19.1
     * (docs/benchmarks.md, session 26).
     */
    public static final SqliteLogSizes DEFAULT = new SqliteLogSizes(32L << 20, 128L << 20);
    /** The smallest restart size: twice what the final pass may copy under the write lock. */
    public static final long MIN_RESTART_BYTES = 2L << 20;
    public static final long MAX_RESTART_BYTES = 1L << 30;
    public static final long MAX_BACKSTOP_BYTES = 4L << 30;

    public SqliteLogSizes {
        String problem = restartProblem(restartBytes);
        if (problem == null) {
            problem = backstopProblem(restartBytes, backstopBytes);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The backstop when only a restart size is given: 128 MiB, or four times the restart size if that is more. */
    public static long defaultBackstop(long restartBytes) {
        return Math.max(DEFAULT.backstopBytes(), 4 * restartBytes);
    }

    /** What is wrong with a restart size, or null. */
    public static String restartProblem(long restartBytes) {
        return restartBytes < MIN_RESTART_BYTES || restartBytes > MAX_RESTART_BYTES
                ? "must be from " + MIN_RESTART_BYTES + " (2 MiB) to " + MAX_RESTART_BYTES + " (1 GiB)"
                : null;
    }

    /** What is wrong with a backstop size for a (valid) restart size, or null. */
    public static String backstopProblem(long restartBytes, long backstopBytes) {
        return backstopBytes <= restartBytes || backstopBytes > MAX_BACKSTOP_BYTES
                ? "must be more than the restart size (" + restartBytes + ") and at most " + MAX_BACKSTOP_BYTES + " (4 GiB)"
                : null;
    }
}
