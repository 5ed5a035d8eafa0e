package dev.sluice.ingest;

import dev.sluice.config.TenantConfig;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * CPU of one ingest request on the request's own thread, everything but the store: parse and
 * validate, consent for two destinations, normalize and hash for two profiles (Meta, and Google
 * for a webhook, as {@code src/load/ingest-load.yaml}), render and seal two payloads, the audit
 * decision record and subject keys, the ledger entry, and the per-event results. The body is
 * the load script's 1 KB event ({@code src/load/events.lua}). The group-commit writer hands the
 * records to a store that answers INSERTED without writing, so the figure is the request
 * threads' share of an accepted event, free of the disk and of the load machine's noise.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main RequestPathBenchmark -wi 5 -i 5 -f 1 -prof gc
 * </pre>
 * Score is per request; divide by {@code batch} for the cost per event. {@code -prof gc} adds
 * the bytes allocated per request ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestPathBenchmark {
    /** Events per request: 1 is a single-event post, 100 a batch as in the load script. */
    @Param({"1", "100"})
    public int batch;

    private Path dir;
    private Store auditStore;
    private GroupCommitWriter writer;
    private IngestPipeline pipeline;
    private TenantConfig tenant;
    private byte[] body;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("sluice-bench");
        // The audit log is built over a real store (it reads nothing on this path); events go to
        // a store that writes nothing.
        auditStore = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
        tenant = BenchIngest.tenant();
        writer = new GroupCommitWriter(new BenchIngest.NoWrites(false), 4000, new SimpleMeterRegistry());
        pipeline = BenchIngest.pipeline(tenant, writer, auditStore.sql());
        long time = Instant.now().getEpochSecond() - 60;
        List<String> events = new ArrayList<>();
        for (int i = 1; i <= batch; i++) {
            events.add(BenchIngest.event("load-bench-" + i, time, i));
        }
        String json = batch == 1 ? events.getFirst() : "{\"events\":[" + String.join(",", events) + "]}";
        body = json.getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        auditStore.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public IngestOutcome ingest() {
        IngestOutcome outcome = pipeline.ingest(tenant, body, IngestPipeline.RequestContext.NONE);
        if (!(outcome instanceof IngestOutcome.Processed processed)
                || processed.results().getLast().status() != EventResult.Status.ACCEPTED) {
            throw new IllegalStateException("the benchmark's events must be accepted: " + outcome);
        }
        return outcome;
    }
}
