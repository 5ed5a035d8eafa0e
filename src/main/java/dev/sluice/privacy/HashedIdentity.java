package dev.sluice.privacy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One platform's view of a person: what it gets hashed and what it requires in plain text.
 * A hash of an email is still personal data, so {@link #toString()} names only the fields.
 *
 * @param hashed lowercase hex SHA-256 of the platform's normalized string, by field
 * @param plain  normalized values the platform requires unhashed (for example Google's country
 *               and postal code), by field
 */
public record HashedIdentity(Map<PiiField, String> hashed, Map<PiiField, String> plain) {

    public HashedIdentity {
        hashed = frozen(hashed);
        plain = frozen(plain);
    }

    private static Map<PiiField, String> frozen(Map<PiiField, String> map) {
        Objects.requireNonNull(map);
        return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(map));
    }

    /** True when the platform gets no personal data at all from this event. */
    public boolean isEmpty() {
        return hashed.isEmpty() && plain.isEmpty();
    }

    @Override
    public String toString() {
        return "HashedIdentity[redacted, hashed=" + hashed.keySet() + ", plain=" + plain.keySet() + "]";
    }
}
