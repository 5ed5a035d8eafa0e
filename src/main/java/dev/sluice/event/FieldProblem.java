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

    /**
     * Most problems one answer lists about one event or one request body; the rest are counted
     * or left out. A body of many bad keys or ids would otherwise be answered with a problem for
     * each, an answer several times the body's size built on the heap.
     */
    public static final int MAX_LISTED = 20;
    public FieldProblem {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The same problem with its pointer prefixed, e.g. {@code /events/3} + {@code /user/email}. */
    public FieldProblem under(String prefix) {
        return new FieldProblem(prefix + pointer, code, message);
    }

    /**
     * Whether a key or parameter name the request sent may be echoed in a problem's pointer: one
     * that looks like a field name. A body may use personal data as a key
     * ({@code {"jane@example.com": ..}}), and problems never quote personal data; such a key is
     * named by the object that holds it instead.
     */
    public static boolean showable(String name) {
        // Letters, digits and the punctuation of field names (utm_source, a/b, x.y, ns:key), up to
        // 64 characters; no @, +, space or run of seven digits, which emails, phones and names
        // have. A loop, not a regular expression: attribution keys and click ids are read
        // through here for every event.
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        int digits = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            digits = digit ? digits + 1 : 0;
            if (digits == 7 || !(digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "_.~/:-".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pointer to member {@code key} of the object at {@code parent}: the object's own pointer
     * when the key is not {@link #showable}, so that a key that is personal data is never echoed.
     */
    public static String member(String parent, String key) {
        return showable(key) ? parent + "/" + segment(key) : parent;
    }

    /** A key as one segment of a JSON pointer (RFC 6901): {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    public static String segment(String key) {
        if (key.indexOf('~') < 0 && key.indexOf('/') < 0) {
            return key;
        }
        return key.replace("~", "~0").replace("/", "~1");
    }
}
