package dev.sluice.audit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the audit log's periodic work on one daemon thread: time-based checkpoints and the
 * retention purge, for every tenant. A failed run is logged (without data) and tried again at
 * the next tick; the jobs themselves take time from the log's clock, so tests call
 * {@link AuditLog#checkpointDue} and {@link RetentionPurge#run} directly instead of waiting.
 */
public final class AuditScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditScheduler.class.getName());

    private final ScheduledExecutorService executor;

    private AuditScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Starts the jobs.
     *
     * @param checkpointTick how often to look for chains due a checkpoint
     * @param retentionTick  how often to purge
     */
    public static AuditScheduler start(AuditLog log, RetentionPurge retention, List<String> tenantIds,
                                       Duration checkpointTick, Duration retentionTick) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sluice-audit-jobs").daemon(true).factory());
        executor.scheduleWithFixedDelay(() -> guarded("checkpoint", () -> log.checkpointDue(tenantIds)),
                checkpointTick.toMillis(), checkpointTick.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> guarded("retention", () -> tenantIds.forEach(retention::run)),
                retentionTick.toMillis(), retentionTick.toMillis(), TimeUnit.MILLISECONDS);
        return new AuditScheduler(executor);
    }

    private static void guarded(String job, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            // A throwing task would be cancelled for good; log the type only and retry next tick.
            LOG.log(System.Logger.Level.WARNING, "event=audit_job_failed job={0} error={1}", job, e.getClass().getSimpleName());
        }
    }

    /** Stops the jobs; a run in progress finishes first (bounded wait). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
