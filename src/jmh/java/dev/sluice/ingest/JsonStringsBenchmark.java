package dev.sluice.ingest;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The text a payload of the load script's event carries ({@code src/load/events.lua}): user
 * agent, page address, ids, click ids, attribution, consent values, written as JSON strings by
 * {@link JsonBytes}, once per destination. Per payload's strings (about 640 characters).
 *
 * <p>Session 18: 567-611 ns, about 0.9 ns per character, allocating nothing. Copying each string
 * of 24 characters or more from {@code String.getBytes(UTF_8)} after checking its bytes (which a
 * throwaway loop had suggested was twice as fast) took 633-648 ns and allocated 488 bytes, and was
 * not kept.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main JsonStringsBenchmark -wi 3 -i 5 -f 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonStringsBenchmark {
    private static final String[] STRINGS = {
            "load-x1796025495-2-34900", "Purchase", "website", "https://shop.example/checkout?step=confirm",
            "203.0.113.7",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
                    + "x".repeat(220),
            "fb.1.1596403881668.1116446470", "Cj0KCQiA-load-test", "129.90", "EUR", "order-34900", "sku-1", "sku-2",
            "bf-2026", "facebook", "granted", "denied", "ALLOW", "us.no-opt-out"};
    private final JsonBytes out = new JsonBytes(2048);

    @Benchmark
    public int payloadStrings() {
        out.reset().startArray();
        for (String s : STRINGS) {
            out.string(s);
        }
        out.endArray();
        return out.length();
    }
}
