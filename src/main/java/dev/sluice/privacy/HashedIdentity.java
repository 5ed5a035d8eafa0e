package dev.sluice.privacy;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One platform's view of a person: what it gets hashed and what it requires in plain text.
 * A hash of an email is still personal data, so {@link #toString()} names only the fields.
 *
 * <p>Values are kept by field ordinal. A digest ingest made is kept as its 32 bytes, and its hex
 * is made only when asked for ({@link #hash}): a payload's writer copies the bytes
 * ({@link #copyDigest}), so most digests never exist as hex at all (the hex used to be made for
 * every digest and parsed back for every payload; docs/benchmarks.md, session 22). Meant for the
 * one thread that renders an event's payloads: the hex made on demand is kept unsynchronized.
 */
public final class HashedIdentity {
    private static final PiiField[] FIELDS = PiiField.values();

    /** Hex digests (or other hashed values) by field ordinal; null where absent or not made yet. */
    private final String[] hex;
    /** Digest bytes by field ordinal, where ingest made them; never modified. */
    private final byte[][] raw;
    private final String[] plain;

    /**
     * @param hashed lowercase hex SHA-256 of the platform's normalized string, by field
     * @param plain  normalized values the platform requires unhashed (for example Google's country
     *               and postal code), by field
     */
    public HashedIdentity(Map<PiiField, String> hashed, Map<PiiField, String> plain) {
        this(byOrdinal(hashed), new byte[FIELDS.length][], byOrdinal(plain));
    }

    private HashedIdentity(String[] hex, byte[][] raw, String[] plain) {
        this.hex = hex;
        this.raw = raw;
        this.plain = plain;
    }

    /**
     * An identity from arrays by field ordinal, taken over without copying: a field is hashed
     * where {@code hex} or {@code raw} holds it (raw bytes win; their hex is made on demand).
     */
    static HashedIdentity of(String[] hex, byte[][] raw, String[] plain) {
        if (hex.length != FIELDS.length || raw.length != FIELDS.length || plain.length != FIELDS.length) {
            throw new IllegalArgumentException("one slot per field");
        }
        return new HashedIdentity(hex, raw, plain);
    }

    private static String[] byOrdinal(Map<PiiField, String> map) {
        Objects.requireNonNull(map);
        String[] values = new String[FIELDS.length];
        map.forEach((field, value) -> values[field.ordinal()] = Objects.requireNonNull(value, "value"));
        return values;
    }

    /** The field's hashed value (lowercase hex for a digest), or null when the platform gets none. */
    public String hash(PiiField field) {
        int i = field.ordinal();
        String value = hex[i];
        if (value == null && raw[i] != null) {
            value = Sha256.hex(raw[i]);
            hex[i] = value;
        }
        return value;
    }

    /** Whether the platform gets a hashed value of the field. */
    public boolean hashes(PiiField field) {
        return hex[field.ordinal()] != null || raw[field.ordinal()] != null;
    }

    /**
     * Copies the field's digest, as 32 bytes, into {@code out} from {@code offset} and returns
     * true; false, writing nothing, when only its hex is known (a merchant's own digest, or an
     * identity built from maps), or when there is none.
     */
    public boolean copyDigest(PiiField field, byte[] out, int offset) {
        byte[] digest = raw[field.ordinal()];
        if (digest == null) {
            return false;
        }
        System.arraycopy(digest, 0, out, offset, digest.length);
        return true;
    }

    /** The normalized plain-text value the platform requires, or null. */
    public String plain(PiiField field) {
        return plain[field.ordinal()];
    }

    /** Hashed values by field, as hex for digests. */
    public Map<PiiField, String> hashed() {
        EnumMap<PiiField, String> map = new EnumMap<>(PiiField.class);
        for (PiiField field : FIELDS) {
            String value = hash(field);
            if (value != null) {
                map.put(field, value);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** Plain-text values by field. */
    public Map<PiiField, String> plain() {
        return Collections.unmodifiableMap(mapOf(plain));
    }

    /** Whether the platform gets any plain-text value. */
    public boolean hasPlain() {
        for (String value : plain) {
            if (value != null) {
                return true;
            }
        }
        return false;
    }

    /** True when the platform gets no personal data at all from this event. */
    public boolean isEmpty() {
        for (PiiField field : FIELDS) {
            if (hashes(field)) {
                return false;
            }
        }
        return !hasPlain();
    }

    private static EnumMap<PiiField, String> mapOf(String[] values) {
        EnumMap<PiiField, String> map = new EnumMap<>(PiiField.class);
        for (PiiField field : FIELDS) {
            if (values[field.ordinal()] != null) {
                map.put(field, values[field.ordinal()]);
            }
        }
        return map;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashedIdentity other && hashed().equals(other.hashed()) && Arrays.equals(plain, other.plain);
    }

    @Override
    public int hashCode() {
        return 31 * hashed().hashCode() + Arrays.hashCode(plain);
    }

    @Override
    public String toString() {
        return "HashedIdentity[redacted, hashed=" + hashed().keySet() + ", plain=" + plain().keySet() + "]";
    }
}
