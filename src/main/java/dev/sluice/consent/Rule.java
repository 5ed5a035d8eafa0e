package dev.sluice.consent;

import java.util.Map;
import java.util.Set;

/**
 * One policy rule: when every condition holds for a destination type it applies to, it yields its
 * decision. Conditions are ANDed; a policy says OR with two rules.
 *
 * @param id               unique across the policy, recorded on every decision it makes
 * @param reason           machine-readable reason code reported to the merchant
 * @param then             ALLOW grants (lifts an opt-in baseline); LIMITED and DENY restrict
 * @param destinationTypes the types it applies to
 * @param when             signal conditions, all of which must hold; empty means always
 */
record Rule(String id, String reason, Decision then, Set<String> destinationTypes, Map<Signal, String> when) {
    Rule {
        destinationTypes = Set.copyOf(destinationTypes);
        when = Map.copyOf(when);
    }

    boolean matches(SignalsSeen seen, DestinationPolicy destination) {
        if (!destinationTypes.contains(destination.type())) {
            return false;
        }
        for (Map.Entry<Signal, String> condition : when.entrySet()) {
            if (!condition.getKey().valueIn(seen, destination).equals(condition.getValue())) {
                return false;
            }
        }
        return true;
    }
}
