package dev.sluice.store;

import static dev.sluice.store.TestEvents.T0;
import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The group-commit writer on SQLite. */
final class SqliteGroupCommitWriterTest extends AbstractGroupCommitWriterTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }

    /**
     * The delivery log's columns are encoded on the callers' threads, and a shared commit gets
     * each event's own, in the order of its events, across the requests it joins.
     */
    @Test
    void copiesAreEncodedOnTheCallersThreads_andEachEventInASharedCommitGetsItsOwn() throws Exception {
        store.delivery().deliverFromLog(Map.of(tenant, Set.of("meta", "hook")), T0);
        GatedStore gated = new GatedStore(store);
        try (GroupCommitWriter writer = new GroupCommitWriter(gated, 1000, registry);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<WriteOutcome>> first = threads.submit(() -> writer.write(List.of(event(tenant, "first", "meta"))));
            gated.awaitFirstWrite();
            List<Future<List<WriteOutcome>>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<EventRecord> events = List.of(event(tenant, "r" + i + "-a", "meta", "hook"), event(tenant, "r" + i + "-b", "hook"));
                queued.add(threads.submit(() -> writer.write(events)));
                awaitQueued(writer, 2 * (i + 1));
            }
            gated.open();
            assertThat(first.get(), contains(WriteOutcome.INSERTED));
            for (Future<List<WriteOutcome>> f : queued) {
                assertThat(f.get(), contains(WriteOutcome.INSERTED, WriteOutcome.INSERTED));
            }
        }

        assertThat(gated.preparedOn, not(hasItem("sluice-store-writer")));
        assertThat(gated.writes, hasSize(2));
        var shared = gated.writes.get(1);
        assertThat(shared.getKey(), hasSize(6));
        for (int i = 0; i < 6; i++) {
            EventRecord event = shared.getKey().get(i);
            EventBatchWriter.LogParts parts = (EventBatchWriter.LogParts) shared.getValue().get(i);
            assertThat(parts.destinations(), is(DeliveryCopies.destinations(event.outbox())));
            assertArrayEquals(DeliveryCopies.encode(event.outbox()), parts.copies());
        }
    }
}
