package dev.sluice.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * One destination in the admin view: a configured one, or one no longer configured whose id still
 * holds pending copies or dead letters.
 *
 * @param destinationId      the destination's id
 * @param configured         whether the tenant's configuration has it; one that does not (removed)
 *                           is listed while it holds rows, which nothing delivers
 * @param type               its platform type; empty when it is not configured (the rows do not say)
 * @param connectorAvailable whether Sluice delivers this type yet; if not, its rows stay pending
 * @param pending            rows not yet delivered or dead-lettered
 * @param oldestPendingAge   how long the oldest pending row has waited since commit
 * @param dead               dead letters
 * @param status             the dispatcher's live state, when one runs
 */
public record DestinationView(String destinationId, boolean configured, String type, boolean connectorAvailable, long pending,
                              Optional<Duration> oldestPendingAge, long dead, Optional<DestinationStatus> status) {
}
