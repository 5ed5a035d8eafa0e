package dev.sluice.privacy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Raw personal values of one event, exactly as the merchant sent them, plus the tenant's default
 * phone region. Personal data: lives only in memory during ingest; {@link #toString()} names the
 * fields present and never their values.
 *
 * @param values        raw values by field; null values are dropped, blank ones are ignored later
 * @param defaultRegion ISO 3166-1 alpha-2 region used to read national phone numbers (and to
 *                      decide whether a postal code is a US ZIP) when the event names no country;
 *                      null or blank means "unknown": then only international numbers are read
 */
public record PersonalData(Map<PiiField, String> values, String defaultRegion) {

    public PersonalData {
        Objects.requireNonNull(values, "values");
        EnumMap<PiiField, String> copy = new EnumMap<>(PiiField.class);
        values.forEach((field, value) -> {
            if (field != null && value != null) {
                copy.put(field, value);
            }
        });
        values = Collections.unmodifiableMap(copy);
        defaultRegion = defaultRegion == null || defaultRegion.isBlank()
                ? null : defaultRegion.strip().toUpperCase(Locale.ROOT);
    }

    /** Convenience for callers without a default region. */
    public static PersonalData of(Map<PiiField, String> values) {
        return new PersonalData(values, null);
    }

    @Override
    public String toString() {
        return "PersonalData[redacted, fields=" + values.keySet() + ", defaultRegion=" + defaultRegion + "]";
    }
}
