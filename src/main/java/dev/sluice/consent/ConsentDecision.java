package dev.sluice.consent;

import java.util.List;

/**
 * The consent decision for one (event, destination).
 *
 * @param destinationId   the tenant's destination id
 * @param destinationType the platform type, e.g. {@code meta}
 * @param decision        ALLOW, LIMITED or DENY
 * @param ruleIds         ids of the policy rules that produced the decision, never empty
 * @param reasonCodes     machine-readable reasons, one per distinct rule reason, e.g. {@code gpc}
 * @param restrictions    what the decision changes in the payload
 * @param jurisdiction    the jurisdiction it was decided under, e.g. {@code us-state-privacy:US-CA}
 */
public record ConsentDecision(String destinationId, String destinationType, Decision decision, List<String> ruleIds,
                              List<String> reasonCodes, Restrictions restrictions, String jurisdiction) {
    public ConsentDecision {
        ruleIds = List.copyOf(ruleIds);
        reasonCodes = List.copyOf(reasonCodes);
        if (ruleIds.isEmpty()) {
            throw new IllegalArgumentException("a consent decision needs at least one rule id");
        }
    }
}
