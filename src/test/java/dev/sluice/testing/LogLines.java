package dev.sluice.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines one class logs at a level or above while a test runs, formatted as the log formatter
 * would fill them in; close it to stop listening.
 */
public final class LogLines implements AutoCloseable {
    private final Logger logger;
    private final Handler handler;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogLines(Class<?> source, Level least, boolean withLevel) {
        this.logger = Logger.getLogger(source.getName());
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= least.intValue()) {
                    String message = MessageFormat.format(record.getMessage(), record.getParameters());
                    lines.add(withLevel ? record.getLevel() + " " + message : message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
    }

    /** Every line {@code source} logs, each prefixed with its level ({@code WARNING event=...}). */
    public static LogLines of(Class<?> source) {
        return new LogLines(source, Level.ALL, true);
    }

    /** The lines {@code source} logs at WARNING or above, without their level. */
    public static LogLines warningsOf(Class<?> source) {
        return new LogLines(source, Level.WARNING, false);
    }

    /** The lines so far; the list goes on filling while this is open. */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
