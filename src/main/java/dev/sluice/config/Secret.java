package dev.sluice.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A resolved secret value (token, key, signing secret). It never prints itself: {@link #toString()}
 * says where it came from, not what it is.
 */
public final class Secret {
    private final byte[] value;
    private final String source;

    Secret(byte[] value, String source) {
        this.value = value.clone();
        this.source = source;
    }

    /** A secret made in code, e.g. by tests. */
    public static Secret of(String value, String source) {
        return new Secret(value.getBytes(StandardCharsets.UTF_8), source);
    }

    /** The secret's bytes (a copy). */
    public byte[] bytes() {
        return value.clone();
    }

    /** The secret as UTF-8 text. */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Secret[from " + source + ", redacted]";
    }
}
