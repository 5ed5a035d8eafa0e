package dev.sluice.observe;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LoggingTest {

    @Test
    void sluiceInfoLinesSurviveGarbageCollection() throws Exception {
        Logger root = Logger.getLogger("");
        Level previous = root.getLevel();
        java.util.logging.Handler[] handlers = root.getHandlers();
        String configFile = System.clearProperty("java.util.logging.config.file");
        try {
            Logging.configure();
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertTrue(Logger.getLogger("dev.sluice.Gateway").isLoggable(Level.INFO),
                    "the dev.sluice level must not be lost when JUL's weakly held logger is collected");
            assertTrue(!Logger.getLogger("org.example.Library").isLoggable(Level.INFO), "libraries stay at WARNING");
        } finally {
            for (java.util.logging.Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
            for (java.util.logging.Handler h : handlers) {
                root.addHandler(h);
            }
            root.setLevel(previous);
            if (configFile != null) {
                System.setProperty("java.util.logging.config.file", configFile);
            }
        }
    }

    /** key=value lines stay parseable: no locale grouping of digits in numbers. */
    @Test
    void numbersAreWrittenPlainly() {
        java.util.logging.LogRecord record = new java.util.logging.LogRecord(Level.INFO, "event=x after_seq={0} count={1} value={2}");
        record.setParameters(new Object[] {50_022L, 1_000, new java.math.BigDecimal("12345.60")});
        String line = new JsonLogFormatter().format(record);
        assertTrue(line.contains("\"msg\":\"event=x after_seq=50022 count=1000 value=12345.60\""), line);

        java.util.logging.LogRecord typed = new java.util.logging.LogRecord(Level.INFO, "event=started port={0,number,#} n={1}");
        typed.setParameters(new Object[] {18080, 12_345});
        String started = new JsonLogFormatter().format(typed);
        assertTrue(started.contains("\"msg\":\"event=started port=18080 n=12345\""), started);
    }

    @Test
    void formatterWritesOneJsonLineWithoutExceptionMessages() {
        java.util.logging.LogRecord record = new java.util.logging.LogRecord(Level.INFO, "event=x tenant={0}");
        record.setParameters(new Object[] {"acme"});
        record.setLoggerName("dev.sluice.T");
        record.setThrown(new IllegalStateException("secret@example.com"));
        String line = new JsonLogFormatter().format(record);
        assertTrue(line.startsWith("{\"ts\":\"") && line.endsWith("}\n"), line);
        assertTrue(line.contains("\"msg\":\"event=x tenant=acme\""), line);
        assertTrue(line.contains("java.lang.IllegalStateException"), line);
        assertTrue(!line.contains("secret@example.com"), "exception messages are never logged");
    }
}
