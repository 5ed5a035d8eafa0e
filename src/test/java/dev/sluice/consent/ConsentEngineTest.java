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
