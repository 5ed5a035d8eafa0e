package dev.sluice.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored outbox row: one destination's copy of an accepted event, as tests, admin and the
 * delivery engine read it.
 *
 * @param id            row id, increasing in insertion order and never reused
 * @param tenantId      the owning tenant
 * @param eventName     the event's name
 * @param eventId       the merchant's event id
 * @param destinationId the destination
 * @param state         {@code pending}, {@code delivered} or {@code dead}
 * @param attempts      delivery attempts so far
 * @param nextAttemptAt when the row is next due
 * @param payload       the sealed payload (copied in and out)
 * @param keyId         id of the data key that sealed the payload
 */
public record OutboxRow(long id, String tenantId, String eventName, String eventId, String destinationId,
                        String state, int attempts, Instant nextAttemptAt, byte[] payload, String keyId) {

    /** Copies the payload. */
    public OutboxRow {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(destinationId, "destinationId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        payload = Objects.requireNonNull(payload, "payload").clone();
        Objects.requireNonNull(keyId, "keyId");
    }

    /** Returns a copy of the sealed payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxRow r
                && id == r.id && attempts == r.attempts
                && tenantId.equals(r.tenantId) && eventName.equals(r.eventName) && eventId.equals(r.eventId)
                && destinationId.equals(r.destinationId) && state.equals(r.state)
                && nextAttemptAt.equals(r.nextAttemptAt) && Arrays.equals(payload, r.payload)
                && keyId.equals(r.keyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, tenantId, eventName, eventId, destinationId, state, attempts, nextAttemptAt,
                Arrays.hashCode(payload), keyId);
    }

    /** Everything but the payload bytes. */
    @Override
    public String toString() {
        return "OutboxRow[id=" + id + ", tenantId=" + tenantId + ", eventName=" + eventName + ", eventId=" + eventId
                + ", destinationId=" + destinationId + ", state=" + state + ", attempts=" + attempts
                + ", nextAttemptAt=" + nextAttemptAt + ", payload=" + payload.length + " bytes, keyId=" + keyId + "]";
    }
}
