package dev.sluice.config;

import java.time.Duration;

/**
 * Limits and windows of the ingest path.
 *
 * @param maxBodyBytes     largest accepted request body; larger bodies get 413
 * @param maxEvents        most events in one request
 * @param maxEventAge      oldest accepted {@code event_time}
 * @param maxFutureSkew    how far in the future an {@code event_time} may be
 * @param dedupWindow      how long an (event name, event id) pair counts as seen
 * @param commitMaxEvents  most events the group-commit writer puts in one transaction
 * @param maxInFlightBytes most request-body bytes being processed or waiting for their commit at
 *                         once; further requests wait, holding only their raw body (a request
 *                         larger than this runs alone)
 */
public record IngestSettings(long maxBodyBytes, int maxEvents, Duration maxEventAge, Duration maxFutureSkew,
                             Duration dedupWindow, int commitMaxEvents, long maxInFlightBytes) {
}
