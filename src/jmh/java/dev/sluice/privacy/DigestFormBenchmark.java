package dev.sluice.privacy;

import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Turning a hashed value (a hex SHA-256 digest) into its stored form: ingest does it for every
 * hashed field of every payload, sixteen times per event of the load script with two
 * destinations. Per digest, over 16,384 random digests (random hex digits, as real digests are:
 * a digit or a letter in no order a branch predictor can learn; over 1,024 digests read again
 * and again, the predictor did learn them, and a decoder that branched on each digit looked
 * three times faster than it is).
 *
 * <p>Session 18: {@code asString} 265-267 ns per digest with a decoder that compared each
 * character against '0'-'9' and 'a'-'f', 69-94 with the lookup table; {@code intoBuffer} 65-81.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main DigestFormBenchmark -wi 3 -i 5 -f 1
 * </pre>
 * {@code asString} is {@link PayloadFormat#hashed} (a digest array and a string per value);
 * {@code intoBuffer} is {@link PayloadFormat#writeDigest}, what the payload writer uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DigestFormBenchmark {
    private static final int DIGESTS = 16_384;
    private final String[] digests = new String[DIGESTS];
    private final byte[] out = new byte[PayloadFormat.STORED_DIGEST_LENGTH];

    @Setup
    public void setUp() {
        Random random = new Random(42);
        for (int i = 0; i < DIGESTS; i++) {
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            digests[i] = HexFormat.of().formatHex(digest);
        }
    }

    @Benchmark
    @OperationsPerInvocation(DIGESTS)
    public int asString() {
        int sum = 0;
        for (String digest : digests) {
            sum += PayloadFormat.hashed(digest).charAt(7);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(DIGESTS)
    public int intoBuffer() {
        int sum = 0;
        for (String digest : digests) {
            if (PayloadFormat.writeDigest(digest, out, 0)) {
                sum += out[7];
            }
        }
        return sum;
    }
}
