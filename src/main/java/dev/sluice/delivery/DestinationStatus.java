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
 */
public record DestinationStatus(String circuitState, Optional<String> lastError, Optional<Instant> lastErrorAt,
                                Optional<String> unhealthy, Optional<Instant> pausedUntil,
                                Optional<Duration> lastLatency) {
}
