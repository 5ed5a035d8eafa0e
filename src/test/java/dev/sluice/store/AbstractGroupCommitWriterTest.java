package dev.sluice.store;

import dev.sluice.testing.Closing;
import static dev.sluice.store.TestEvents.event;
import static dev.sluice.store.WriteOutcome.DUPLICATE;
import static dev.sluice.store.WriteOutcome.INSERTED;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit writer over a real store, run once per database by the subclasses. */
abstract class AbstractGroupCommitWriterTest {

    private static final int THREADS = 50;
    private static final int CALLS = 200;
    private static final int SHARED_KEYS = 10;

    @TempDir
    Path tempDir;

    TestDatabase db;
    Store store;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final String tenant = "tenant-" + UUID.randomUUID();

    abstract TestDatabase createDatabase();

    @BeforeEach
    void open() {
        db = createDatabase();
        store = Stores.open(db.config());
    }

    @AfterEach
    void closeAll() {
        // Either is null when setup was skipped or failed.
        Closing.inOrder(store, db);
    }

    /**
     * Per thread: 150 new events, then 40 repeats of its own earlier events, then 10 keys that
     * every thread writes, then one list with an in-list repeat. Own repeats must be duplicates;
     * each shared key must be inserted by exactly one thread.
     */
    @Test
    void write_manyConcurrentVirtualThreads_everyCallerGetsItsOwnExactOutcomes() throws Exception {
        AtomicIntegerArray sharedInserts = new AtomicIntegerArray(SHARED_KEYS);
        try (GroupCommitWriter writer = new GroupCommitWriter(store, 64, registry);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < CALLS; i++) {
                        if (i < 150) {
                            assertThat(writer.write(List.of(event(tenant, thread + "-" + i, "meta", "google_ads"))),
                                    contains(INSERTED));
                        } else if (i < 190) {
                            assertThat(writer.write(List.of(event(tenant, thread + "-" + (i - 150), "meta"))),
                                    contains(DUPLICATE));
                        } else {
                            int key = i - 190;
                            if (writer.write(List.of(event(tenant, "shared-" + key, "meta"))).get(0) == INSERTED) {
                                sharedInserts.incrementAndGet(key);
                            }
                        }
                    }
                    var x = event(tenant, "list-" + thread + "-x", "meta");
                    var y = event(tenant, "list-" + thread + "-y", "meta");
                    assertThat(writer.write(List.of(x, y, x)), contains(INSERTED, INSERTED, DUPLICATE));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        for (int key = 0; key < SHARED_KEYS; key++) {
            assertThat("inserts of shared-" + key, sharedInserts.get(key), is(1));
        }
        long expectedEvents = THREADS * 150L + SHARED_KEYS + THREADS * 2L;
        long expectedOutbox = THREADS * 150L * 2 + SHARED_KEYS + THREADS * 2L;
        assertThat(store.countEvents(tenant), is(expectedEvents));
        assertThat((long) store.outbox(tenant, Integer.MAX_VALUE).size(), is(expectedOutbox));
        var commits = registry.get("sluice.store.commit.events").summary();
        assertThat(commits.totalAmount(), is((double) THREADS * (CALLS + 3)));
        assertThat(commits.count(), greaterThan(1L));
        assertThat(registry.get("sluice.store.errors").counter().count(), is(0.0));
    }

    @Test
    void close_drainsQueuedWritesThenRejectsNewOnes() throws Exception {
        GatedStore gated = new GatedStore(store);
        GroupCommitWriter writer = new GroupCommitWriter(gated, 1000, registry);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<WriteOutcome>> first = threads.submit(() -> writer.write(List.of(event(tenant, "first"))));
            gated.awaitFirstWrite();
            List<Future<List<WriteOutcome>>> queued = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "queued-" + i;
                queued.add(threads.submit(() -> writer.write(List.of(event(tenant, id, "meta")))));
            }
            awaitQueued(writer, 10);

            Future<?> closing = threads.submit(writer::close);
            while (writer.isRunning()) {
                Thread.onSpinWait();
            }
            assertThrows(StoreException.class, () -> writer.write(List.of(event(tenant, "late"))));
            gated.open();
            closing.get();

            assertThat(first.get(), contains(INSERTED));
            for (Future<List<WriteOutcome>> f : queued) {
                assertThat(f.get(), contains(INSERTED));
            }
        }
        assertThat(store.countEvents(tenant), is(11L));
        assertThat(writer.isRunning(), is(false));
    }

    @Test
    void write_failingRequestInASharedCommit_failsAloneWhileItsNeighboursCommit() throws Exception {
        db.failOutboxInsertsFor("boom");
        GatedStore gated = new GatedStore(store);
        try (GroupCommitWriter writer = new GroupCommitWriter(gated, 1000, registry);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<WriteOutcome>> first = threads.submit(() -> writer.write(List.of(event(tenant, "first"))));
            gated.awaitFirstWrite();
            Future<List<WriteOutcome>> before = threads.submit(() -> writer.write(List.of(event(tenant, "a", "meta"))));
            awaitQueued(writer, 1);
            Future<List<WriteOutcome>> bad = threads.submit(() -> writer.write(List.of(event(tenant, "bad", "boom"))));
            awaitQueued(writer, 2);
            Future<List<WriteOutcome>> after = threads.submit(() -> writer.write(List.of(event(tenant, "b", "meta"))));
            awaitQueued(writer, 3);
            gated.open();

            assertThat(first.get(), contains(INSERTED));
            assertThat(before.get(), contains(INSERTED));
            assertThat(after.get(), contains(INSERTED));
            var failure = assertThrows(Exception.class, bad::get);
            assertThat(failure.getCause() instanceof StoreException, is(true));
        }
        assertThat(store.countEvents(tenant), is(3L));
        // The shared commit and the bad request's own retry.
        assertThat(registry.get("sluice.store.errors").counter().count(), is(2.0));
    }

    @Test
    void write_storeDown_throwsStoreExceptionAndCountsTheError() {
        try (GroupCommitWriter writer = new GroupCommitWriter(store, 100, registry)) {
            store.close();

            assertThrows(StoreException.class, () -> writer.write(List.of(event(tenant, "order-1"))));
            assertThat(registry.get("sluice.store.errors").counter().count(), is(1.0));
            assertThat(writer.isRunning(), is(true));
        }
    }

    private static void awaitQueued(GroupCommitWriter writer, int events) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (writer.queuedEvents() < events) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + writer.queuedEvents() + " events queued");
            }
            Thread.sleep(1);
        }
    }
}
