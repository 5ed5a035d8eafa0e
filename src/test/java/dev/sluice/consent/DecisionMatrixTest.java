package dev.sluice.consent;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.aggregator.ArgumentsAccessor;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision matrix of the shipped policy: every jurisdiction model × signal combination × every
 * destination type, read from {@code consent/matrix.csv}.
 */
class DecisionMatrixTest {
    static final List<String> TYPES = List.of("meta", "google_ads", "ga4", "tiktok", "snapchat", "pinterest",
            "linkedin", "reddit", "microsoft", "webhook");
    static final ConsentPolicy SHIPPED = ConsentPolicy.load(Path.of("conf/consent-policy.yaml"));
    static final List<DestinationRef> ALL = TYPES.stream().map(t -> new DestinationRef(t + "-1", t)).toList();

    private final ConsentEngine engine = new ConsentEngine(SHIPPED);

    @ParameterizedTest(name = "{0}/{1} [{2}]")
    @CsvFileSource(resources = "/consent/matrix.csv", numLinesToSkip = 1)
    void decisionsFollowTheShippedPolicy(ArgumentsAccessor row) {
        Signals signals = Signals.parse(row.getString(2));
        Evaluation evaluation = engine.evaluate(signals.consent(), absentIfDash(row.getString(0)),
                absentIfDash(row.getString(1)), signals.secGpcHeader(), ALL);

        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < TYPES.size(); i++) {
            expected.add(TYPES.get(i) + "=" + row.getString(3 + i));
            actual.add(TYPES.get(i) + "=" + evaluation.decisions().get(i).decision().name().charAt(0));
        }
        assertEquals(expected, actual);
        assertEquals(row.getString(13), evaluation.jurisdiction());
        assertEquals(row.getString(2).contains("tcf=malformed") ? List.of("tcf:invalid_format") : List.of(),
                evaluation.problems());
        assertAll(evaluation.decisions().stream().map(d -> () -> {
            assertFalse(d.ruleIds().isEmpty(), d + " has no rule id");
            assertTrue(SHIPPED.ruleIds().containsAll(d.ruleIds()), d + " names a rule the policy lacks");
            assertFalse(d.reasonCodes().isEmpty(), d + " has no reason");
            assertEquals(evaluation.jurisdiction(), d.jurisdiction());
        }));
    }

    static Optional<String> absentIfDash(String text) {
        return "-".equals(text) ? Optional.empty() : Optional.of(text);
    }
}
