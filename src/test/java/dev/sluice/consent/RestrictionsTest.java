package dev.sluice.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.util.List;
import java.util.Map;

import static dev.sluice.consent.DecisionMatrixTest.absentIfDash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What decisions change in payloads, and the rule ids and reasons they carry (consent/restrictions.csv). */
class RestrictionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConsentEngine engine = new ConsentEngine(DecisionMatrixTest.SHIPPED);

    @ParameterizedTest(name = "{0}/{1} [{2}] {3}")
    @CsvFileSource(resources = "/consent/restrictions.csv", delimiter = '|', numLinesToSkip = 1)
    void decisionCarriesItsRestrictionsAndRules(String country, String state, String spec, String type,
                                                Decision decision, boolean strip, String flags, String ruleIds,
                                                String reasons) throws JsonProcessingException {
        Signals signals = Signals.parse(spec);
        ConsentDecision made = engine.evaluate(signals.consent(), absentIfDash(country), absentIfDash(state),
                signals.secGpcHeader(), List.of(new DestinationRef("d", type))).decisions().getFirst();

        assertEquals(decision, made.decision());
        assertEquals(List.of(ruleIds.split(",")), made.ruleIds());
        assertEquals(List.of(reasons.split(",")), made.reasonCodes());
        assertEquals(strip, made.restrictions().stripUserData());
        assertEquals(flags, JSON.writeValueAsString(made.restrictions().platformFlags()));
    }

    @Test
    void platformFlagsAreImmutableAllTheWayDown() {
        Signals signals = Signals.parse("gpc=true");
        Map<String, Object> flags = engine.evaluate(signals.consent(), java.util.Optional.of("US"),
                java.util.Optional.of("CA"), false, List.of(new DestinationRef("r", "reddit")))
                .decisions().getFirst().restrictions().platformFlags();
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) flags.get("user");
        assertThrows(UnsupportedOperationException.class, () -> flags.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> user.put("x", 1));
    }
}
