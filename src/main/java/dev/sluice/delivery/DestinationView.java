package dev.sluice.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * One destination in the admin view.
 *
 * @param destinationId      the destination's id
 * @param type               its platform type
 * @param connectorAvailable whether Sluice delivers this type yet; if not, its rows stay pending
 * @param pending            rows not yet delivered or dead-lettered
 * @param oldestPendingAge   how long the oldest pending row has waited since commit
 * @param dead               dead letters
 * @param status             the dispatcher's live state, when one runs
 */
public record DestinationView(String destinationId, String type, boolean connectorAvailable, long pending,
                              Optional<Duration> oldestPendingAge, long dead, Optional<DestinationStatus> status) {
}
