package dev.sluice.event;

/**
 * Every machine-readable code the event parser can emit, in one place. The {@link #code()} strings
 * are part of the public API: merchants branch on them, so they never change once released.
 *
 * <p>Most codes are errors that reject an event (or, for the body-level ones, the whole request).
 * {@link #UNKNOWN_FIELD} and {@link #CASE_MISMATCH} are warnings on an event: it is still accepted.
 */
public enum ProblemCode {
    /** A required field is missing or {@code null}, or another field present requires it. */
    REQUIRED,
    /** The JSON type is wrong, e.g. a number where a string is expected. */
    INVALID_TYPE,
    /** A string does not have the expected syntax (event name, time, IP address, privacy string ...). */
    INVALID_FORMAT,
    /** A string is longer than the field allows, or (body level) than any string may be. */
    TOO_LONG,
    /** A number or a count is outside the allowed range. */
    OUT_OF_RANGE,
    /** {@code event_time} lies further in the future than the allowed clock skew. */
    IN_FUTURE,
    /** {@code event_time} is older than the maximum event age. */
    TOO_OLD,
    /** A string is not one of the allowed values (action source, consent flag ...). */
    UNKNOWN_VALUE,
    /** Warning: a key Sluice does not know was ignored. In the batch envelope it is an error. */
    UNKNOWN_FIELD,
    /** Warning: a custom event name differs from a standard one only in case; it stays custom. */
    CASE_MISMATCH,
    /** {@code custom.currency} is not an ISO 4217 code known to the JDK. */
    INVALID_CURRENCY,
    /** {@code event_source_url} is not an absolute http(s) URL without user info. */
    INVALID_URL,
    /** A click id does not have its platform's syntax. */
    INVALID_CLICK_ID,
    /** An array or object has more entries than allowed. */
    TOO_MANY,
    /** The same value appears twice in a list that must hold distinct values. */
    DUPLICATE_VALUE,
    /** Body level: not UTF-8 JSON, trailing content, or not of the expected shape. */
    MALFORMED_JSON,
    /** Body level: an object has the same key twice. */
    DUPLICATE_KEY,
    /** Body level: nesting deeper than the limit. */
    TOO_DEEP,
    /**
     * A warning: {@code custom.value} is above the largest amount the ROAS ledger books
     * ({@link CustomData#LEDGER_MAX_AMOUNT}); the event is delivered with it as sent.
     */
    BEYOND_LEDGER,
    /**
     * Not a problem of its own: an event had more errors, or more warnings, than an answer lists
     * (20 of each); this entry, at the event's pointer, says how many more there were.
     */
    MORE_PROBLEMS;

    private final String code = name().toLowerCase(java.util.Locale.ROOT);

    /** The stable snake_case wire code, e.g. {@code invalid_format}. */
    public String code() {
        return code;
    }
}
