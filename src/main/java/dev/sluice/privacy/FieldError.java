package dev.sluice.privacy;

import java.util.Objects;

/**
 * A personal value that could not be normalized. The message explains the expected shape and
 * never contains the value itself.
 *
 * @param field   the field that was rejected
 * @param code    stable machine-readable code, e.g. {@code invalid_email}
 * @param message human-readable explanation without the value
 */
public record FieldError(PiiField field, String code, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
