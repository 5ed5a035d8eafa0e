package dev.sluice.delivery;

import dev.sluice.privacy.PayloadAad;
import dev.sluice.privacy.PayloadParts;
import dev.sluice.privacy.SealedDataException;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.StoredPayload;

import java.io.IOException;

/** Opens a destination's stored copy of an event: sealed whole, or in a shared and an own part ({@link StoredPayload}). */
public final class StoredCopies {
    private StoredCopies() {
    }

    /**
     * The payload (version 2, {@link dev.sluice.privacy.PayloadFormat}) of {@code stored}, the copy
     * of event {@code eventName}/{@code eventId} for {@code destinationId}.
     *
     * @throws SealedDataException when a part does not open (key, tampering, another row's part)
     * @throws IOException         when a joined copy or a part is cut short
     */
    public static byte[] open(TenantCrypto crypto, String tenantId, String destinationId, String eventName,
                              String eventId, byte[] stored) throws IOException {
        byte[] aad = PayloadAad.of(tenantId, destinationId, eventName, eventId);
        if (!StoredPayload.isJoined(stored)) {
            return crypto.open(stored, aad);
        }
        int sharedLength = StoredPayload.sharedLength(stored);
        if (sharedLength < 0) {
            throw new IOException("joined payload cut short");
        }
        // Both parts are opened where they lie, without copying them out.
        int ownAt = StoredPayload.SHARED_AT + sharedLength;
        byte[] shared = crypto.open(stored, StoredPayload.SHARED_AT, sharedLength,
                PayloadAad.shared(tenantId, eventName, eventId));
        return PayloadParts.splice(shared, crypto.open(stored, ownAt, stored.length - ownAt, aad));
    }
}
