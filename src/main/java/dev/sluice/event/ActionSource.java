package dev.sluice.event;

import java.util.Locale;
import java.util.Optional;

/** Where a conversion happened; the wire names follow Meta's {@code action_source} values. */
public enum ActionSource {
    WEBSITE, APP, EMAIL, PHONE_CALL, CHAT, PHYSICAL_STORE, SYSTEM_GENERATED, BUSINESS_MESSAGING, OTHER;

    /** The lower-case wire name, e.g. {@code physical_store}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name exactly (lower case), or empty when unknown. */
    public static Optional<ActionSource> fromWire(String value) {
        for (ActionSource source : values()) {
            if (source.wireName().equals(value)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }
}
