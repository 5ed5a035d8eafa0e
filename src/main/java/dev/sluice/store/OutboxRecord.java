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
 *
 * <p>A copy may have a shared part: sealed once for all copies of its event that share it, and
 * stored once per event in the delivery log ({@link StoredPayload}). Copies of one event share
 * the same array.
 */
public final class OutboxRecord {
    private final String destinationId;
    private final byte[] payload;
    private final String keyId;
    /** The sealed part this copy shares with the event's other copies, or null. */
    private final byte[] shared;

    /**
     * @param destinationId the tenant's destination this copy goes to, e.g. {@code "meta"}
     * @param payload       the sealed payload (copied)
     * @param keyId         id of the data key that sealed the payload, for key rotation
     */
    public OutboxRecord(String destinationId, byte[] payload, String keyId) {
        this(destinationId, Objects.requireNonNull(payload, "payload").clone(), keyId, null);
    }

    private OutboxRecord(String destinationId, byte[] payload, String keyId, byte[] shared) {
        this.destinationId = Records.requireText(destinationId, "destinationId");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.keyId = Records.requireText(keyId, "keyId");
        this.shared = shared;
    }

    /** Takes {@code payload} without copying it: the caller gives it up and must not change it. */
    public static OutboxRecord sealed(String destinationId, byte[] payload, String keyId) {
        return new OutboxRecord(destinationId, payload, keyId, null);
    }

    /**
     * A copy in two sealed parts, taken without copying: {@code own}, this destination's, and
     * {@code shared}, the part it shares with other copies of its event (the same array for all of
     * them). Both sealed under {@code keyId}.
     */
    public static OutboxRecord sealed(String destinationId, byte[] own, String keyId, byte[] shared) {
        return new OutboxRecord(destinationId, own, keyId, Objects.requireNonNull(shared, "shared"));
    }

    public String destinationId() {
        return destinationId;
    }

    /**
     * Returns the copy as it is stored on its own: the sealed payload, or the joined form of its
     * two parts ({@link StoredPayload#join}).
     */
    public byte[] payload() {
        return shared == null ? payload.clone() : StoredPayload.join(shared, payload);
    }

    public String keyId() {
        return keyId;
    }

    /** The copy as it is stored on its own, without copying when it has one part; the store only binds it. */
    byte[] storedUnsafe() {
        return shared == null ? payload : StoredPayload.join(shared, payload);
    }

    /** The sealed payload, or the own part of a copy with a shared part, without copying. */
    byte[] ownUnsafe() {
        return payload;
    }

    /** The shared part (not copied), or null. */
    byte[] sharedUnsafe() {
        return shared;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxRecord other
                && destinationId.equals(other.destinationId)
                && Arrays.equals(payload, other.payload)
                && keyId.equals(other.keyId)
                && Arrays.equals(shared, other.shared);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destinationId, Arrays.hashCode(payload), keyId, Arrays.hashCode(shared));
    }

    /** Names the destination and key, never the payload bytes. */
    @Override
    public String toString() {
        return "OutboxRecord[destinationId=" + destinationId + ", payload=" + payload.length
                + " bytes, keyId=" + keyId + (shared == null ? "" : ", shared=" + shared.length + " bytes") + "]";
    }
}
