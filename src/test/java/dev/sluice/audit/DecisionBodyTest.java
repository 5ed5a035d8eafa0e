package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.consent.SignalsSeen;
import dev.sluice.consent.TcfFacts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link DecisionBody} writes a decision record's body straight; the value tree written by
 * {@link CanonicalJson} is the reference, so the hashed bytes cannot drift from docs/audit.md's
 * canonical form. Generated records cover every optional member present and absent, empty and
 * long lists, and strings that need escaping (quotes, backslashes, control characters, unpaired
 * surrogates) in every text member.
 */
class DecisionBodyTest {

    @Test
    void theGoldenRecordIsWrittenAsTheTreeWritesIt() {
        assertEquals(CanonicalJsonTest.GOLDEN_BODY, DecisionBody.open("acme", CanonicalJsonTest.DECIDED).close(1));
        assertEquals(CanonicalJsonTest.GOLDEN_BODY, ChainAppender.fromTree("acme", CanonicalJsonTest.DECIDED).close(1));
    }

    @Test
    void generatedRecordsAreWrittenAsTheTreeWritesThem() {
        Random random = new Random(20261130L);
        for (int i = 0; i < 3_000; i++) {
            AuditEntry.Decided entry = decided(random);
            String tenant = text(random);
            CanonicalJson.OpenObject expected = ChainAppender.fromTree(tenant, entry);
            CanonicalJson.OpenObject actual = DecisionBody.open(tenant, entry);
            assertEquals(expected.head(), actual.head(), "record " + i);
            assertEquals(expected.tail(), actual.tail(), "record " + i);
        }
    }

    /**
     * Records rendered for the ingest path reuse the parts of earlier records of the same
     * evaluation ({@link DecisionFragments}): whatever was kept, each record's body, columns and
     * packed form must be what rendering it alone gives. Records here share decisions and signals
     * at random, and differ in event, tenant, time, jurisdiction or policy.
     */
    @Test
    void recordsThatShareAnEvaluationRenderAsEachAloneDoes() {
        Random random = new Random(20261130L);
        List<AuditEntry.Decided> pool = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pool.add(decided(random));
        }
        int sharing = 0;
        for (int i = 0; i < 4_000; i++) {
            AuditEntry.Decided a = pool.get(random.nextInt(pool.size()));
            AuditEntry.Decided b = pool.get(random.nextInt(pool.size()));
            // decisions of one, signals of one (perhaps the other), the rest this record's own
            AuditEntry.Decided entry = new AuditEntry.Decided(Instant.ofEpochMilli(random.nextLong(0, 1L << 50)),
                    nullable(random), nullable(random), a.decisions(), random.nextBoolean() ? a.seen() : b.seen(),
                    random.nextBoolean() ? a.jurisdiction() : nullable(random),
                    random.nextBoolean() ? a.policyVersion() : nullable(random),
                    random.nextBoolean() ? a.policySha256() : "ab".repeat(32));
            sharing += entry.seen() == a.seen() ? 1 : 0;
            String tenant = random.nextBoolean() ? "acme" : text(random);
            ChainAppender.Rendered rendered = ChainAppender.render(tenant, entry, true);
            CanonicalJson.OpenObject expected = ChainAppender.fromTree(tenant, entry);
            assertEquals(expected.head(), rendered.body().head(), "record " + i);
            assertEquals(expected.tail(), rendered.body().tail(), "record " + i);
            assertEquals(ChainAppender.Columns.of(entry), rendered.columns(), "record " + i);
            byte[] alone = PackedDecision.pack(entry);
            assertEquals(alone == null ? null : java.util.HexFormat.of().formatHex(alone),
                    rendered.packed() == null ? null : java.util.HexFormat.of().formatHex(rendered.packed()), "record " + i);
        }
        assertEquals(true, sharing > 1_000, "records sharing an evaluation: " + sharing);
    }

    @Test
    void renderingADecisionUsesTheStraightWriterAndOtherKindsTheTree() {
        AuditEntry.PolicyChanged policy = new AuditEntry.PolicyChanged(Instant.ofEpochMilli(5), "v1", "ab".repeat(32),
                Optional.empty());
        assertEquals(ChainAppender.fromTree("t", policy), ChainAppender.render("t", policy).body());
        assertEquals(DecisionBody.open("t", CanonicalJsonTest.DECIDED),
                ChainAppender.render("t", CanonicalJsonTest.DECIDED).body());
    }

    /** A decision record with every optional member present or absent at random, and strings that need escaping. */
    static AuditEntry.Decided decided(Random random) {
        List<ConsentDecision> decisions = new ArrayList<>();
        for (int d = 1 + random.nextInt(3); d > 0; d--) {
            decisions.add(new ConsentDecision(nullable(random), nullable(random),
                    Decision.values()[random.nextInt(Decision.values().length)],
                    texts(random, 1 + random.nextInt(3)), texts(random, random.nextInt(3)), Restrictions.NOTHING,
                    "x"));
        }
        Map<String, String> consentMode = new TreeMap<>();
        for (int f = random.nextInt(4); f > 0; f--) {
            consentMode.put(text(random), random.nextInt(8) == 0 ? null : text(random));
        }
        Optional<TcfFacts> tcf = random.nextBoolean() ? Optional.empty()
                : Optional.of(new TcfFacts(random.nextBoolean(), random.nextInt(5000), random.nextInt(6),
                        integers(random), integers(random), integers(random), integers(random), nullable(random)));
        SignalsSeen seen = new SignalsSeen(consentMode, tcf, maybe(random, random.nextBoolean()),
                maybe(random, text(random)), maybe(random, random.nextBoolean()));
        return new AuditEntry.Decided(Instant.ofEpochMilli(random.nextLong(0, 1L << 50)), nullable(random),
                nullable(random), decisions, seen, nullable(random), nullable(random), nullable(random));
    }

    private static <T> Optional<T> maybe(Random random, T value) {
        return random.nextBoolean() ? Optional.of(value) : Optional.empty();
    }

    private static Set<Integer> integers(Random random) {
        Set<Integer> values = new HashSet<>();
        for (int n = random.nextInt(5); n > 0; n--) {
            values.add(random.nextInt(1200));
        }
        return values;
    }

    private static List<String> texts(Random random, int count) {
        List<String> values = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            values.add(text(random));
        }
        return values;
    }

    private static String nullable(Random random) {
        return random.nextInt(6) == 0 ? null : text(random);
    }

    private static final String SPECIAL = "\"\\\b\t\n\f\r\u0000\u001f\u007fé😀";

    /** Mostly plain ids; one in four has a character to escape, an unpaired surrogate or non-ASCII. */
    static String text(Random random) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        if (random.nextInt(4) == 0) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> s.insert(at, SPECIAL.charAt(random.nextInt(SPECIAL.length() - 2)));
                case 1 -> s.insert(at, random.nextBoolean() ? '\ud800' : '\udc00');
                default -> s.insert(at, SPECIAL.substring(SPECIAL.length() - 3));
            }
        }
        return s.toString();
    }
}
