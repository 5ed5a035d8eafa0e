package dev.sluice.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the destinations view says of a destination's health (it said "ok" whenever it was not paused, until session 40). */
class DestinationStatusTest {
    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void healthFollowsWhatHappenedLast() {
        assertEquals("ok", status(null, null, null).health());
        assertEquals("failing", status(T, null, null).health(), "errors and no delivery yet");
        assertEquals("failing", status(T.plusSeconds(1), T, null).health(), "an error after the last delivery");
        assertEquals("ok", status(T, T.plusSeconds(1), null).health(), "delivered since the last error");
        assertEquals("unhealthy", status(T, T.plusSeconds(1), "webhook: HTTP 401").health(), "paused");
    }

    private static DestinationStatus status(Instant lastErrorAt, Instant lastDeliveredAt, String unhealthy) {
        return new DestinationStatus("CLOSED", Optional.ofNullable(lastErrorAt).map(t -> "webhook: HTTP 500"),
                Optional.ofNullable(lastErrorAt), Optional.ofNullable(unhealthy), Optional.empty(), Optional.empty(),
                Optional.ofNullable(lastDeliveredAt));
    }
}
