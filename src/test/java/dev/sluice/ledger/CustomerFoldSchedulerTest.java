package dev.sluice.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fold's schedule: a failing fold is tried again at the next tick; close stops it. */
final class CustomerFoldSchedulerTest {

    @Test
    void aFailedFold_isTriedAgainAtTheNextTick_andCloseStopsTheTicks() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CustomerFoldScheduler scheduler = CustomerFoldScheduler.start(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the store is away");
            }
        }, Duration.ofMillis(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (runs.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        scheduler.close();

        assertTrue(runs.get() >= 3, "runs after the failure: " + runs.get());
        int closed = runs.get();
        Thread.sleep(100);
        assertEquals(closed, runs.get());
    }
}
