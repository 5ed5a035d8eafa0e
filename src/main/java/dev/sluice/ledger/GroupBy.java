package dev.sluice.ledger;

import java.util.Locale;
import java.util.Optional;

/** How a KPI report groups its rows. */
public enum GroupBy {
    /** One row per platform. */
    PLATFORM,
    /** One row per platform and campaign. */
    CAMPAIGN,
    /** One row per day. */
    DAY;

    /** The query-parameter spelling, e.g. {@code platform}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code platform}, {@code campaign} or {@code day}. */
    public static Optional<GroupBy> parse(String text) {
        for (GroupBy g : values()) {
            if (g.wireName().equals(text)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
