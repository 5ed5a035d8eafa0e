package dev.sluice.ledger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link CustomerFolder#fold} every {@code sluice.ledger.customer-fold-interval} on one daemon
 * thread. A failed fold is logged (its exception type only: no tenant data) and tried again at
 * the next tick; reports stay exact meanwhile, because they read what is not folded yet.
 */
public final class CustomerFoldScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CustomerFoldScheduler.class.getName());

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sluice-ledger-fold").daemon(true).factory());
    private volatile boolean closing;

    private CustomerFoldScheduler() {
    }

    /** Starts folding with {@code folder}, first one {@code interval} from now. */
    public static CustomerFoldScheduler start(CustomerFolder folder, Duration interval) {
        CustomerFoldScheduler scheduler = new CustomerFoldScheduler();
        // A long fold (the first one after an upgrade reads the whole history) stops between steps on close.
        return scheduler.schedule(() -> folder.fold(() -> !scheduler.closing), interval);
    }

    static CustomerFoldScheduler start(Runnable fold, Duration interval) {
        return new CustomerFoldScheduler().schedule(fold, interval);
    }

    private CustomerFoldScheduler schedule(Runnable fold, Duration interval) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                fold.run();
            } catch (RuntimeException e) {
                // A throwing task would be cancelled for good; log the type only and retry next tick.
                LOG.log(System.Logger.Level.WARNING, "event=ledger_customer_fold_failed error={0}",
                        e.getClass().getSimpleName());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops folding; a fold in progress finishes its step first (bounded wait). */
    @Override
    public void close() {
        closing = true;
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
