package dev.sluice.consent;

import java.util.List;

/**
 * A consent model: the baseline for an event no rule speaks about, and the rules in policy order.
 *
 * @param id       the model's name in the policy
 * @param kind     opt-in (consent required: baseline DENY) or opt-out (baseline ALLOW)
 * @param baseline id and reason recorded when the baseline decides
 * @param rules    rules in policy order
 */
record Model(String id, Kind kind, Baseline baseline, List<Rule> rules) {
    Model {
        rules = List.copyOf(rules);
    }

    /** Legal models, from least to most strict; unknown jurisdictions get the strictest configured. */
    enum Kind {
        OPT_OUT(Decision.ALLOW), OPT_IN(Decision.DENY);

        private final Decision baseline;

        Kind(Decision baseline) {
            this.baseline = baseline;
        }

        Decision baseline() {
            return baseline;
        }
    }

    /** The rule id and reason of the baseline decision. */
    record Baseline(String id, String reason) {
    }
}
