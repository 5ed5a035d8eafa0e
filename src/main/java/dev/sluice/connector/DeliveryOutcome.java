package dev.sluice.connector;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of a batch, as read by {@link Connector#interpret} or
 * {@link Connector#onTransportError}. Reasons name statuses, codes and field names, never
 * payload values: they end up in dead letters, logs and the admin API.
 */
public sealed interface DeliveryOutcome {

    /**
     * The platform accepted every item of the batch. The engine marks the rows delivered and
     * purges their payloads.
     *
     * @param remoteRef the platform's reference for the request (e.g. Meta's {@code fbtrace_id})
     */
    record Delivered(Optional<String> remoteRef) implements DeliveryOutcome {
        public Delivered {
            Objects.requireNonNull(remoteRef, "remoteRef");
        }
    }

    /**
     * A temporary failure (throttling, 5xx, timeout). The engine tries the same items again after
     * its backoff, and not before {@code retryAfter} when the platform said so.
     *
     * @param reason     why, for logs and, once attempts run out, the dead letter
     * @param retryAfter the platform's requested delay, if it gave one
     */
    record RetryLater(String reason, Optional<Duration> retryAfter) implements DeliveryOutcome {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * The platform refused the batch for good. With one item the engine dead-letters it; with
     * several it may split the batch and send the halves, because platforms such as Meta reject a
     * whole batch for one bad event.
     *
     * @param reason       why, stored with the dead letter
     * @param platformCode the platform's error code, in a form documented by the connector
     */
    record Rejected(String reason, Optional<String> platformCode) implements DeliveryOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(platformCode, "platformCode");
        }
    }

    /**
     * Separate outcomes per outbox row, for platforms that report partial success. Every item of
     * the batch has an entry; no entry is itself a {@code PerItem}.
     *
     * @param outcomes outcome per {@link OutboxItem#id()}
     */
    record PerItem(Map<Long, DeliveryOutcome> outcomes) implements DeliveryOutcome {
        public PerItem {
            outcomes = Map.copyOf(outcomes);
            if (outcomes.values().stream().anyMatch(PerItem.class::isInstance)) {
                throw new IllegalArgumentException("PerItem outcomes must not nest");
            }
        }
    }

    /**
     * The destination itself is broken: credentials revoked or expired, permission withdrawn, an
     * endpoint that redirects. Nothing is dead-lettered and no attempt is counted against the
     * items; the engine pauses the destination until an operator fixes its configuration.
     *
     * @param reason what to fix
     */
    record Unhealthy(String reason) implements DeliveryOutcome {
        public Unhealthy {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The outcome an HTTP status alone implies, for platforms whose body adds nothing (signed
     * webhooks) and as the fallback when a platform's error body cannot be read.
     *
     * <ul>
     *   <li>2xx: delivered;</li>
     *   <li>408, 425, 429, 5xx: retry later, honouring {@code retryAfter};</li>
     *   <li>401, 403: unhealthy (credentials), since retrying or dead-lettering would not help;</li>
     *   <li>other 4xx: rejected;</li>
     *   <li>anything else (1xx, 3xx): unhealthy, since a conversion endpoint that redirects a
     *       POST is misconfigured and every further request would fail the same way.</li>
     * </ul>
     *
     * @param platform   prefix for the reason, e.g. {@code "webhook"}
     * @param status     the HTTP status
     * @param retryAfter the parsed {@code Retry-After} header, if any
     */
    static DeliveryOutcome fromStatus(String platform, int status, Optional<Duration> retryAfter) {
        String reason = platform + ": HTTP " + status;
        if (status >= 200 && status < 300) {
            return new Delivered(Optional.empty());
        }
        if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
            return new RetryLater(reason, retryAfter);
        }
        if (status == 401 || status == 403) {
            return new Unhealthy(reason + " (check the destination's credentials)");
        }
        if (status >= 400 && status < 500) {
            return new Rejected(reason, Optional.empty());
        }
        return new Unhealthy(reason + " (unexpected status; check the destination's URL)");
    }
}
