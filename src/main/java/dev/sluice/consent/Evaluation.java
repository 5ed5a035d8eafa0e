package dev.sluice.consent;

import java.util.List;

/**
 * The consent outcome for one event: what was seen, where, and one decision per destination.
 *
 * @param seen         the signals as decoded, for the audit log
 * @param jurisdiction the jurisdiction decided under, e.g. {@code eea-uk-ch:DE} or {@code unknown}
 * @param decisions    one per requested destination, in request order
 * @param problems     validation problems with the signals, e.g. {@code tcf:invalid_format}; the
 *                     decisions treat an unreadable signal as absent, but the caller should reject
 *                     the event, since the merchant sent consent that nobody can read
 */
public record Evaluation(SignalsSeen seen, String jurisdiction, List<ConsentDecision> decisions,
                         List<String> problems) {
    public Evaluation {
        decisions = List.copyOf(decisions);
        problems = List.copyOf(problems);
    }
}
