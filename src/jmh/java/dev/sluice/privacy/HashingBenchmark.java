package dev.sluice.privacy;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of hashing one typical event (email, phone, first and last name, city, state, zip,
 * country) for all eight platforms: the per-event privacy cost on the ingest path. Target:
 * at most 5 µs per event.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main HashingBenchmark -wi 3 -i 5 -f 1
 * </pre>
 * {@code internationalPhone} sends the phone as {@code +1 (650) 555-1212}, as in the ingest
 * example (E.164 fast path); {@code nationalPhone} as {@code (650) 555-1212} in region US (NANP
 * national fast path; before it, the full libphonenumber parse cost about 4 µs of the total).
 * National numbers outside the fast paths (other countries, extensions, letters) still pay the
 * full parse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HashingBenchmark {
    private final IdentityHasher hasher = IdentityHasher.create();
    private final Set<HashingProfile> all = EnumSet.allOf(HashingProfile.class);
    private PersonalData national;
    private PersonalData international;

    @Setup
    public void setUp() {
        national = event("(650) 555-1212");
        international = event("+1 (650) 555-1212");
    }

    private static PersonalData event(String phone) {
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        values.put(PiiField.EMAIL, "Jane.Doe+shop@Example.com");
        values.put(PiiField.PHONE, phone);
        values.put(PiiField.FIRST_NAME, "Jane");
        values.put(PiiField.LAST_NAME, "Doe");
        values.put(PiiField.CITY, "Menlo Park");
        values.put(PiiField.STATE, "California");
        values.put(PiiField.ZIP, "94025-1234");
        values.put(PiiField.COUNTRY, "US");
        return new PersonalData(values, "US");
    }

    @Benchmark
    public Hashed nationalPhone() {
        return hasher.hash(national, all);
    }

    @Benchmark
    public Hashed internationalPhone() {
        return hasher.hash(international, all);
    }
}
