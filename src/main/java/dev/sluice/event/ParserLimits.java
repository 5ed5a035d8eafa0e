package dev.sluice.event;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds the event parser enforces.
 *
 * @param maxEvents       most events in one batch body
 * @param maxEventAge     oldest acceptable {@code event_time}, relative to the clock
 * @param maxFutureSkew   how far {@code event_time} may lie in the future (clock skew of the sender)
 * @param maxNestingDepth deepest nesting of objects and arrays in a body; the root object is depth 1
 * @param maxStringLength longest string (value or key) anywhere in a body, in UTF-16 code units
 * @param maxValues       most JSON values (objects, arrays, strings, numbers, literals; the root
 *                        included) in a body: the parsed tree costs the heap tens of bytes per
 *                        value, up to about fifty times the body's size for empty objects, so the
 *                        body-size limit alone does not bound it
 */
public record ParserLimits(int maxEvents,
                           Duration maxEventAge,
                           Duration maxFutureSkew,
                           int maxNestingDepth,
                           int maxStringLength,
                           int maxValues) {

    public ParserLimits {
        Objects.requireNonNull(maxEventAge, "maxEventAge");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1");
        }
        if (maxEventAge.isNegative() || maxEventAge.isZero()) {
            throw new IllegalArgumentException("maxEventAge must be positive");
        }
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must not be negative");
        }
        // A batch event's click ids sit at depth 5: root, events, event, user, click_ids.
        if (maxNestingDepth < 5) {
            throw new IllegalArgumentException("maxNestingDepth must be at least 5");
        }
        // Below the longest field limit (tcf, 4096) valid events would be rejected as malformed.
        if (maxStringLength < 4096) {
            throw new IllegalArgumentException("maxStringLength must be at least 4096");
        }
        if (maxValues < MIN_VALUES) {
            throw new IllegalArgumentException("maxValues must be at least " + MIN_VALUES);
        }
    }

    /** The fewest {@link #maxValues} accepted: room for one large event. */
    public static final int MIN_VALUES = 1024;
    /** The default {@link #maxValues}: 131,072, about 130 per event in a full batch of 1000. */
    public static final int DEFAULT_VALUES = 128 * 1024;

    /** 1000 events, 7 days of age, 5 minutes of skew, depth 16, strings up to 8192 characters, 131,072 values. */
    public static ParserLimits defaults() {
        return new ParserLimits(1000, Duration.ofDays(7), Duration.ofMinutes(5), 16, 8192, DEFAULT_VALUES);
    }
}
