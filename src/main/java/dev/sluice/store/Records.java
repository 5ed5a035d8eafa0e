package dev.sluice.store;

import java.util.Objects;

/** Argument checks shared by the store's records; messages name the field, never its value. */
final class Records {

    private Records() {
    }

    static String requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }
}
