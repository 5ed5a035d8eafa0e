package dev.sluice.consent;

import dev.sluice.event.ConsentSignals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TC strings: real ones decode to their facts; unreadable ones are problems, never exceptions. */
class TcfDecodingTest {
    private final ConsentEngine engine = new ConsentEngine(DecisionMatrixTest.SHIPPED);

    @Test
    void realTcStringDecodesToItsFacts() {
        String tc = TcStrings.googleConsent();
        TcfFacts facts = TcfDecoding.decode(tc, true).facts().orElseThrow();

        assertTrue(facts.gdprApplies());
        assertEquals(TcStrings.CMP_ID, facts.cmpId());
        assertEquals(4, facts.policyVersion());
        assertEquals(List.of(1, 2, 3, 4, 7, 9, 10), List.copyOf(facts.purposeConsents()));
        assertEquals(Set.of(2), facts.purposeLegitimateInterests());
        assertEquals(List.of(32, 755), List.copyOf(facts.vendorConsents()));
        assertEquals(Set.of(1), facts.specialFeatureOptIns());
        assertEquals(ConsentPolicy.sha256(tc), facts.stringSha256());
        assertEquals(64, facts.stringSha256().length());
    }

    /**
     * A vendor named past the string's own MaxVendorId (a range entry beyond it) is a string that
     * contradicts itself: unusable, not a grant. The IAB decoder reads it without complaint, and
     * until session 39 it granted Google (vendor 755) under a MaxVendorId of 700.
     */
    @Test
    void aVendorPastTheStringsMaxVendorIdMakesItUnusable() {
        String tc = TcStrings.googleConsent();
        assertEquals(TcStrings.GOOGLE, TcfDecoding.maxVendorId(tc));
        byte[] core = java.util.Base64.getUrlDecoder().decode(tc);
        for (int i = 0; i < 16; i++) {
            int bit = TcfDecoding.MAX_VENDOR_ID_BIT + i;
            int value = (700 >> (15 - i)) & 1;
            core[bit >> 3] = (byte) ((core[bit >> 3] & ~(1 << (7 - (bit & 7)))) | (value << (7 - (bit & 7))));
        }
        String contradictory = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(core);
        assertEquals(700, TcfDecoding.maxVendorId(contradictory));
        assertTrue(com.iabtcf.decoder.TCString.decode(contradictory).getVendorConsent().contains(TcStrings.GOOGLE),
                "the IAB decoder still reads vendor 755 from the range");
        assertEquals(Optional.of(TcfDecoding.INVALID_FORMAT), TcfDecoding.decode(contradictory, true).problem());
    }

    @Test
    void gdprAppliesFollowsTheJurisdictionModel() {
        ConsentSignals signals = Signals.parse("tcf=google").consent();
        assertTrue(engine.evaluate(signals, Optional.of("FR"), Optional.empty(), false, List.of())
                .seen().tcf().orElseThrow().gdprApplies());
        assertFalse(engine.evaluate(signals, Optional.of("US"), Optional.of("CA"), false, List.of())
                .seen().tcf().orElseThrow().gdprApplies());
    }

    @ParameterizedTest
    @ValueSource(strings = {"CPzHq4APzHq4AAfKABENB", "C", "AAAA", "not_a_tc_string", "....", "-_-_-_-_"})
    void unreadableStringIsAProblemAndCountsAsAbsent(String tc) {
        ConsentSignals signals = withTcf(tc);
        Evaluation evaluation = engine.evaluate(signals, Optional.of("DE"), Optional.empty(), false,
                List.of(new DestinationRef("g", "google_ads")));

        assertEquals(List.of("tcf:invalid_format"), evaluation.problems());
        assertEquals(Optional.empty(), evaluation.seen().tcf());
        assertEquals(List.of("gdpr.no-consent"), evaluation.decisions().getFirst().ruleIds());
    }

    @Test
    void truncatedRealStringNeverThrowsAndNeverGrantsMore() {
        String tc = TcStrings.googleConsent();
        TcfFacts whole = TcfDecoding.decode(tc, true).facts().orElseThrow();
        for (int cut = 1; cut < tc.length(); cut++) {
            TcfDecoding.Result result = TcfDecoding.decode(tc.substring(0, cut), true);
            // The decoder zero-pads some prefixes into a readable string; such a string may say
            // less than the whole one did, never more.
            result.facts().ifPresent(facts -> {
                assertTrue(whole.purposeConsents().containsAll(facts.purposeConsents()));
                assertTrue(whole.vendorConsents().containsAll(facts.vendorConsents()));
            });
            assertTrue(result.facts().isPresent() != result.problem().isPresent());
        }
    }

    @Test
    void retiredVersionOneStringIsUnsupported() {
        Evaluation evaluation = engine.evaluate(withTcf(TcStrings.version1()), Optional.of("DE"), Optional.empty(),
                false, List.of(new DestinationRef("g", "google_ads")));
        assertEquals(List.of("tcf:unsupported_version"), evaluation.problems());
        assertEquals(Decision.DENY, evaluation.decisions().getFirst().decision());
    }

    @Test
    void randomInputNeverThrows() {
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder tc = new StringBuilder("C");
            int length = random.nextInt(200);
            for (int j = 0; j < length; j++) {
                tc.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Evaluation evaluation = engine.evaluate(withTcf(tc.toString()), Optional.of("DE"), Optional.empty(),
                    false, DecisionMatrixTest.ALL);
            assertEquals(DecisionMatrixTest.ALL.size(), evaluation.decisions().size());
        }
    }

    private static ConsentSignals withTcf(String tc) {
        ConsentSignals none = ConsentSignals.none();
        return new ConsentSignals(none.adStorage(), none.adUserData(), none.adPersonalization(),
                none.analyticsStorage(), Optional.of(tc), none.gpc(), none.usPrivacy(), none.optOut());
    }
}
