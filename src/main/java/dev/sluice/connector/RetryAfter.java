package dev.sluice.connector;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds or an
 * HTTP-date. Shared by connectors so every platform's answer is read the same way.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    /**
     * The delay the header asks for, measured from {@code now} for the date form.
     *
     * @param header the header value, if the response had one
     * @param now    the current instant, from the connector's injected clock
     * @return the delay, zero when the date has passed, or empty when the header is absent or
     *         unreadable (a malformed header must not turn a retry into a failure)
     */
    public static Optional<Duration> parse(Optional<String> header, Instant now) {
        return header.map(String::strip).filter(s -> !s.isEmpty()).flatMap(value -> parse(value, now));
    }

    private static Optional<Duration> parse(String value, Instant now) {
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // more digits than a long holds
            }
        }
        try {
            // RFC_1123_DATE_TIME also reads the IMF-fixdate form servers send ("Sun, 06 Nov 1994 08:49:37 GMT").
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration delay = Duration.between(now, at);
            return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
