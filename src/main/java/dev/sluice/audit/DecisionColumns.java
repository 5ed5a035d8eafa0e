package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.consent.ConsentDecision;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The filter columns of a decision record ({@code destination_id}, {@code decision},
 * {@code rule_ids}), which repeat its body so that queries need not parse it.
 *
 * <p>A record holds every destination's decision for one event, so each column lists them,
 * tagged with the destination where it matters: {@code |meta|warehouse|},
 * {@code |meta:ALLOW|warehouse:LIMITED|}, {@code |meta:us.gpc|meta:us.baseline|warehouse:eu.tcf|}.
 * Destination ids are {@code [a-z0-9_-]} and rule ids {@code [a-z0-9._-]}, so neither holds
 * {@code |} or {@code :}, and a search for {@code |meta:DENY|} or {@code :us.gpc|} finds exactly
 * that destination's decision or that rule. Records written before this layout (one destination
 * each, {@link #legacy}) keep plain columns: {@code meta}, {@code ALLOW}, {@code |us.gpc|}.
 */
final class DecisionColumns {
    /** One destination's part of a decision record. */
    record Element(String destinationId, String decision, List<String> ruleIds) {
    }

    private DecisionColumns() {
    }

    static Element of(ConsentDecision d) {
        return new Element(d.destinationId(), d.decision().name(), d.ruleIds());
    }

    /** {@code |a|b|} */
    static String destinations(List<Element> elements) {
        StringBuilder s = new StringBuilder(32).append('|');
        for (Element e : elements) {
            s.append(e.destinationId()).append('|');
        }
        return s.toString();
    }

    /** {@code |a:ALLOW|b:DENY|} */
    static String decisions(List<Element> elements) {
        StringBuilder s = new StringBuilder(48).append('|');
        for (Element e : elements) {
            s.append(e.destinationId()).append(':').append(e.decision()).append('|');
        }
        return s.toString();
    }

    /** {@code |a:r1|a:r2|b:r3|}; {@code |} when no destination's decision named a rule. */
    static String rules(List<Element> elements) {
        StringBuilder s = new StringBuilder(64).append('|');
        for (Element e : elements) {
            for (String rule : e.ruleIds()) {
                s.append(e.destinationId()).append(':').append(rule).append('|');
            }
        }
        return s.toString();
    }

    /** The rule column of a one-destination record of the earlier layout: {@code |r1|r2|}. */
    static String legacyRules(List<String> ruleIds) {
        return "|" + String.join("|", ruleIds) + "|";
    }

    /** Whether a record body is a one-destination decision record written before this layout. */
    static boolean legacy(JsonNode body) {
        return !body.has("decisions");
    }

    /** The elements of a parsed decision body of this layout. */
    static List<Element> elements(JsonNode body) {
        List<Element> out = new ArrayList<>();
        for (JsonNode d : body.path("decisions")) {
            out.add(element(d));
        }
        return out;
    }

    /** One member of a decision body's {@code decisions}. */
    static Element element(JsonNode decision) {
        List<String> rules = new ArrayList<>();
        decision.path("rule_ids").forEach(r -> rules.add(r.asText()));
        return new Element(decision.path("destination_id").asText(), decision.path("decision").asText(), rules);
    }

    /** Whether one element satisfies every per-destination condition that is present. */
    static boolean matches(Element e, Optional<String> destinationId, Optional<String> decision, Optional<String> ruleId) {
        return destinationId.map(e.destinationId()::equals).orElse(true)
                && decision.map(e.decision()::equals).orElse(true)
                && ruleId.map(e.ruleIds()::contains).orElse(true);
    }
}
