package dev.sluice.event;

import java.util.Objects;

/**
 * One problem with one field, as rendered in an RFC 9457 problem body's {@code errors} list.
 * It names the field by JSON pointer and never carries the field's value.
 *
 * @param pointer JSON pointer to the field, e.g. {@code /events/3/user/email}
 * @param code    stable machine-readable code, e.g. {@code invalid_format}
 * @param message human-readable explanation (must not contain the value)
 */
public record FieldProblem(String pointer, String code, String message) {
    public FieldProblem {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The same problem with its pointer prefixed, e.g. {@code /events/3} + {@code /user/email}. */
    public FieldProblem under(String prefix) {
        return new FieldProblem(prefix + pointer, code, message);
    }

    /** A key as one segment of a JSON pointer (RFC 6901): {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    public static String segment(String key) {
        if (key.indexOf('~') < 0 && key.indexOf('/') < 0) {
            return key;
        }
        return key.replace("~", "~0").replace("/", "~1");
    }
}
