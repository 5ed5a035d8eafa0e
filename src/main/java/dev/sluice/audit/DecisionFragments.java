package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.SignalsSeen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a decision record shares with every other record of the same consent evaluation: its
 * decisions and signals as canonical JSON and the members from its jurisdiction to its open
 * sequence number (as the UTF-8 bytes its body's hash is computed over, never written to), its
 * filter columns, and its packed form but for the event name. Rendering them was about a tenth
 * of an accepted event's request-thread time; the consent engine hands out one evaluation (the
 * same list of decisions, the same signals) for repeated inputs, so they are rendered once and
 * kept for the records that follow (docs/benchmarks.md, sessions 22 and 23).
 *
 * <p>The last few are kept by the identity of their decisions list and signals (both
 * immutable), with equal jurisdiction and policy; a record of anything else renders its own. The
 * kept values are immutable and published through final fields, so threads share them without
 * locks; a lost write only costs a render.
 */
record DecisionFragments(List<ConsentDecision> decisions, SignalsSeen seen, String jurisdiction, String policyVersion,
                         String policySha256, byte[] headStart, byte[] headRest, byte[] signalsMember,
                         String destinationIds, String decisionColumn, String ruleIds, byte[] packed) {
    private static final int SLOTS = 16;
    private static final DecisionFragments[] RECENT = new DecisionFragments[SLOTS];

    /**
     * The record's fragments: kept ones when {@code remember} and the last records of these very
     * decisions and signals rendered them, else new ones (kept when {@code remember}).
     */
    static DecisionFragments of(AuditEntry.Decided d, boolean remember) {
        int slot = System.identityHashCode(d.decisions()) & (SLOTS - 1);
        if (remember) {
            DecisionFragments kept = RECENT[slot];
            if (kept != null && kept.decisions == d.decisions() && kept.seen == d.seen()
                    && Objects.equals(kept.jurisdiction, d.jurisdiction())
                    && Objects.equals(kept.policyVersion, d.policyVersion())
                    && Objects.equals(kept.policySha256, d.policySha256())) {
                return kept;
            }
        }
        List<DecisionColumns.Element> elements = new ArrayList<>(d.decisions().size());
        for (ConsentDecision decision : d.decisions()) {
            elements.add(DecisionColumns.of(decision));
        }
        DecisionFragments made = new DecisionFragments(d.decisions(), d.seen(), d.jurisdiction(), d.policyVersion(),
                d.policySha256(), utf8("{\"decisions\":[" + DecisionBody.decisionsJson(d.decisions()) + "]"),
                utf8(DecisionBody.headRest(d)), utf8(",\"signals\":" + DecisionBody.signalsJson(d.seen())),
                DecisionColumns.destinations(elements),
                DecisionColumns.decisions(elements), DecisionColumns.rules(elements), PackedDecision.shared(d));
        if (remember) {
            RECENT[slot] = made;
        }
        return made;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The record's filter columns. */
    ChainAppender.Columns columns(String eventId) {
        return new ChainAppender.Columns(eventId, destinationIds, decisionColumn, ruleIds);
    }

    /** Consent decisions are not personal data, but the record's parts are long: only counts are printed. */
    @Override
    public String toString() {
        return "DecisionFragments[" + decisions.size() + " decisions]";
    }
}
