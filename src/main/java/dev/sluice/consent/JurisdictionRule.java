package dev.sluice.consent;

import java.util.Optional;
import java.util.Set;

/**
 * A policy jurisdiction: which countries (and, optionally, which US states) it covers and the
 * model that applies there. Jurisdictions are tried in policy order; the first match wins.
 *
 * @param id                jurisdiction id, e.g. {@code eea-uk-ch}
 * @param model             the model applied
 * @param countries         ISO 3166-1 alpha-2 codes
 * @param states            two-letter state codes; empty means the whole countries
 * @param matchUnknownState with states: also match an event whose state is missing or unknown
 */
record JurisdictionRule(String id, Model model, Set<String> countries, Set<String> states, boolean matchUnknownState) {
    JurisdictionRule {
        countries = Set.copyOf(countries);
        states = Set.copyOf(states);
    }

    boolean matches(String country, Optional<String> state) {
        if (!countries.contains(country)) {
            return false;
        }
        if (states.isEmpty()) {
            return true;
        }
        return state.map(states::contains).orElse(matchUnknownState);
    }
}
