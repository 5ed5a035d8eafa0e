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
 * @param bodyReadTimeout  longest a request body may take to arrive once its reading starts; a
 *                         slower one gets 408 and its connection is closed, so that a stalled
 *                         upload cannot hold the in-flight budget (and with it every other
 *                         request) for longer
 * @param maxBodyValues    most JSON values one request body may hold (its parsed tree costs the
 *                         heap tens of bytes per value, whatever the body's size); more get 400
 */
public record IngestSettings(long maxBodyBytes, int maxEvents, Duration maxEventAge, Duration maxFutureSkew,
                             Duration dedupWindow, int commitMaxEvents, long maxInFlightBytes,
                             Duration bodyReadTimeout, int maxBodyValues) {
    /** The largest {@link #maxBodyBytes} accepted: 1 GiB (a body is held as one array). */
    public static final long MAX_BODY_BYTES = 1L << 30;
    /** The default {@link #maxBodyValues}: about 130 values for each event of a full batch of 1000. */
    public static final int DEFAULT_BODY_VALUES = 131_072;
    /** The fewest {@link #maxBodyValues} accepted: room for one large event. */
    public static final int MIN_BODY_VALUES = 1_024;
    /** The shortest {@link #bodyReadTimeout} accepted. */
    public static final Duration MIN_BODY_READ_TIMEOUT = Duration.ofMillis(100);
    /** The longest {@link #bodyReadTimeout} accepted. */
    public static final Duration MAX_BODY_READ_TIMEOUT = Duration.ofMinutes(10);
}
