package dev.sluice.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.LongStream;

/**
 * Group commit: many concurrent callers share one transaction, and each call returns only after
 * its own events are committed (or throws {@link StoreException}).
 *
 * <p>One writer thread drains the queue, taking whole requests in arrival order until the next
 * one would exceed {@code maxEventsPerCommit} events, and commits them with one
 * {@link Store#write}. A request is never split, so a single request larger than the limit is
 * committed alone. While one transaction commits, the next batch queues up, so the batch size
 * grows with load and the per-event cost of the disk sync shrinks. The single writer also means
 * SQLite never sees concurrent writers.
 *
 * <p>If a shared transaction fails, each of its requests is retried in a transaction of its own,
 * so one bad request cannot fail its neighbours; only the requests that fail alone get an
 * exception. Requests still share dedup semantics: a later request in the same batch sees an
 * earlier request's events as duplicates, exactly as if they had been committed one by one.
 *
 * <p>Meters: {@code sluice.store.commit.events} (events per transaction),
 * {@code sluice.store.commit.duration} (transaction time), {@code sluice.store.errors}
 * (failed transactions) and {@code sluice.store.queue.events} (events waiting), all tagged with
 * the store kind. The writer does not own the store: closing the writer leaves it open.
 */
public final class GroupCommitWriter implements AutoCloseable {
    /** Commit-time histogram buckets ({@code sluice_store_commit_duration_seconds_bucket}). */
    private static final Duration[] COMMIT_BUCKETS = LongStream.of(1, 2, 5, 10, 20, 50, 100, 200, 500)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);


    private static final System.Logger LOG = System.getLogger(GroupCommitWriter.class.getName());
    /** Failed commits are logged at most this often (a full disk fails every commit). */
    static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(10);
    private final dev.sluice.observe.ThrottledLog failures = new dev.sluice.observe.ThrottledLog(LOG, FAILURE_LOG_INTERVAL);

    private final Store store;
    private final int maxEventsPerCommit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final Thread thread;
    private final MeterRegistry registry;
    private final DistributionSummary commitEvents;
    private final Timer commitDuration;
    private final Counter errors;
    private int queuedEvents;   // guarded by lock
    private boolean closed;     // guarded by lock

    /**
     * Starts the writer thread.
     *
     * @param store              the store to commit to; stays open when the writer closes
     * @param maxEventsPerCommit soft upper bound on events per transaction, at least 1
     * @param registry           where the writer's meters go
     */
    public GroupCommitWriter(Store store, int maxEventsPerCommit, MeterRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
        if (maxEventsPerCommit < 1) {
            throw new IllegalArgumentException("maxEventsPerCommit must be at least 1");
        }
        this.maxEventsPerCommit = maxEventsPerCommit;
        String kind = store.kind();
        this.commitEvents = DistributionSummary.builder("sluice.store.commit.events")
                .description("Events per committed store transaction").baseUnit("events")
                .tag("store", kind).register(registry);
        // A few fixed buckets rather than a full percentile histogram: enough to see the tail of
        // commit times (which sets the ingest p99) in Prometheus, at ten series per store.
        this.commitDuration = Timer.builder("sluice.store.commit.duration")
                .description("Time to write and commit one store transaction")
                .serviceLevelObjectives(COMMIT_BUCKETS)
                .tag("store", kind).register(registry);
        this.errors = Counter.builder("sluice.store.errors")
                .description("Store transactions that failed and were rolled back")
                .tag("store", kind).register(registry);
        Gauge.builder("sluice.store.queue.events", this, GroupCommitWriter::queuedEvents)
                .description("Events waiting for the group-commit writer")
                .tag("store", kind).register(registry);
        this.thread = Thread.ofPlatform().name("sluice-store-writer").daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * Queues the events, waits until the transaction holding them has committed, and returns one
     * outcome per event in order. Safe to call from many (virtual) threads at once. The wait is
     * not interruptible: once queued, the events will be committed or failed soon, and the
     * caller must learn which rather than answer while the outcome is unknown.
     *
     * @throws StoreException when the writer is closed or the events could not be committed;
     *                        then none of them were written
     */
    public List<WriteOutcome> write(List<EventRecord> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return List.of();
        }
        Request request = new Request(List.copyOf(events), new CompletableFuture<>());
        lock.lock();
        try {
            if (closed) {
                throw new StoreException("group-commit writer is closed");
            }
            queue.addLast(request);
            queuedEvents += request.events.size();
            queued.signal();
        } finally {
            lock.unlock();
        }
        try {
            return request.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw new StoreException(se.getMessage(), se);
            }
            throw new StoreException("group commit failed", e.getCause());
        }
    }

    /** Returns whether the writer accepts writes: not closed and its thread alive. */
    public boolean isRunning() {
        lock.lock();
        try {
            return !closed && thread.isAlive();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting writes, commits everything already queued, then stops the thread. Later
     * writes throw {@link StoreException}. Idempotent; does not close the store.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;   // finish draining; callers are waiting for their outcome
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    int queuedEvents() {
        lock.lock();
        try {
            return queuedEvents;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            for (List<Request> batch = nextBatch(); !batch.isEmpty(); batch = nextBatch()) {
                try {
                    commit(batch);
                } catch (Error e) {
                    // Completing an already completed future is a no-op, so this fails only
                    // the callers still waiting; then the thread dies and the writer is closed.
                    for (Request request : batch) {
                        request.result.completeExceptionally(new StoreException("group-commit writer died", e));
                    }
                    throw e;
                }
            }
        } finally {
            // Reached on close, or on an Error: nobody may be left waiting for a dead thread.
            failQueued();
        }
    }

    /** Blocks until there is work; returns an empty list when closed and drained. */
    private List<Request> nextBatch() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                queued.awaitUninterruptibly();
            }
            List<Request> batch = new ArrayList<>();
            int events = 0;
            while (!queue.isEmpty()
                    && (batch.isEmpty() || events + queue.peekFirst().events.size() <= maxEventsPerCommit)) {
                Request next = queue.pollFirst();
                batch.add(next);
                events += next.events.size();
            }
            queuedEvents -= events;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void commit(List<Request> batch) {
        List<EventRecord> all = batch.size() == 1 ? batch.get(0).events : concat(batch);
        Timer.Sample sample = Timer.start(registry);
        List<WriteOutcome> outcomes;
        try {
            outcomes = store.write(all);
        } catch (RuntimeException e) {
            sample.stop(commitDuration);
            errors.increment();
            failures.log(Level.WARNING, "group commit failed requests={0} events={1} error={2}",
                    batch.size(), all.size(), e.getMessage());
            if (batch.size() == 1) {
                batch.get(0).result.completeExceptionally(e instanceof StoreException ? e
                        : new StoreException("group commit failed", e));
            } else {
                for (Request request : batch) {
                    commit(List.of(request));
                }
            }
            return;
        }
        sample.stop(commitDuration);
        commitEvents.record(all.size());
        int from = 0;
        for (Request request : batch) {
            int to = from + request.events.size();
            request.result.complete(List.copyOf(outcomes.subList(from, to)));
            from = to;
        }
    }

    private static List<EventRecord> concat(List<Request> batch) {
        List<EventRecord> all = new ArrayList<>();
        for (Request request : batch) {
            all.addAll(request.events);
        }
        return all;
    }

    private void failQueued() {
        List<Request> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(queue);
            queue.clear();
            queuedEvents = 0;
        } finally {
            lock.unlock();
        }
        for (Request request : left) {
            request.result.completeExceptionally(new StoreException("group-commit writer stopped"));
        }
    }

    private record Request(List<EventRecord> events, CompletableFuture<List<WriteOutcome>> result) {
    }
}
