package dev.sluice.store;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of single-event posts through the group-commit writer: many virtual threads each
 * write one event (random UUID id, two destinations, 300-byte sealed payloads) at a time, as
 * ingest does. A measurement, not a timed assertion; disabled unless asked for. Run with:
 * <pre>
 * SLUICE_BENCH=true SLUICE_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:5432/test?user=postgres' \
 *   ./mvnw -q -B test -Dtest=GroupCommitThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * and read {@code target/surefire-reports/dev.sluice.store.GroupCommitThroughputBenchmark-output.txt}.
 * Tunables (environment): {@code SLUICE_BENCH_SECONDS} (10), {@code SLUICE_BENCH_POSTERS} (256),
 * {@code SLUICE_BENCH_MAX_BATCH} (1000).
 */
@EnabledIfEnvironmentVariable(named = "SLUICE_BENCH", matches = "true")
final class GroupCommitThroughputBenchmark {

    private static final Duration WARMUP = Duration.ofSeconds(3);

    @TempDir
    Path tempDir;

    @Test
    void sqlite() throws Exception {
        try (SqliteTestDatabase db = new SqliteTestDatabase(tempDir)) {
            run(db);
        }
    }

    @Test
    void postgres() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            run(db);
        }
    }

    private static void run(TestDatabase db) throws Exception {
        int seconds = intEnv("SLUICE_BENCH_SECONDS", 10);
        int posters = intEnv("SLUICE_BENCH_POSTERS", 256);
        int maxBatch = intEnv("SLUICE_BENCH_MAX_BATCH", 1000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LongAdder written = new LongAdder();
        try (Store store = Stores.open(db.config());
             GroupCommitWriter writer = new GroupCommitWriter(store, maxBatch, registry);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long stopAt = System.nanoTime() + WARMUP.plusSeconds(seconds).toNanos();
            for (int i = 0; i < posters; i++) {
                threads.submit(() -> {
                    while (System.nanoTime() < stopAt) {
                        writer.write(List.of(randomEvent()));
                        written.increment();
                    }
                    return null;
                });
            }
            TimeUnit.NANOSECONDS.sleep(WARMUP.toNanos());
            long startCount = written.sum();
            long startCommits = registry.get("sluice.store.commit.events").summary().count();
            long start = System.nanoTime();
            threads.shutdown();
            threads.awaitTermination(seconds + 60, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long events = written.sum() - startCount;
            DistributionSummary batches = registry.get("sluice.store.commit.events").summary();
            Timer commits = registry.get("sluice.store.commit.duration").timer();
            System.out.printf(Locale.ROOT,
                    "%s: %.0f events/s (%d events in %.1f s, %d posters, max batch %d); whole run: %d commits,"
                            + " mean %.1f events/commit, max %.0f, mean commit %.2f ms, max %.1f ms, errors %.0f%n",
                    store.kind(), events / elapsed, events, elapsed, posters, maxBatch,
                    batches.count() - startCommits, batches.mean(), batches.max(),
                    commits.mean(TimeUnit.MILLISECONDS), commits.max(TimeUnit.MILLISECONDS),
                    registry.get("sluice.store.errors").counter().count());
            assertThat(events, greaterThan(0L));
        }
    }

    private static EventRecord randomEvent() {
        Instant now = Instant.now();
        byte[] a = new byte[300];
        byte[] b = new byte[300];
        ThreadLocalRandom.current().nextBytes(a);
        ThreadLocalRandom.current().nextBytes(b);
        return new EventRecord("tenant-bench", "Purchase", UUID.randomUUID().toString(), now, now,
                now.plus(Duration.ofHours(48)),
                List.of(new OutboxRecord("meta", a, "key-1"), new OutboxRecord("google_ads", b, "key-1")));
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : Integer.parseInt(value);
    }
}
