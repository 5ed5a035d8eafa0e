package dev.sluice.privacy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * State and province names to their two-letter codes, for the United States (states, DC and
 * inhabited territories) and Canada. Meta, Snapchat and Pinterest ask for the two-letter code
 * where one exists (platforms.md §1 {@code st}); elsewhere the name is kept, compacted.
 */
final class Regions {
    /** Two-letter codes, ANSI/USPS for the US and Canada Post for Canada. */
    private static final String[][] NAMES = {
            {"AL", "Alabama"}, {"AK", "Alaska"}, {"AZ", "Arizona"}, {"AR", "Arkansas"},
            {"CA", "California"}, {"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"},
            {"DC", "District of Columbia"}, {"DC", "Washington DC"}, {"DC", "Washington D.C."},
            {"FL", "Florida"}, {"GA", "Georgia"}, {"HI", "Hawaii"}, {"ID", "Idaho"},
            {"IL", "Illinois"}, {"IN", "Indiana"}, {"IA", "Iowa"}, {"KS", "Kansas"},
            {"KY", "Kentucky"}, {"LA", "Louisiana"}, {"ME", "Maine"}, {"MD", "Maryland"},
            {"MA", "Massachusetts"}, {"MI", "Michigan"}, {"MN", "Minnesota"}, {"MS", "Mississippi"},
            {"MO", "Missouri"}, {"MT", "Montana"}, {"NE", "Nebraska"}, {"NV", "Nevada"},
            {"NH", "New Hampshire"}, {"NJ", "New Jersey"}, {"NM", "New Mexico"}, {"NY", "New York"},
            {"NC", "North Carolina"}, {"ND", "North Dakota"}, {"OH", "Ohio"}, {"OK", "Oklahoma"},
            {"OR", "Oregon"}, {"PA", "Pennsylvania"}, {"RI", "Rhode Island"}, {"SC", "South Carolina"},
            {"SD", "South Dakota"}, {"TN", "Tennessee"}, {"TX", "Texas"}, {"UT", "Utah"},
            {"VT", "Vermont"}, {"VA", "Virginia"}, {"WA", "Washington"}, {"WV", "West Virginia"},
            {"WI", "Wisconsin"}, {"WY", "Wyoming"},
            {"AS", "American Samoa"}, {"GU", "Guam"}, {"MP", "Northern Mariana Islands"},
            {"PR", "Puerto Rico"}, {"VI", "U.S. Virgin Islands"}, {"VI", "US Virgin Islands"},
            {"VI", "United States Virgin Islands"},
            {"AB", "Alberta"}, {"BC", "British Columbia"}, {"MB", "Manitoba"}, {"NB", "New Brunswick"},
            {"NL", "Newfoundland and Labrador"}, {"NL", "Newfoundland"}, {"NS", "Nova Scotia"},
            {"NT", "Northwest Territories"}, {"NU", "Nunavut"}, {"ON", "Ontario"},
            {"PE", "Prince Edward Island"}, {"QC", "Quebec"}, {"SK", "Saskatchewan"}, {"YT", "Yukon"},
    };
    private static final Map<String, String> CODE_BY_KEY = build();

    /** Regions whose postal codes are US ZIP codes (the US and the territories USPS serves). */
    private static final Set<String> ZIP_REGIONS = Set.of("US", "PR", "VI", "GU", "AS", "MP");

    private Regions() {
    }

    /**
     * The lower-case two-letter code of a US state or Canadian province, named or coded in any
     * case, with or without an ISO 3166-2 prefix ({@code US-CA}); null for anything else.
     */
    static String code(String trimmed) {
        String key = Texts.lookupKey(trimmed);
        // The key can be longer than the text ("&" reads as "and": "c&" is "cand"), so the text's
        // length is checked before its third character is read.
        if (key.length() == 4 && (key.startsWith("us") || key.startsWith("ca")) && trimmed.length() > 2
                && (trimmed.charAt(2) == '-' || trimmed.charAt(2) == ' ')) {
            key = key.substring(2);
        }
        return CODE_BY_KEY.get(key);
    }

    /** True when postal codes of this region (upper-case alpha-2, may be null) are ZIP codes. */
    static boolean usesZipCodes(String region) {
        return region != null && ZIP_REGIONS.contains(region);
    }

    private static Map<String, String> build() {
        Map<String, String> byKey = new HashMap<>();
        for (String[] row : NAMES) {
            String lower = row[0].toLowerCase(java.util.Locale.ROOT);
            byKey.put(Texts.lookupKey(row[1]), lower);
            byKey.put(lower, lower);
        }
        return Map.copyOf(byKey);
    }
}
