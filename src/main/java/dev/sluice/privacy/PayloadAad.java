package dev.sluice.privacy;

import java.nio.charset.StandardCharsets;

/**
 * The additional authenticated data that binds a sealed outbox payload to its row: tenant,
 * destination, event name and event id. Ingest seals with it and delivery opens with it, so it
 * lives in one place; a payload moved to another row, destination or tenant fails to open.
 */
public final class PayloadAad {
    /** What stands for the destination in a shared part's AAD. */
    public static final String SHARED = "*";

    private PayloadAad() {
    }

    /** The AAD bytes for one outbox row. */
    public static byte[] of(String tenantId, String destinationId, String eventName, String eventId) {
        return (tenantId + '\n' + destinationId + '\n' + eventName + '\n' + eventId).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The AAD of the part an event's copies share ({@link PayloadParts}): the destination's place
     * holds {@code *}, which no destination id can be.
     */
    public static byte[] shared(String tenantId, String eventName, String eventId) {
        return of(tenantId, SHARED, eventName, eventId);
    }
}
