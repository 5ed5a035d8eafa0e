package dev.sluice.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds events for the store tests. Payloads are deterministic and binary (all byte values). */
final class TestEvents {

    static final Instant T0 = Instant.parse("2026-11-28T10:15:00Z");
    static final Duration WINDOW = Duration.ofHours(48);
    static final String NAME = "Purchase";

    private TestEvents() {
    }

    static EventRecord event(String tenant, String eventId, String... destinations) {
        return event(tenant, eventId, T0, destinations);
    }

    static EventRecord event(String tenant, String eventId, Instant receivedAt, String... destinations) {
        List<OutboxRecord> outbox = new ArrayList<>();
        for (String destination : destinations) {
            outbox.add(new OutboxRecord(destination, payload(tenant, eventId, destination), "key-1"));
        }
        return new EventRecord(tenant, NAME, eventId, receivedAt.minusSeconds(5), receivedAt,
                receivedAt.plus(WINDOW), outbox);
    }

    /** Every byte value, then a readable tag: shows that binary payloads survive intact. */
    static byte[] payload(String tenant, String eventId, String destination) {
        byte[] tag = (tenant + "/" + eventId + "/" + destination).getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[256 + tag.length];
        for (int i = 0; i < 256; i++) {
            payload[i] = (byte) i;
        }
        System.arraycopy(tag, 0, payload, 256, tag.length);
        return payload;
    }
}
