package dev.sluice.consent;

import dev.sluice.event.ConsentSignals;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engine properties that hold whatever the policy says: purity, order, fallbacks, what is recorded. */
class ConsentEngineTest {
    private final ConsentEngine engine = new ConsentEngine(DecisionMatrixTest.SHIPPED);

    @Test
    void sameInputsGiveEqualEvaluations() {
        Signals signals = Signals.parse("ad_user_data=granted;tcf=google;gpc=true;us_privacy=1YYN");
        ConsentEngine other = new ConsentEngine(ConsentPolicy.load(Path.of("conf/consent-policy.yaml")));
        Evaluation first = engine.evaluate(signals.consent(), Optional.of("US"), Optional.of("CA"), true,
                DecisionMatrixTest.ALL);
        for (int i = 0; i < 50; i++) {
            assertEquals(first, engine.evaluate(signals.consent(), Optional.of("US"), Optional.of("CA"), true,
                    DecisionMatrixTest.ALL));
            assertEquals(first, other.evaluate(signals.consent(), Optional.of("US"), Optional.of("CA"), true,
                    DecisionMatrixTest.ALL));
        }
    }

    /**
     * Evaluations without a TC string are remembered by their inputs: every input must be part of
     * what they are remembered by, so a memoizing engine answers every combination as an engine
     * seeing it first does, and again alike; with a TC string nothing is kept; the memo is bounded.
     */
    @Test
    void rememberedEvaluationsAnswerEveryInputAsAFreshEngineDoes() {
        ConsentEngine memoizing = new ConsentEngine(DecisionMatrixTest.SHIPPED);
        List<String> signalSets = List.of("none", "ad_user_data=granted", "ad_user_data=denied", "gpc=true",
                "us_privacy=1YYN", "ad_user_data=granted;ad_personalization=denied", "ad_storage=denied;gpc=false");
        // Spellings of one country resolve to one jurisdiction: remembered once, by its codes.
        List<Optional<String>> countries = List.of(Optional.of("US"), Optional.of("us"), Optional.of("United States"),
                Optional.of("DE"), Optional.empty());
        List<Optional<String>> regions = List.of(Optional.of("CA"), Optional.empty());
        List<List<DestinationRef>> destinationSets = List.of(DecisionMatrixTest.ALL,
                List.of(DecisionMatrixTest.ALL.getFirst()), List.of(DecisionMatrixTest.ALL.getLast()));
        java.util.Set<List<Object>> distinct = new java.util.HashSet<>();
        for (int round = 0; round < 2; round++) {
            for (String set : signalSets) {
                ConsentSignals signals = Signals.parse(set).consent();
                for (Optional<String> country : countries) {
                    for (Optional<String> region : regions) {
                        for (boolean header : new boolean[] {false, true}) {
                            for (List<DestinationRef> destinations : destinationSets) {
                                Evaluation fresh = new ConsentEngine(DecisionMatrixTest.SHIPPED)
                                        .evaluate(signals, country, region, header, destinations);
                                assertEquals(fresh, memoizing.evaluate(signals, country, region, header,
                                        new ArrayList<>(destinations)), set + " " + country + region + header);
                                distinct.add(List.of(signals, DecisionMatrixTest.SHIPPED.jurisdiction(country, region).label(),
                                        header, destinations));
                            }
                        }
                    }
                }
            }
        }
        assertEquals(distinct.size(), memoizing.memoSize(), "each distinct input once");
        assertTrue(distinct.size() < signalSets.size() * countries.size() * regions.size() * 2 * destinationSets.size(),
                "spellings of a country share entries");
        ConsentSignals tcf = Signals.parse("ad_user_data=granted;tcf=google").consent();
        Evaluation first = memoizing.evaluate(tcf, Optional.of("DE"), Optional.empty(), false, DecisionMatrixTest.ALL);
        assertEquals(first, memoizing.evaluate(tcf, Optional.of("DE"), Optional.empty(), false, DecisionMatrixTest.ALL));
        assertEquals(distinct.size(), memoizing.memoSize(), "evaluations with a TC string are not kept");
        for (int i = 0; i <= ConsentEngine.MEMO_LIMIT; i++) {
            memoizing.evaluate(signals("us_privacy=1Y" + (char) ('A' + i % 26) + (char) ('A' + i / 26)),
                    Optional.of("US"), Optional.empty(), false, DecisionMatrixTest.ALL);
        }
        assertTrue(memoizing.memoSize() <= ConsentEngine.MEMO_LIMIT, "bounded: " + memoizing.memoSize());
    }

    private static ConsentSignals signals(String set) {
        return Signals.parse(set).consent();
    }

    @Test
    void eachDecisionDependsOnlyOnItsOwnDestination() {
        Signals signals = Signals.parse("gpc=true");
        List<DestinationRef> shuffled = new ArrayList<>(DecisionMatrixTest.ALL);
        Collections.shuffle(shuffled, new Random(7));
        Evaluation all = engine.evaluate(signals.consent(), Optional.of("US"), Optional.of("CA"), false, shuffled);
        for (int i = 0; i < shuffled.size(); i++) {
            assertEquals(shuffled.get(i).id(), all.decisions().get(i).destinationId());
            Evaluation alone = engine.evaluate(signals.consent(), Optional.of("US"), Optional.of("CA"), false,
                    List.of(shuffled.get(i)));
            assertEquals(alone.decisions().getFirst(), all.decisions().get(i));
        }
    }

    @Test
    void unknownDestinationTypeFailsClosed() {
        ConsentDecision decision = engine.evaluate(Signals.parse("ad_user_data=granted").consent(),
                Optional.of("US"), Optional.empty(), false, List.of(new DestinationRef("x", "myspace")))
                .decisions().getFirst();
        assertEquals(Decision.DENY, decision.decision());
        assertEquals(List.of(ConsentEngine.UNKNOWN_TYPE_RULE), decision.ruleIds());
    }

    @Test
    void signalsSeenRecordWhatWasSentAndNoLocation() {
        Signals signals = Signals.parse("analytics_storage=denied;ad_user_data=granted;gpc=false;us_privacy=1YNN");
        SignalsSeen seen = engine.evaluate(signals.consent(), Optional.of("US"), Optional.of("CA"), true, List.of())
                .seen();
        assertEquals(Map.of("ad_user_data", "granted", "analytics_storage", "denied"), seen.consentMode());
        assertEquals(List.of("ad_user_data", "analytics_storage"), List.copyOf(seen.consentMode().keySet()));
        assertEquals(Optional.of(true), seen.gpc(), "the Sec-GPC header turns GPC on");
        assertEquals(Optional.of("1YNN"), seen.usPrivacy());
        assertEquals(Optional.empty(), seen.optOut());
        assertEquals(Optional.empty(), seen.tcf());
    }

    @Test
    void noSignalsAtAllAreRecordedAsAbsent() {
        SignalsSeen seen = engine.evaluate(ConsentSignals.none(), Optional.empty(), Optional.empty(), false,
                List.of()).seen();
        assertEquals(new SignalsSeen(Map.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), seen);
    }

    @Test
    void unknownLocationGetsTheStrictestModelEvenWhenDeclaredLast() throws IOException {
        String text = Files.readString(Path.of("conf/consent-policy.yaml"));
        // Move the gdpr model after the others: declaration order must not decide strictness.
        int start = text.indexOf("  # GDPR and UK GDPR");
        int end = text.indexOf("  # US states with comprehensive");
        int modelsEnd = text.indexOf("# Tried in order");
        String reordered = text.substring(0, start) + text.substring(end, modelsEnd) + text.substring(start, end)
                + text.substring(modelsEnd);
        ConsentEngine reorderedEngine = new ConsentEngine(ConsentPolicy.parse(reordered, "reordered.yaml"));

        Evaluation evaluation = reorderedEngine.evaluate(ConsentSignals.none(), Optional.empty(), Optional.empty(),
                false, List.of(new DestinationRef("m", "meta")));
        assertEquals("unknown", evaluation.jurisdiction());
        assertEquals(List.of("gdpr.no-consent"), evaluation.decisions().getFirst().ruleIds());
    }

    @Test
    void policyDecidesWhatAnExplicitOptOutMeans() throws IOException {
        String text = Files.readString(Path.of("conf/consent-policy.yaml"));
        int rule = text.indexOf("id: us.deny.opt-out");
        int then = text.indexOf("then: DENY", rule);
        String optOutLimits = text.substring(0, then) + "then: LIMITED" + text.substring(then + "then: DENY".length());
        ConsentEngine limiting = new ConsentEngine(ConsentPolicy.parse(optOutLimits, "limiting.yaml"));
        ConsentDecision decision = limiting.evaluate(Signals.parse("opt_out=true").consent(), Optional.of("US"),
                Optional.of("CA"), false, List.of(new DestinationRef("t", "tiktok"))).decisions().getFirst();
        assertEquals(Decision.LIMITED, decision.decision());
        assertEquals(List.of("us.deny.opt-out", "tiktok.limited-data-use"), decision.ruleIds());
    }
}
