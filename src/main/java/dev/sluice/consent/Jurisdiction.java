package dev.sluice.consent;

import java.util.Optional;

/**
 * Where an event was decided: the policy jurisdiction, the resolved location and its model.
 *
 * @param id      jurisdiction id from the policy, or {@code unknown}
 * @param country ISO 3166-1 alpha-2, when the event's country resolved
 * @param state   two-letter US state code, when the event's state resolved
 * @param model   the model applied
 */
record Jurisdiction(String id, Optional<String> country, Optional<String> state, Model model) {

    /** The id used for jurisdictions where no country could be resolved. */
    static final String UNKNOWN = "unknown";

    /** How decisions and audit records name it: {@code us-state-privacy:US-CA}, {@code unknown}. */
    String label() {
        return country.map(c -> id + ":" + c + state.map(s -> "-" + s).orElse("")).orElse(id);
    }
}
