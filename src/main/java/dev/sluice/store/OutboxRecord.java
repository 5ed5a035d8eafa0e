package dev.sluice.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One destination's copy of an accepted event, to be written to the outbox in the same
 * transaction as the event.
 *
 * <p>The payload is already sealed (AES-GCM) by the caller; the store treats it as opaque bytes
 * and never logs or prints it. The constructor copies the array on the way in and
 * {@link #payload()} on the way out, so neither side can change the other's copy; ingest, which
 * seals a fresh array per row and never touches it again, hands it over with {@link #sealed}
 * instead of paying for a copy of every payload.
 */
public final class OutboxRecord {
    private final String destinationId;
    private final byte[] payload;
    private final String keyId;

    /**
     * @param destinationId the tenant's destination this copy goes to, e.g. {@code "meta"}
     * @param payload       the sealed payload (copied)
     * @param keyId         id of the data key that sealed the payload, for key rotation
     */
    public OutboxRecord(String destinationId, byte[] payload, String keyId) {
        this(destinationId, Objects.requireNonNull(payload, "payload").clone(), keyId, true);
    }

    private OutboxRecord(String destinationId, byte[] payload, String keyId, boolean handedOver) {
        this.destinationId = Records.requireText(destinationId, "destinationId");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.keyId = Records.requireText(keyId, "keyId");
    }

    /** Takes {@code payload} without copying it: the caller gives it up and must not change it. */
    public static OutboxRecord sealed(String destinationId, byte[] payload, String keyId) {
        return new OutboxRecord(destinationId, payload, keyId, true);
    }

    public String destinationId() {
        return destinationId;
    }

    /** Returns a copy of the sealed payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public String keyId() {
        return keyId;
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
