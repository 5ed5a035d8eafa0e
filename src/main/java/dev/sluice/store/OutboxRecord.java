package dev.sluice.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One destination's copy of an accepted event, to be written to the outbox in the same
 * transaction as the event.
 *
 * <p>The payload is already sealed (AES-GCM) by the caller; the store treats it as opaque bytes
 * and never logs or prints it. The array is copied on the way in and on the way out, so neither
 * side can change the other's copy.
 *
 * @param destinationId the tenant's destination this copy goes to, e.g. {@code "meta"}
 * @param payload       the sealed payload
 * @param keyId         id of the data key that sealed the payload, for key rotation
 */
public record OutboxRecord(String destinationId, byte[] payload, String keyId) {

    /** Validates and copies the payload. */
    public OutboxRecord {
        Records.requireText(destinationId, "destinationId");
        payload = Objects.requireNonNull(payload, "payload").clone();
        Records.requireText(keyId, "keyId");
    }

    /** Returns a copy of the sealed payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Reads the payload without copying; the store only binds it to a statement. */
    byte[] payloadUnsafe() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxRecord other
                && destinationId.equals(other.destinationId)
                && Arrays.equals(payload, other.payload)
                && keyId.equals(other.keyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destinationId, Arrays.hashCode(payload), keyId);
    }

    /** Names the destination and key, never the payload bytes. */
    @Override
    public String toString() {
        return "OutboxRecord[destinationId=" + destinationId + ", payload=" + payload.length
                + " bytes, keyId=" + keyId + "]";
    }
}
