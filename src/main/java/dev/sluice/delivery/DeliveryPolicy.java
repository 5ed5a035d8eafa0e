package dev.sluice.delivery;

import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import io.github.resilience4j.core.IntervalFunction;

import java.time.Duration;

/**
 * How one destination is delivered to: timeouts, the retry budget, backoff, pacing and the
 * circuit breaker. Read from the destination's {@code settings} beside the connector's own keys
 * (unknown keys are ignored by both), with defaults that suit a conversion API.
 *
 * @param connectTimeout     {@code connect-timeout}: TCP and TLS handshake
 * @param readTimeout        {@code read-timeout}: the whole response; defaults to the connector's
 * @param maxAttempts        {@code retry-max-attempts}: sends of one row before it is dead-lettered
 * @param maxRetryAge        {@code retry-max-age}: how long after commit a row may still be retried
 * @param initialBackoff     {@code retry-initial-backoff}: first retry delay (then doubling, with jitter)
 * @param maxBackoff         {@code retry-max-backoff}: the largest retry delay
 * @param requestsPerSecond  {@code rate-limit-per-second}: requests to this destination per second
 * @param unhealthyRecheck   {@code unhealthy-recheck}: pause after credentials or configuration failed
 * @param circuitOpenFor     {@code circuit-open-duration}: how long an open circuit sends nothing
 * @param idlePoll           {@code poll-interval}: how often an idle dispatcher looks for due rows
 * @param bisectMaxRequests  {@code bisect-max-requests}: requests one request's events may cost while
 *                           they are split after a whole-batch rejection; what is still unresolved
 *                           then is dead-lettered
 * @param dispatchers        {@code dispatchers}: dispatchers this process runs for the destination,
 *                           each claiming its own batches, so that several requests are in flight
 *                           at once (for platforms that take one user, or few events, per request);
 *                           they share the destination's rate limiter and circuit breaker
 * @param maxRequestBytes    {@code max-request-bytes}: stored payload bytes one request carries at
 *                           most. A dispatcher's next claim asks for as many rows as fit at the
 *                           sizes it last saw (up to the connector's batch size), and a claimed
 *                           batch over the bound goes out as several requests in the same round (a
 *                           single larger event still goes, alone). It bounds what a round holds on
 *                           the heap: its stored payloads, and the platform's request body while it
 *                           is sent (docs/benchmarks.md, Delivery, session 13)
 */
record DeliveryPolicy(Duration connectTimeout, Duration readTimeout, int maxAttempts, Duration maxRetryAge,
                      Duration initialBackoff, Duration maxBackoff, int requestsPerSecond, Duration unhealthyRecheck,
                      Duration circuitOpenFor, Duration idlePoll, int bisectMaxRequests, int dispatchers,
                      int maxRequestBytes) {

    /**
     * {@code max-request-bytes} unless set: 1 MiB, about 850 events of 1.2 KB stored. A quarter of
     * it made delivery fall behind 3,000 events/s on a slow machine (each round also costs a claim
     * and a settlement); rounds of 1000 made a fifth more full collections (docs/benchmarks.md).
     */
    static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    /** Randomization of each backoff interval: ±50 %, so retries of many rows spread out. */
    static final double JITTER = 0.5;

    /** Reads the policy; errors name the key, e.g. {@code ...destinations.0.settings.retry-max-attempts}. */
    static DeliveryPolicy from(ConnectorSettings s, Connector connector) {
        Duration ms = Duration.ofMillis(1);
        Duration day = Duration.ofDays(1);
        return new DeliveryPolicy(
                s.duration("connect-timeout", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(1)),
                s.duration("read-timeout", connector.requestTimeout(), Duration.ofMillis(100), Duration.ofMinutes(5)),
                s.integer("retry-max-attempts", 15, 1, 1000),
                s.duration("retry-max-age", day, Duration.ofMinutes(1), Duration.ofDays(30)),
                s.duration("retry-initial-backoff", Duration.ofSeconds(1), ms, Duration.ofHours(1)),
                s.duration("retry-max-backoff", Duration.ofMinutes(15), ms, day),
                s.integer("rate-limit-per-second", 50, 1, 100_000),
                s.duration("unhealthy-recheck", Duration.ofMinutes(5), Duration.ofSeconds(1), day),
                s.duration("circuit-open-duration", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
                s.duration("poll-interval", Duration.ofMillis(200), Duration.ofMillis(10), Duration.ofMinutes(1)),
                // 64: three poison events among 1000 are still isolated (about 21 requests each),
                // while a batch of bad events no longer costs 2n - 1 requests.
                s.integer("bisect-max-requests", 64, 1, 10_000),
                s.integer("dispatchers", 1, 1, 16),
                s.integer("max-request-bytes", DEFAULT_MAX_REQUEST_BYTES, 1024, 64 * 1024 * 1024));
    }

    /**
     * The longest one request can take from start to answer: connect, then the read timeout
     * (which the JDK client applies until the response headers), plus a second for the body and
     * for clock skew between replicas.
     */
    Duration requestBound() {
        return connectTimeout.plus(readTimeout).plusSeconds(1);
    }

    /** Exponential backoff with jitter over attempts 1, 2, 3, ... ({@link #backoffMillis}). */
    IntervalFunction backoff() {
        return attempt -> backoffMillis(attempt, java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The delay before retry {@code attempt} (1, 2, 3, ...) for a uniform draw {@code random} in
     * [0, 1): the base {@code retry-initial-backoff · 2^(attempt − 1)}, capped at
     * {@code retry-max-backoff}, then spread over [base − 50 %, base + 50 %] and cut at
     * {@code retry-max-backoff}, which no delay exceeds. Capped first, then spread: resilience4j's
     * exponential random backoff clamps after randomising, so from about the 11th attempt on (with
     * the defaults) every draw above the cap came out as the cap exactly, and rows that failed
     * together retried in lock-step every 15 minutes (until session 40). Now a capped retry waits
     * anywhere from half of {@code retry-max-backoff} to all of it.
     */
    long backoffMillis(int attempt, double random) {
        double max = maxBackoff.toMillis();
        // 2^62 is past any cap (a day is 2^26 ms), and keeps the power finite.
        double base = Math.min(max, initialBackoff.toMillis() * Math.pow(2.0, Math.min(62, Math.max(0, attempt - 1))));
        double low = base * (1 - JITTER);
        double high = Math.min(max, base * (1 + JITTER));
        return Math.max(1, Math.round(low + (high - low) * random));
    }

    /**
     * How long a claim is leased: long enough for a whole bisection of the largest batch at the
     * read timeout (about 2·log2(n) requests). The sender starts no request that could outlast the
     * lease (see {@link #requestBound()}) and releases what is left instead, so a batch still in
     * flight is never re-claimed and re-sent by another replica.
     */
    Duration lease(int maxBatchSize) {
        int requests = 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, maxBatchSize))) + 2;
        Duration bisection = readTimeout.plus(connectTimeout).multipliedBy(requests);
        return bisection.compareTo(Duration.ofMinutes(2)) > 0 ? bisection : Duration.ofMinutes(2);
    }
}
