package dev.sluice.observe;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A log line that can repeat many times a second (every request failing while the disk is full),
 * written at most once per interval: the first at once, then, once the interval has passed, the
 * next one with {@code left_out=<n>}, the number of lines left out since the last written. A
 * storm of failures then costs the log a line per interval instead of one per request, which
 * matters most when the disk the logs go to is the one that is full.
 */
public final class ThrottledLog {
    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private boolean written;
    private long lastWritten;
    private long leftOut;

    /** Writes to {@code logger} at most once per {@code interval}. */
    public ThrottledLog(Logger logger, Duration interval) {
        this(logger, interval, System::nanoTime);
    }

    ThrottledLog(Logger logger, Duration interval, LongSupplier nanoTime) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Logs {@code format} ({@link java.text.MessageFormat}) with {@code params}, or counts it as
     * left out when a line was written less than the interval ago.
     */
    public void log(Level level, String format, Object... params) {
        long left;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (written && now - lastWritten < intervalNanos) {
                leftOut++;
                return;
            }
            written = true;
            lastWritten = now;
            left = leftOut;
            leftOut = 0;
        }
        logger.log(level, left == 0 ? format : format + " left_out=" + left, params);
    }
}
