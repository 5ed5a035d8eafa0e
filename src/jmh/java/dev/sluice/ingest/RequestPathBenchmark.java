package dev.sluice.ingest;

import dev.sluice.audit.AuditLog;
import dev.sluice.audit.AuditSigner;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.LedgerSettings;
import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParserLimits;
import dev.sluice.ledger.LedgerSource;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.store.DeliveryStore;
import dev.sluice.store.EventRecord;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.OutboxRow;
import dev.sluice.store.SqlAccess;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import dev.sluice.store.WriteOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
            + "x".repeat(220);
    private static final String EVENT = """
            {"event_id":"%s","event_name":"Purchase","event_time":%d,"action_source":"website",\
            "event_source_url":"https://shop.example/checkout?step=confirm",\
            "user":{"email":"shopper%d@example.com","phone":"+1 650 555 %04d","first_name":"Jane","last_name":"Doe",\
            "city":"Menlo Park","state":"CA","zip":"94025","country":"US","external_id":"cust-%d",\
            "client_ip":"203.0.113.7","user_agent":"%s",\
            "click_ids":{"fbp":"fb.1.1596403881668.1116446470","gclid":"Cj0KCQiA-load-test"}},\
            "custom":{"value":"129.90","currency":"EUR","order_id":"o-%d","content_ids":["sku-1","sku-2"],"num_items":2},\
            "attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},\
            "consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}""";

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
        tenant = new TenantConfig("demo", List.of(new byte[32]), "US", Optional.empty(), Duration.ofMinutes(5),
                List.of(new DestinationConfig("meta", "meta", Map.of("pixel-id", "1234567890")),
                        new DestinationConfig("warehouse", "webhook", Map.of("hashing-profile", "google"))), false);
        InstantSource clock = InstantSource.system();
        ConsentPolicy policy = ConsentPolicy.load(Path.of("conf/consent-policy.yaml"));
        AuditLog audit = new AuditLog(auditStore.sql(), throwawaySigner(),
                1000, Duration.ofMinutes(5), clock);
        writer = new GroupCommitWriter(new NoWrites(), 4000, new SimpleMeterRegistry());
        pipeline = new IngestPipeline(new EventParser(ParserLimits.defaults(), clock), new ConsentEngine(policy),
                IdentityHasher.create(), DataKeyring.of(Map.of("k1", new byte[32]), "k1"), writer,
                new IngestMetrics(new SimpleMeterRegistry()), clock, Duration.ofDays(7), List.of(tenant),
                List.of(audit.companions(policy), new LedgerSource(LedgerSettings.defaults())));
        long time = Instant.now().getEpochSecond() - 60;
        List<String> events = new ArrayList<>();
        for (int i = 1; i <= batch; i++) {
            events.add(EVENT.formatted("load-bench-" + i, time, i, i % 10000, i, UA, i));
        }
        String json = batch == 1 ? events.getFirst() : "{\"events\":[" + String.join(",", events) + "]}";
        body = json.getBytes(StandardCharsets.UTF_8);
    }

    /** A signing key made for this run only (no records are written, so none is ever signed). */
    private static AuditSigner throwawaySigner() {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        return AuditSigner.parse(java.util.Base64.getEncoder().encodeToString(seed));
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

    /** Answers every event INSERTED and writes nothing: the benchmark measures the request's thread. */
    private static final class NoWrites implements Store {
        @Override
        public List<WriteOutcome> write(List<EventRecord> events) {
            return Collections.nCopies(events.size(), WriteOutcome.INSERTED);
        }

        @Override
        public boolean ping() {
            return true;
        }

        @Override
        public long countEvents(String tenantId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<OutboxRow> outbox(String tenantId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DeliveryStore delivery() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String kind() {
            return "none";
        }

        @Override
        public SqlAccess sql() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
