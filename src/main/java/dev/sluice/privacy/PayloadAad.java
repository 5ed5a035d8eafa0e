package dev.sluice.privacy;

import java.nio.charset.StandardCharsets;

/**
 * The additional authenticated data that binds a sealed outbox payload to its row: tenant,
 * destination, event name and event id. Ingest seals with it and delivery opens with it, so it
 * lives in one place; a payload moved to another row, destination or tenant fails to open.
 */
public final class PayloadAad {
    private PayloadAad() {
    }

    /** The AAD bytes for one outbox row. */
    public static byte[] of(String tenantId, String destinationId, String eventName, String eventId) {
        return (tenantId + '\n' + destinationId + '\n' + eventName + '\n' + eventId).getBytes(StandardCharsets.UTF_8);
    }
}
