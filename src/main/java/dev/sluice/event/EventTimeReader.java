package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code event_time}: an ISO-8601 instant with {@code Z} or an offset (fractions allowed), or
 * whole unix seconds as a JSON integer or a string of digits. It must lie within the allowed age
 * and clock skew of the injected clock.
 */
final class EventTimeReader {

    static final String POINTER = "/event_time";

    // The shape is checked first so that only well-shaped input reaches java.time, whose parser
    // reports failure by exception; java.time then rejects impossible dates such as 02-30.
    private static final Pattern ISO_INSTANT = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");
    private static final String FORMAT_MESSAGE =
            "must be an ISO-8601 instant with offset, e.g. 2026-11-28T10:15:00Z, or unix seconds";

    private final ParserLimits limits;
    private final InstantSource clock;

    EventTimeReader(ParserLimits limits, InstantSource clock) {
        this.limits = limits;
        this.clock = clock;
    }

    Optional<Instant> read(JsonNode node, FieldReader fields) {
        if (FieldReader.absent(node)) {
            fields.error(POINTER, ProblemCode.REQUIRED, "is required");
            return Optional.empty();
        }
        if (node.isTextual()) {
            return fromText(node.textValue(), fields);
        }
        if (node.isIntegralNumber()) {
            // Beyond a long is certainly outside the window; its sign says which side.
            if (!node.canConvertToLong()) {
                return inWindow(node.bigIntegerValue().signum() > 0 ? Instant.MAX : Instant.MIN, false, fields);
            }
            return fromSeconds(node.longValue(), fields);
        }
        if (node.isNumber()) {
            fields.error(POINTER, ProblemCode.INVALID_FORMAT, "unix seconds must be a whole number");
            return Optional.empty();
        }
        fields.error(POINTER, ProblemCode.INVALID_TYPE, "must be a string or an integer");
        return Optional.empty();
    }

    private Optional<Instant> fromText(String text, FieldReader fields) {
        if (DIGITS.matcher(text).matches()) {
            try {
                return fromSeconds(Long.parseLong(text), fields);
            } catch (NumberFormatException tooBig) {
                return inWindow(Instant.MAX, false, fields);
            }
        }
        if (!ISO_INSTANT.matcher(text).matches()) {
            fields.error(POINTER, ProblemCode.INVALID_FORMAT, FORMAT_MESSAGE);
            return Optional.empty();
        }
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return inWindow(instant, false, fields);
        } catch (DateTimeException impossibleDate) {
            fields.error(POINTER, ProblemCode.INVALID_FORMAT, FORMAT_MESSAGE);
            return Optional.empty();
        }
    }

    private Optional<Instant> fromSeconds(long seconds, FieldReader fields) {
        if (seconds > Instant.MAX.getEpochSecond()) {
            return inWindow(Instant.MAX, true, fields);
        }
        if (seconds < Instant.MIN.getEpochSecond()) {
            return inWindow(Instant.MIN, true, fields);
        }
        return inWindow(Instant.ofEpochSecond(seconds), true, fields);
    }

    private Optional<Instant> inWindow(Instant time, boolean unixSeconds, FieldReader fields) {
        Instant now = clock.instant();
        if (time.isAfter(now.plus(limits.maxFutureSkew()))) {
            // A very common mistake is sending JavaScript's Date.now() milliseconds.
            String hint = unixSeconds && looksLikeMillis(time, now) ? "; it looks like milliseconds, send seconds" : "";
            fields.error(POINTER, ProblemCode.IN_FUTURE,
                    "must not be more than " + limits.maxFutureSkew().toSeconds() + " seconds in the future" + hint);
            return Optional.empty();
        }
        if (time.isBefore(now.minus(limits.maxEventAge()))) {
            fields.error(POINTER, ProblemCode.TOO_OLD,
                    "must not be older than " + spelt(limits.maxEventAge()));
            return Optional.empty();
        }
        return Optional.of(time);
    }

    /**
     * The age limit in the largest unit it is a whole number of, hours at most ("168 hours"):
     * in hours alone, a max-event-age of 30m read "must not be older than 0 hours".
     */
    static String spelt(java.time.Duration age) {
        if (age.toSeconds() % 3600 == 0 && age.getNano() == 0) {
            return age.toHours() + " hours";
        }
        if (age.toSeconds() % 60 == 0 && age.getNano() == 0) {
            return age.toMinutes() + " minutes";
        }
        return age.toSeconds() + " seconds";
    }

    private static boolean looksLikeMillis(Instant time, Instant now) {
        long asSeconds = time.getEpochSecond() / 1000;
        return Math.abs(asSeconds - now.getEpochSecond()) < 366L * 24 * 3600;
    }
}
