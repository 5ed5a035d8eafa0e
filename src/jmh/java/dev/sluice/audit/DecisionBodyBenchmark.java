package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.consent.SignalsSeen;
import dev.sluice.consent.TcfFacts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One decision record's body, as every accepted event renders it on its request's thread: written
 * straight ({@link DecisionBody}, shipped) against through its value tree ({@link ChainAppender#fromTree},
 * the reference and the path before session 20). The record is the load script's: two destinations,
 * two Consent Mode flags, optionally a decoded TC string.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main DecisionBodyBenchmark -wi 3 -i 5 -f 1 -w 1 -r 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBodyBenchmark {
    /** With a decoded TC string in the signals (EU traffic), or without (the load script's events). */
    @Param({"false", "true"})
    public boolean tcf;

    private AuditEntry.Decided entry;
    private byte[] stored;

    @Setup
    public void setUp() {
        Optional<TcfFacts> facts = tcf
                ? Optional.of(new TcfFacts(true, 300, 4, Set.of(1, 2, 3, 4, 7, 9, 10), Set.of(2, 7, 10),
                        Set.of(755, 793), Set.of(), "ab".repeat(32)))
                : Optional.empty();
        entry = new AuditEntry.Decided(Instant.ofEpochMilli(1_795_000_000_123L), "order-1000023", "Purchase", List.of(
                new ConsentDecision("meta", "meta", Decision.ALLOW, List.of("us.no-opt-out"), List.of("no_opt_out"),
                        Restrictions.NOTHING, "us-state-privacy:US-CA"),
                new ConsentDecision("warehouse", "webhook", Decision.ALLOW, List.of("us.no-opt-out"),
                        List.of("no_opt_out"), Restrictions.NOTHING, "us-state-privacy:US-CA")),
                new SignalsSeen(Map.of("ad_user_data", "granted", "ad_personalization", "denied"), facts,
                        Optional.empty(), Optional.empty(), Optional.empty()),
                "us-state-privacy:US-CA", "2026-09-01.1", "cd".repeat(32));
        stored = PackedDecision.pack(entry);
    }

    @Benchmark
    public CanonicalJson.OpenObject straight() {
        return DecisionBody.open("demo", entry);
    }

    /** The stored form on the embedded store ({@link PackedDecision}), made beside the body. */
    @Benchmark
    public byte[] packed() {
        return PackedDecision.pack(entry);
    }

    /** Reading a packed record back into its canonical body, as {@link AuditReader} does. */
    @Benchmark
    public String readPacked() {
        return AuditReader.body("demo", 1_234_567, stored, entry.at(), entry.eventId());
    }

    @Benchmark
    public CanonicalJson.OpenObject throughTree() {
        return ChainAppender.fromTree("demo", entry);
    }
}
