package dev.sluice.connector;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2025-11-28T10:20:00Z");

    @Test
    void delaySeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse(Optional.of(" 120 "), NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse(Optional.of("0"), NOW));
    }

    @Test
    void httpDate_isMeasuredFromTheInjectedNow() {
        assertEquals(Optional.of(Duration.ofSeconds(90)),
                RetryAfter.parse(Optional.of("Fri, 28 Nov 2025 10:21:30 GMT"), NOW));
    }

    @Test
    void httpDateInThePast_meansNow() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse(Optional.of("Fri, 28 Nov 2025 10:00:00 GMT"), NOW));
    }

    @Test
    void absentOrUnreadable_isEmpty() {
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.empty(), NOW));
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.of(""), NOW));
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.of("-5"), NOW));
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.of("soon"), NOW));
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.of("99999999999999999999999"), NOW));
    }
}
