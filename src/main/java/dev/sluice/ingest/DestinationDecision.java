package dev.sluice.ingest;

import dev.sluice.consent.ConsentDecision;

import java.util.List;
import java.util.Locale;

/**
 * The consent decision for one destination of one event, as reported to the merchant.
 *
 * @param destinationId the destination
 * @param decision      {@code allow}, {@code limited} or {@code deny}
 * @param reasonCodes   machine-readable reasons, e.g. {@code gpc}
 * @param ruleIds       the policy rules that made the decision
 */
public record DestinationDecision(String destinationId, String decision, List<String> reasonCodes, List<String> ruleIds) {
    public DestinationDecision {
        reasonCodes = List.copyOf(reasonCodes);
        ruleIds = List.copyOf(ruleIds);
    }

    static DestinationDecision of(ConsentDecision d) {
        return new DestinationDecision(d.destinationId(), d.decision().name().toLowerCase(Locale.ROOT), d.reasonCodes(), d.ruleIds());
    }
}
