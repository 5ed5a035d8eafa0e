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
