package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class BodyDeadlinesTest {
    private final BodyDeadlines deadlines = new BodyDeadlines(Duration.ofMillis(150));

    @Test
    void aReadPastItsDeadlineIsInterrupted_andClosingItClearsTheInterrupt() {
        BodyDeadlines.Read read = deadlines.start();
        // A blocked read stands in: the sweeper interrupts it at the deadline.
        assertThrows(InterruptedException.class, () -> Thread.sleep(10_000));
        assertTrue(read.expired());
        Thread.currentThread().interrupt();
        read.close();
        assertFalse(Thread.currentThread().isInterrupted(), "the thread goes on to answer");
    }

    @Test
    void aReadClosedInTimeIsNeverInterrupted() throws InterruptedException {
        BodyDeadlines.Read read = deadlines.start();
        read.close();
        Thread.sleep(150 + 4 * BodyDeadlines.SWEEP_MILLIS);
        assertFalse(read.expired());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void refusesATimeoutThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new BodyDeadlines(Duration.ZERO));
    }
}
