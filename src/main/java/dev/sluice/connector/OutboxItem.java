package dev.sluice.connector;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One outbox row handed to a {@link Connector}: the decrypted canonical hashed event (payload
 * version 1) for one destination. The payload still holds personal data (hashes, client IP, user
 * agent, click ids), so {@link #toString()} leaves it out.
 *
 * @param id        outbox row id, unique per destination; keys {@link DeliveryOutcome.PerItem}
 * @param eventId   the event's id, forwarded so that platforms deduplicate retries
 * @param eventName the event's name
 * @param eventTime when the event happened; the delivery engine compares it with
 *                  {@link Connector#maxEventAge()} before the item reaches a connector
 * @param payload   the canonical hashed event; treat as read-only
 */
public record OutboxItem(long id, String eventId, String eventName, Instant eventTime, JsonNode payload) {
    public OutboxItem {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "OutboxItem[id=" + id + ", eventId=" + eventId + ", eventName=" + eventName
                + ", eventTime=" + eventTime + ", payload=<redacted>]";
    }
}
