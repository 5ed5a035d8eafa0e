package dev.sluice.observe;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes java.util.logging (which Helidon and System.Logger use) to JSON lines on stderr.
 * Sluice logs at INFO; libraries at WARNING, so their chatter stays out of the logs.
 */
public final class Logging {
    // java.util.logging holds loggers weakly: without a strong reference the configured level is
    // lost at the next garbage collection and Sluice's INFO lines silently disappear.
    private static final Logger SLUICE = Logger.getLogger("dev.sluice");

    private Logging() {
    }

    /**
     * The log manager the command line installs ({@code java.util.logging.manager}, set by
     * {@link dev.sluice.Main} before anything logs). The JDK's own shutdown hook resets the log
     * manager, which removes every handler, while Sluice's shutdown hook is still draining: the
     * lines it logs then ({@code event=delivery_stopped}, {@code event=stopped}) went nowhere,
     * and a clean stop looked like a crash. This manager leaves the handlers in place at shutdown;
     * the console handler flushes every line as it is written, so nothing is left to close.
     */
    public static final class ShutdownSafeManager extends java.util.logging.LogManager {
        @Override
        public void reset() {
            // Kept: see the class comment. Nothing in Sluice resets logging on purpose.
        }
    }

    /** Installs the JSON handler on the root logger, unless java.util.logging.config.file is set. */
    public static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new JsonLogFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.WARNING);
        SLUICE.setLevel(Level.INFO);
    }
}
