package dev.sluice.ingest;

import dev.sluice.config.DestinationConfig;
import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParserLimits;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.store.Companion;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import dev.sluice.testing.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The in-flight budget of {@link IngestPipeline#ingest}: requests whose bodies together exceed it
 * do not run side by side, none is refused, and a body larger than the whole budget still runs.
 */
class IngestAdmissionTest {
    private static final TenantConfig ACME = new TenantConfig("acme", List.of(new byte[32]), "US", Optional.empty(),
            Duration.ofMinutes(5), List.of(new DestinationConfig("warehouse", "webhook", Map.of())), false);

    @TempDir
    Path dir;
    private Store store;
    private GroupCommitWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Counts how many events are between admission and commit at once, holding each a while. */
    private static final class Overlap implements CompanionSource {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        /** When set, each event waits (up to 5 s) until this many have arrived, instead of 40 ms. */
        final CountDownLatch together;

        Overlap(int together) {
            this.together = new CountDownLatch(together);
        }

        @Override
        public List<Companion> companions(Admitted admitted) {
            int now = inside.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
                if (together.getCount() > 0) {
                    together.countDown();
                    together.await(5, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(40);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
            return List.of();
        }
    }

    private IngestPipeline pipeline(Overlap overlap, long budget) {
        store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
        writer = new GroupCommitWriter(store, 4000, new SimpleMeterRegistry());
        InstantSource clock = InstantSource.system();
        return new IngestPipeline(new EventParser(ParserLimits.defaults(), clock),
                new ConsentEngine(ConsentPolicy.load(Path.of("conf/consent-policy.yaml"))), IdentityHasher.create(),
                DataKeyring.of(Map.of("k1", new byte[32]), "k1"), writer, new IngestMetrics(new SimpleMeterRegistry()),
                clock, Duration.ofDays(7), List.of(ACME), List.of(overlap), budget);
    }

    private static int postConcurrently(IngestPipeline pipeline, int requests) throws Exception {
        int accepted = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(requests)) {
            List<Future<IngestOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                byte[] body = Events.purchase("order-" + i).getBytes(StandardCharsets.UTF_8);
                outcomes.add(pool.submit(() -> pipeline.ingest(ACME, body, IngestPipeline.RequestContext.NONE)));
            }
            for (Future<IngestOutcome> f : outcomes) {
                IngestOutcome.Processed p = assertInstanceOf(IngestOutcome.Processed.class, f.get());
                accepted += (int) p.count(EventResult.Status.ACCEPTED);
            }
        }
        return accepted;
    }

    @Test
    void requestsBeyondTheBudgetWaitTheirTurnAndAreAllAccepted() throws Exception {
        Overlap overlap = new Overlap(0);
        int oneBody = Events.purchase("order-0").getBytes(StandardCharsets.UTF_8).length;
        IngestPipeline pipeline = pipeline(overlap, oneBody + oneBody / 2);

        assertEquals(6, postConcurrently(pipeline, 6));

        assertEquals(1, overlap.most.get(), "two bodies do not fit the budget together");
    }

    @Test
    void aBodyLargerThanTheBudgetRunsAlone() throws Exception {
        Overlap overlap = new Overlap(0);
        IngestPipeline pipeline = pipeline(overlap, 10);

        assertEquals(3, postConcurrently(pipeline, 3));
        assertEquals(1, overlap.most.get());
    }

    @Test
    void withinTheBudgetRequestsRunSideBySide() throws Exception {
        Overlap overlap = new Overlap(6);
        IngestPipeline pipeline = pipeline(overlap, 1 << 20);

        assertEquals(6, postConcurrently(pipeline, 6));

        assertEquals(6, overlap.most.get(), "the budget must not serialize requests that fit");
    }

    @Test
    void anAdmissionTakenBeforeTheBodyIsReadHoldsTheBudgetUntilClosedOnce() throws Exception {
        IngestPipeline pipeline = pipeline(new Overlap(0), 1000);
        IngestPipeline.Admission first = pipeline.admit(800);
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<IngestPipeline.Admission> second = pool.submit(() -> pipeline.admit(800));
            assertThrows(java.util.concurrent.TimeoutException.class, () -> second.get(200, TimeUnit.MILLISECONDS),
                    "the second request must wait before reading its body");
            first.close();
            first.close(); // closing twice releases once
            IngestPipeline.Admission admitted = second.get(5, TimeUnit.SECONDS);
            byte[] body = Events.purchase("order-a").getBytes(StandardCharsets.UTF_8);
            IngestOutcome.Processed p = assertInstanceOf(IngestOutcome.Processed.class,
                    pipeline.ingest(admitted, ACME, body, IngestPipeline.RequestContext.NONE));
            assertEquals(1, p.count(EventResult.Status.ACCEPTED));
            admitted.close();
            Future<IngestPipeline.Admission> third = pool.submit(() -> pipeline.admit(1000));
            third.get(5, TimeUnit.SECONDS).close();
            assertThrows(IllegalStateException.class,
                    () -> pipeline.ingest(admitted, ACME, body, IngestPipeline.RequestContext.NONE));
        }
    }

    @Test
    void theBudgetMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> pipeline(new Overlap(0), 0));
    }
}
