package dev.sluice.consent;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the country and state an event carries, as the merchant posted them, to ISO codes, and
 * knows the location codes platforms put in their limited-use flags.
 *
 * <p>Countries: ISO 3166-1 alpha-2 or alpha-3 in any case, English names, and a few common
 * aliases ({@code UK}, {@code USA}). States: US only (the only country whose state decides a
 * model), as the two-letter code, the name, or {@code US-CA}. Anything else resolves to nothing,
 * which the policy treats as an unknown location.
 */
final class Places {
    // First: the tables below are built with key(), which needs these.
    private static final java.util.regex.Pattern MARKS = java.util.regex.Pattern.compile("\\p{M}");
    private static final java.util.regex.Pattern NOT_ALNUM = java.util.regex.Pattern.compile("[^a-z0-9]");
    private static final Set<String> ALPHA2 = Set.of(Locale.getISOCountries());
    private static final Map<String, String> COUNTRY_BY_KEY = countries();
    private static final String[][] US_STATES = {
            {"AL", "Alabama"}, {"AK", "Alaska"}, {"AZ", "Arizona"}, {"AR", "Arkansas"}, {"CA", "California"},
            {"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"}, {"DC", "District of Columbia"},
            {"FL", "Florida"}, {"GA", "Georgia"}, {"HI", "Hawaii"}, {"ID", "Idaho"}, {"IL", "Illinois"},
            {"IN", "Indiana"}, {"IA", "Iowa"}, {"KS", "Kansas"}, {"KY", "Kentucky"}, {"LA", "Louisiana"},
            {"ME", "Maine"}, {"MD", "Maryland"}, {"MA", "Massachusetts"}, {"MI", "Michigan"},
            {"MN", "Minnesota"}, {"MS", "Mississippi"}, {"MO", "Missouri"}, {"MT", "Montana"},
            {"NE", "Nebraska"}, {"NV", "Nevada"}, {"NH", "New Hampshire"}, {"NJ", "New Jersey"},
            {"NM", "New Mexico"}, {"NY", "New York"}, {"NC", "North Carolina"}, {"ND", "North Dakota"},
            {"OH", "Ohio"}, {"OK", "Oklahoma"}, {"OR", "Oregon"}, {"PA", "Pennsylvania"},
            {"RI", "Rhode Island"}, {"SC", "South Carolina"}, {"SD", "South Dakota"}, {"TN", "Tennessee"},
            {"TX", "Texas"}, {"UT", "Utah"}, {"VT", "Vermont"}, {"VA", "Virginia"}, {"WA", "Washington"},
            {"WV", "West Virginia"}, {"WI", "Wisconsin"}, {"WY", "Wyoming"}, {"PR", "Puerto Rico"},
    };
    private static final Map<String, String> STATE_BY_KEY = states();

    /**
     * Meta's {@code data_processing_options_state} codes (platforms.md §1). Only 1000 (CA) is on
     * Meta's server-event reference page; the rest come from its data-processing-options page via
     * a secondary copy (UNCONFIRMED there), kept here in one place so they are easy to correct.
     * A state not listed gets 0, which asks Meta to geolocate.
     */
    private static final Map<String, Integer> META_STATE_CODES = Map.ofEntries(
            Map.entry("CA", 1000), Map.entry("CO", 1001), Map.entry("CT", 1002), Map.entry("FL", 1003),
            Map.entry("OR", 1004), Map.entry("TX", 1005), Map.entry("MT", 1006), Map.entry("DE", 1007),
            Map.entry("NE", 1008), Map.entry("NH", 1009), Map.entry("NJ", 1010), Map.entry("MN", 1011),
            Map.entry("MD", 1012), Map.entry("RI", 1013));

    private Places() {
    }

    /** True for an ISO 3166-1 alpha-2 code (upper case), as the policy file must write them. */
    static boolean isAlpha2(String code) {
        return ALPHA2.contains(code);
    }

    /** True for a US state code (upper case), as the policy file must write them. */
    static boolean isUsState(String code) {
        return STATE_BY_KEY.containsKey(key(code)) && STATE_BY_KEY.get(key(code)).equals(code);
    }

    static Optional<String> country(String text) {
        return Optional.ofNullable(COUNTRY_BY_KEY.get(key(text)));
    }

    /** The US state code for a state as posted; empty outside the US or when it names no state. */
    static Optional<String> usState(String country, String text) {
        if (!"US".equals(country)) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        if (trimmed.length() == 5 && trimmed.regionMatches(true, 0, "US-", 0, 3)) {
            trimmed = trimmed.substring(3);
        }
        return Optional.ofNullable(STATE_BY_KEY.get(key(trimmed)));
    }

    /** Meta's {@code data_processing_options_country}: 1 for the USA, 0 (geolocate) otherwise. */
    static int metaCountryCode(Optional<String> country) {
        return country.filter("US"::equals).isPresent() ? 1 : 0;
    }

    /** Meta's {@code data_processing_options_state}: the state's code, 0 (geolocate) when unknown. */
    static int metaStateCode(Optional<String> state) {
        return state.map(s -> META_STATE_CODES.getOrDefault(s, 0)).orElse(0);
    }

    // Case, accents, punctuation and spaces do not distinguish places.

    /** Lookup key: accents folded, lower case, letters and digits only. Runs once per event. */
    private static String key(String text) {
        if (isAsciiAlnum(text)) {
            // The common case (codes such as "US", "CA"): no normalization or regex needed.
            return text.toLowerCase(Locale.ROOT);
        }
        String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
        return NOT_ALNUM.matcher(folded.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    private static boolean isAsciiAlnum(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> countries() {
        Map<String, String> byKey = new HashMap<>();
        for (String code : Locale.getISOCountries()) {
            Locale locale = Locale.of("", code);
            byKey.put(key(code), code);
            try {
                byKey.putIfAbsent(key(locale.getISO3Country()), code);
            } catch (MissingResourceException ignored) {
                // No alpha-3 code known to the JDK: the alpha-2 code and the name still resolve.
            }
            byKey.putIfAbsent(key(locale.getDisplayCountry(Locale.ENGLISH)), code);
        }
        Map.of("UK", "GB", "Great Britain", "GB", "United States of America", "US", "America", "US",
                "Czech Republic", "CZ", "Holland", "NL", "Turkey", "TR", "Korea", "KR", "UAE", "AE")
                .forEach((alias, code) -> byKey.put(key(alias), code));
        return Map.copyOf(byKey);
    }

    private static Map<String, String> states() {
        Map<String, String> byKey = new HashMap<>();
        for (String[] row : US_STATES) {
            byKey.put(key(row[0]), row[0]);
            byKey.put(key(row[1]), row[0]);
        }
        return Map.copyOf(byKey);
    }
}
