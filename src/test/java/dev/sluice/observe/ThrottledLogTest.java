package dev.sluice.observe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class ThrottledLogTest {
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final ThrottledLog log = new ThrottledLog(new Recording(), Duration.ofSeconds(10), now::get);

    @Test
    void writesTheFirstLineAtOnce_thenOnePerInterval_countingTheOnesLeftOut() {
        log.log(Level.WARNING, "failed n={0}", 1);
        log.log(Level.WARNING, "failed n={0}", 2);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        log.log(Level.WARNING, "failed n={0}", 3);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        log.log(Level.WARNING, "failed n={0}", 4);
        log.log(Level.WARNING, "failed n={0}", 5);
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        log.log(Level.ERROR, "failed n={0}", 6);

        assertThat(lines, contains("WARNING failed n=1", "WARNING failed n=4 left_out=2", "ERROR failed n=6 left_out=1"));
    }

    @Test
    void aLineAfterAQuietIntervalCarriesNoCount() {
        log.log(Level.INFO, "x");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        log.log(Level.INFO, "y");

        assertThat(lines, contains("INFO x", "INFO y"));
    }

    @Test
    void refusesAnIntervalThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new ThrottledLog(new Recording(), Duration.ZERO));
    }

    /** Records each line as its level and formatted message. */
    private final class Recording implements Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + MessageFormat.format(format, params));
        }
    }
}
