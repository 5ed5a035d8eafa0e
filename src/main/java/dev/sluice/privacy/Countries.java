package dev.sluice.privacy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.stream.Collectors;

/**
 * Country names and codes to ISO 3166-1 alpha-2. Built from the JDK's ISO country list (alpha-2,
 * alpha-3 and English display names) plus the aliases people actually type. Lookup ignores
 * case, accents, punctuation, spaces and a leading "the": {@code "U.S.A."}, {@code "usa"} and
 * {@code "United States of America"} all resolve to {@code US}.
 */
final class Countries {
    /** Common names that differ from the JDK's English display names (declared first: build() reads it). */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("United States of America", "US"), Map.entry("U.S.A.", "US"),
            Map.entry("America", "US"), Map.entry("UK", "GB"), Map.entry("Great Britain", "GB"),
            Map.entry("Britain", "GB"), Map.entry("England", "GB"), Map.entry("Scotland", "GB"),
            Map.entry("Wales", "GB"), Map.entry("Northern Ireland", "GB"),
            Map.entry("United Kingdom of Great Britain and Northern Ireland", "GB"),
            Map.entry("Holland", "NL"), Map.entry("Korea", "KR"), Map.entry("Republic of Korea", "KR"),
            Map.entry("Czech Republic", "CZ"), Map.entry("Turkey", "TR"), Map.entry("Ivory Coast", "CI"),
            Map.entry("Macedonia", "MK"), Map.entry("Swaziland", "SZ"), Map.entry("Burma", "MM"),
            Map.entry("Cabo Verde", "CV"), Map.entry("UAE", "AE"), Map.entry("Hong Kong", "HK"),
            Map.entry("Macau", "MO"), Map.entry("Macao", "MO"), Map.entry("Palestine", "PS"),
            Map.entry("Vatican", "VA"), Map.entry("Holy See", "VA"), Map.entry("Russian Federation", "RU"),
            Map.entry("Viet Nam", "VN"), Map.entry("Lao PDR", "LA"), Map.entry("Timor-Leste", "TL"),
            Map.entry("East Timor", "TL"), Map.entry("Democratic Republic of the Congo", "CD"),
            Map.entry("DR Congo", "CD"), Map.entry("DRC", "CD"), Map.entry("Republic of the Congo", "CG"),
            Map.entry("Micronesia", "FM"), Map.entry("Bosnia", "BA"), Map.entry("Trinidad", "TT"),
            Map.entry("Mainland China", "CN"), Map.entry("People's Republic of China", "CN"),
            Map.entry("Iran, Islamic Republic of", "IR"),
            Map.entry("Syrian Arab Republic", "SY"), Map.entry("Brunei Darussalam", "BN"),
            Map.entry("Moldova, Republic of", "MD"), Map.entry("Tanzania, United Republic of", "TZ"),
            Map.entry("Falkland Islands", "FK"), Map.entry("Faroe Islands", "FO"),
            // ISO 3166's own "name, qualifier" forms, as exported by many shop systems and CRMs.
            Map.entry("Korea, Republic of", "KR"), Map.entry("Korea, South", "KR"),
            Map.entry("Korea, Democratic People's Republic of", "KP"), Map.entry("Korea, North", "KP"),
            Map.entry("Republic of Ireland", "IE"), Map.entry("Taiwan, Province of China", "TW"),
            Map.entry("Venezuela, Bolivarian Republic of", "VE"), Map.entry("Bolivia, Plurinational State of", "BO"),
            Map.entry("Congo, The Democratic Republic of the", "CD"), Map.entry("Micronesia, Federated States of", "FM"),
            Map.entry("Lao People's Democratic Republic", "LA"), Map.entry("Palestine, State of", "PS"),
            Map.entry("Virgin Islands, British", "VG"), Map.entry("Virgin Islands, U.S.", "VI"),
            Map.entry("Macedonia, the Former Yugoslav Republic of", "MK"));

    private static final Map<String, String> BY_KEY = build();
    private static final Map<String, String> LOWER = BY_KEY.values().stream().distinct()
            .collect(Collectors.toUnmodifiableMap(code -> code, code -> code.toLowerCase(Locale.ROOT)));

    private Countries() {
    }

    /**
     * The upper-case alpha-2 code for a name or code, or null when it names no country. A text
     * with a digit or a control character names none: its letters alone could spell a code (a
     * date's {@code T} and {@code Z} made Tanzania, {@code 1.2.3.4%eth0} Ethiopia, until session 43).
     */
    static String resolve(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isDigit(c) || Character.isISOControl(c)) {
                return null;
            }
        }
        return BY_KEY.get(Texts.lookupKey(text));
    }

    /** Lower-case form of a resolved code, without allocating on the hot path. */
    static String lower(String alpha2) {
        return LOWER.get(alpha2);
    }

    private static Map<String, String> build() {
        Map<String, String> byKey = new HashMap<>();
        for (String code : Locale.getISOCountries()) {
            Locale locale = Locale.of("", code);
            byKey.put(Texts.lookupKey(code), code);
            try {
                byKey.putIfAbsent(Texts.lookupKey(locale.getISO3Country()), code);
            } catch (MissingResourceException ignored) {
                // No alpha-3 code known to the JDK: the alpha-2 code and name still resolve.
            }
            String name = locale.getDisplayCountry(Locale.ENGLISH);
            byKey.putIfAbsent(Texts.lookupKey(name), code);
            // CLDR writes "St. Lucia", "Myanmar (Burma)", "Congo - Kinshasa": also accept the
            // part before a bracket or dash, and "Saint" for "St.".
            int cut = indexOfAny(name, " (", " - ");
            if (cut > 0) {
                byKey.putIfAbsent(Texts.lookupKey(name.substring(0, cut)), code);
            }
            if (name.startsWith("St. ")) {
                byKey.putIfAbsent(Texts.lookupKey("Saint " + name.substring(4)), code);
            }
        }
        // The bare "Congo" from the rule above is ambiguous; it usually means the Republic.
        byKey.put("congo", "CG");
        ALIASES.forEach((alias, code) -> byKey.put(Texts.lookupKey(alias), code));
        return Map.copyOf(byKey);
    }

    private static int indexOfAny(String s, String a, String b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : (j < 0 ? i : Math.min(i, j));
    }
}
