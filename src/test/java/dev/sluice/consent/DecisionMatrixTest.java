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

    /**
     * The merchant's own webhook is first party in every model, and its record says so: in the US
     * and rest-of-world models it fell to the baseline until policy 2026-12-02.2, and an opted-out
     * event's record gave it "no_opt_out" beside the ad platforms' "opt_out".
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}-{1} {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            US | CA | opt_out=true | us.allow.first-party-webhook
            US | CA | none         | us.allow.first-party-webhook
            BR | -  | gpc=true     | row.allow.first-party-webhook
            DE | -  | opt_out=true | gdpr.grant.first-party-webhook
            """)
    void theWebhookIsFirstPartyInEveryModel(String country, String state, String signals, String rule) {
        Signals parsed = Signals.parse(signals);
        Evaluation evaluation = engine.evaluate(parsed.consent(), Optional.of(country), absentIfDash(state),
                parsed.secGpcHeader(), ALL);
        ConsentDecision webhook = evaluation.decisions().get(TYPES.indexOf("webhook"));
        assertEquals(Decision.ALLOW, webhook.decision());
        assertEquals(List.of(rule), webhook.ruleIds());
        assertEquals(List.of("first_party"), webhook.reasonCodes());
    }

    static Optional<String> absentIfDash(String text) {
        return "-".equals(text) ? Optional.empty() : Optional.of(text);
    }
}
