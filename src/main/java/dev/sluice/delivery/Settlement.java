package dev.sluice.delivery;

import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.OutboxItem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What became of each item of one claimed batch, collected while it is sent (and bisected), then
 * written to the store by the dispatcher in one call per kind.
 */
final class Settlement {

    /** An item (by outbox row id) to send again later, at the platform's {@code Retry-After} if it gave one. */
    record Retry(long id, String reason, Optional<Duration> retryAfter) {
    }

    /** An item to dead-letter; {@code attempted} when it was sent (counts an attempt). */
    record Dead(long id, String reason, Optional<String> platformCode, boolean attempted, DeadCause cause) {
    }

    /** Why an item was dead-lettered, as a bounded metric tag. */
    enum DeadCause {
        REJECTED, BISECT_BUDGET, TOO_OLD, UNMAPPABLE, UNREADABLE, BUDGET_EXHAUSTED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    // Settlement keeps row ids, not the items: an item holds its opened payload, which would
    // otherwise stay reachable until the dispatcher settles, past the next round's send.
    /** Ids of the delivered items. */
    final List<Long> delivered = new ArrayList<>();
    final List<Retry> retries = new ArrayList<>();
    final List<Dead> dead = new ArrayList<>();
    /** Items handed back untouched: the destination is unhealthy, the circuit opened, or shutdown. */
    final List<Long> released = new ArrayList<>();
    private Optional<String> unhealthy = Optional.empty();
    private boolean halted;
    int requests;
    /** The last whole-batch rejection, while a request's items are being bisected. */
    DeliveryOutcome.Rejected lastRejection;
    /** Time spent waiting for rate-limiter permits. */
    Duration rateLimitWait = Duration.ZERO;

    void release(List<OutboxItem> items) {
        items.forEach(i -> released.add(i.id()));
    }

    /** Stops sending the rest of the batch; {@code unhealthyReason} when the destination is at fault. */
    void halt(Optional<String> unhealthyReason) {
        halted = true;
        if (unhealthyReason.isPresent()) {
            unhealthy = unhealthyReason;
        }
    }

    boolean halted() {
        return halted;
    }

    Optional<String> unhealthy() {
        return unhealthy;
    }
}
