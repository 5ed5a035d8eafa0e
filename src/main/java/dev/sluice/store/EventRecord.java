package dev.sluice.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An accepted event to commit: its dedup key, its times and one outbox record per destination.
 *
 * <p>The dedup key is {@code (tenantId, eventName, eventId)}. It holds from {@code receivedAt}
 * until, and excluding, {@code dedupUntil}: an event received at or after an existing key's
 * {@code dedupUntil} is accepted again. Contains no personal data; times are stored with
 * millisecond precision.
 *
 * @param tenantId   the tenant that posted the event
 * @param eventName  the event name, part of the dedup key
 * @param eventId    the merchant's event id, part of the dedup key
 * @param eventTime  when the event happened, as the merchant reported it
 * @param receivedAt when Sluice received it; also the outbox rows' first due time
 * @param dedupUntil end of the dedup window, not before {@code receivedAt}
 * @param outbox     one record per destination (distinct destinations), possibly none
 * @param companions rows other capabilities write with the event (audit, ledger), possibly none
 */
public record EventRecord(String tenantId, String eventName, String eventId, Instant eventTime,
                          Instant receivedAt, Instant dedupUntil, List<OutboxRecord> outbox,
                          List<Companion> companions) {

    /** An event without companion rows. */
    public EventRecord(String tenantId, String eventName, String eventId, Instant eventTime,
                       Instant receivedAt, Instant dedupUntil, List<OutboxRecord> outbox) {
        this(tenantId, eventName, eventId, eventTime, receivedAt, dedupUntil, outbox, List.of());
    }

    /** Validates the record; the outbox list is copied. */
    public EventRecord {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(eventName, "eventName");
        Records.requireText(eventId, "eventId");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(dedupUntil, "dedupUntil");
        if (dedupUntil.isBefore(receivedAt)) {
            throw new IllegalArgumentException("dedupUntil must not be before receivedAt");
        }
        outbox = List.copyOf(outbox);
        companions = List.copyOf(companions);
        // Two copies for one destination would be delivered twice; lists are tiny, so a nested
        // loop beats allocating a set for every event.
        for (int i = 0; i < outbox.size(); i++) {
            for (int j = i + 1; j < outbox.size(); j++) {
                if (outbox.get(i).destinationId().equals(outbox.get(j).destinationId())) {
                    throw new IllegalArgumentException("outbox[" + j + "] repeats destinationId of outbox[" + i + "]");
                }
            }
        }
    }
}
