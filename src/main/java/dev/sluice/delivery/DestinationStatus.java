package dev.sluice.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A dispatcher's live state, for the destinations admin view. Reasons name statuses and codes,
 * never payload values.
 *
 * @param circuitState   the circuit breaker's state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN})
 * @param lastError      the last retry, rejection or unhealthy reason
 * @param lastErrorAt    when it happened
 * @param unhealthy      why the destination is paused, while it is
 * @param pausedUntil    when an unhealthy destination is checked again
 * @param lastLatency    commit-to-acknowledgement time of the last delivered row
 * @param lastDeliveredAt when the last row was delivered
 */
public record DestinationStatus(String circuitState, Optional<String> lastError, Optional<Instant> lastErrorAt,
                                Optional<String> unhealthy, Optional<Instant> pausedUntil,
                                Optional<Duration> lastLatency, Optional<Instant> lastDeliveredAt) {

    /**
     * {@code unhealthy} while paused; {@code failing} when the last thing that happened was a
     * failure (an error after the last delivery, or errors and no delivery yet); else {@code ok}.
     * Until session 40 the view said {@code ok} whenever the destination was not paused: with
     * every attempt failing on a refused connection, and next to a last error long since cured.
     */
    public String health() {
        if (unhealthy.isPresent()) {
            return "unhealthy";
        }
        boolean failedLast = lastErrorAt.isPresent()
                && (lastDeliveredAt.isEmpty() || lastErrorAt.get().isAfter(lastDeliveredAt.get()));
        return failedLast ? "failing" : "ok";
    }
}
