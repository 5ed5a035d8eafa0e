package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed fields of one event and records what is wrong with them. Callers name fields by
 * pointers relative to the event ({@code /user/email}), which are mostly compile-time constants;
 * the event's own pointer in a batch is prefixed only when a problem is recorded. Messages say
 * what was expected and never quote the value, which may be personal data.
 *
 * <p>JSON {@code null} counts as absent everywhere.
 */
final class FieldReader {

    /**
     * Most errors, and apart from them most warnings, an event's answer lists; the rest are
     * counted in one {@code more_problems} entry.
     */
    static final int MAX_LISTED = FieldProblem.MAX_LISTED;

    private final String base;
    private final List<FieldProblem> errors = new ArrayList<>(4);
    private final List<FieldProblem> warnings = new ArrayList<>(2);
    private int errorsLeftOut;
    private int warningsLeftOut;

    /** @param base pointer of the event in the body: {@code ""} for a single event, else {@code /events/3} */
    FieldReader(String base) {
        this.base = base;
    }

    /** Records an error; {@code pointer} is relative to the event. */
    void error(String pointer, ProblemCode code, String message) {
        if (errors.size() < MAX_LISTED) {
            errors.add(new FieldProblem(base + pointer, code.code(), message));
        } else {
            errorsLeftOut++;
        }
    }

    /** Records a warning; {@code pointer} is relative to the event. */
    void warn(String pointer, ProblemCode code, String message) {
        if (warnings.size() < MAX_LISTED) {
            warnings.add(new FieldProblem(base + pointer, code.code(), message));
        } else {
            warningsLeftOut++;
        }
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The warnings, then how many more were left out, if any. */
    List<FieldProblem> warnings() {
        if (warningsLeftOut == 0) {
            return warnings;
        }
        List<FieldProblem> all = new ArrayList<>(warnings);
        all.add(leftOut(warningsLeftOut, "warning"));
        return all;
    }

    /** Errors first, then warnings: what a rejected event reports. */
    List<FieldProblem> errorsThenWarnings() {
        List<FieldProblem> all = new ArrayList<>(errors.size() + warnings.size() + 2);
        all.addAll(errors);
        if (errorsLeftOut > 0) {
            all.add(leftOut(errorsLeftOut, "error"));
        }
        all.addAll(warnings());
        return all;
    }

    private FieldProblem leftOut(int count, String what) {
        // At the event's own pointer: the left-out problems may be anywhere in it.
        return new FieldProblem(base, ProblemCode.MORE_PROBLEMS.code(), count + " more " + what
                + (count == 1 ? " of this event is" : "s of this event are") + " not listed (the first " + MAX_LISTED + " are)");
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    /** An optional string of at most {@code maxLength} characters; empty when absent or wrong. */
    Optional<String> string(JsonNode node, String pointer, int maxLength) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            error(pointer, ProblemCode.INVALID_TYPE, "must be a string");
            return Optional.empty();
        }
        String text = node.textValue();
        // Characters are code points: 65 emoji (130 UTF-16 units) were "more than 128 characters"
        // until session 39. Counted only when the units alone are over, which a valid value rarely is.
        if (text.length() > maxLength && text.codePointCount(0, text.length()) > maxLength) {
            error(pointer, ProblemCode.TOO_LONG, "must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        if (!wellFormed(text)) {
            // JSON lets "\ud800" through, but it is not Unicode: it cannot be stored, hashed or
            // forwarded faithfully (UTF-8 encoders replace it), so a key built from it would change.
            error(pointer, ProblemCode.INVALID_FORMAT, "contains an unpaired surrogate escape; it is not valid Unicode");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** Whether every surrogate in {@code text} is part of a proper pair. */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /** Like {@link #string} but records {@code required} when absent. */
    Optional<String> requiredString(JsonNode node, String pointer, int maxLength) {
        if (absent(node)) {
            error(pointer, ProblemCode.REQUIRED, "is required");
            return Optional.empty();
        }
        return string(node, pointer, maxLength);
    }

    /** An optional non-empty string without control characters. */
    Optional<String> token(JsonNode node, String pointer, int maxLength) {
        Optional<String> text = string(node, pointer, maxLength);
        if (text.isPresent() && !isCleanToken(text.get())) {
            error(pointer, ProblemCode.INVALID_FORMAT,
                    "must be non-blank and contain no control characters");
            return Optional.empty();
        }
        return text;
    }

    /**
     * Non-blank, and free of control characters: C0 and C1, the bidirectional controls (which
     * reorder how the id is shown, in logs, exports and consoles) and the line and paragraph
     * separators. Blank counts invisible characters (a no-break or zero-width space, a byte order
     * mark) as spaces, so that an id cannot look empty.
     */
    static boolean isCleanToken(String text) {
        return ink(text) == Ink.VISIBLE;
    }

    /**
     * True when {@code text} has nothing visible and no control character (as {@link #isCleanToken}
     * counts them): only spaces of any kind and invisible format characters (zero-width spaces, the
     * byte order mark). Such a value is blank where blank values are left out.
     */
    static boolean isInvisible(String text) {
        return ink(text) == Ink.INVISIBLE;
    }

    private enum Ink { CONTROL, INVISIBLE, VISIBLE }

    /** One pass for both checks above: a control character anywhere, else whether anything shows. */
    private static Ink ink(String text) {
        boolean visible = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || isBidiControl(c)
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return Ink.CONTROL;
            }
            visible |= !(Character.isWhitespace(c) || type == Character.SPACE_SEPARATOR || type == Character.FORMAT);
        }
        return visible ? Ink.VISIBLE : Ink.INVISIBLE;
    }

    /** U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069: Unicode's Bidi_Control characters. */
    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    Optional<Boolean> bool(JsonNode node, String pointer) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            error(pointer, ProblemCode.INVALID_TYPE, "must be true or false");
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    /** An optional object; empty when absent or not an object. */
    Optional<ObjectNode> object(JsonNode node, String pointer) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            error(pointer, ProblemCode.INVALID_TYPE, "must be an object");
            return Optional.empty();
        }
        return Optional.of((ObjectNode) node);
    }

    /** Warns about each key of {@code object} that is not in {@code known}. */
    void warnUnknownKeys(ObjectNode object, Set<String> known, String pointer) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            if (!known.contains(key)) {
                if (FieldProblem.showable(key)) {
                    warn(pointer + "/" + escape(key), ProblemCode.UNKNOWN_FIELD, "is not a known field and was ignored");
                } else {
                    warn(pointer, ProblemCode.UNKNOWN_FIELD,
                            "holds a key that is not a field name (not shown: it may be personal data); it was ignored");
                }
            }
        }
    }

    /**
     * The pointer to member {@code key} of the object at {@code parent}; the object's own pointer
     * when the key does not look like a field name ({@link FieldProblem#showable}), so that a key
     * that is personal data is never echoed.
     */
    static String member(String parent, String key) {
        return FieldProblem.member(parent, key);
    }

    /** Escapes a key for a JSON pointer as RFC 6901 requires: {@code ~} to {@code ~0}, {@code /} to {@code ~1}. */
    static String escape(String key) {
        return FieldProblem.segment(key);
    }
}
