package dev.sluice.store;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The stored form of one destination's copy when its event's copies share a part: what every copy
 * of the event carries (the event, its custom data, consent signals, client IP and user agent) is
 * sealed once, and each destination's own part (its hashes, decision and flags) on its own
 * ({@code docs/storage-log.md}, "Shared part"). In the delivery log the shared part is stored once
 * per event ({@link DeliveryCopies}); everywhere a copy stands alone (an outbox row, a claim) it is
 * this joined form: byte {@link #JOINED}, the shared part's length (four bytes, big-endian), the
 * shared part, then the own part. A copy without a shared part is a sealed payload as it was,
 * whose first byte is the sealing's version (1), never {@link #JOINED}.
 *
 * <p>Both parts are sealed; this class only frames them and never looks inside.
 */
public final class StoredPayload {
    /** First byte of a joined copy. */
    public static final byte JOINED = 2;
    private static final int HEADER = 5;
    /** Where a joined copy's shared part starts; its own part follows it, to the end. */
    public static final int SHARED_AT = HEADER;

    private StoredPayload() {
    }

    /** The two sealed parts of a joined copy. */
    public record Parts(byte[] shared, byte[] own) {
        public Parts {
            Objects.requireNonNull(shared, "shared");
            Objects.requireNonNull(own, "own");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parts p && Arrays.equals(shared, p.shared) && Arrays.equals(own, p.own);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shared) + Arrays.hashCode(own);
        }

        /** Sizes only, never the bytes. */
        @Override
        public String toString() {
            return "Parts[shared=" + shared.length + " bytes, own=" + own.length + " bytes]";
        }
    }

    /** The joined copy of {@code shared} and {@code own}. */
    public static byte[] join(byte[] shared, byte[] own) {
        return join(shared, 0, shared.length, own, 0, own.length);
    }

    /** The joined copy of the parts at {@code shared[sharedFrom..+sharedLength)} and {@code own[ownFrom..+ownLength)}. */
    static byte[] join(byte[] shared, int sharedFrom, int sharedLength, byte[] own, int ownFrom, int ownLength) {
        byte[] out = new byte[HEADER + sharedLength + ownLength];
        out[0] = JOINED;
        putInt(out, 1, sharedLength);
        System.arraycopy(shared, sharedFrom, out, HEADER, sharedLength);
        System.arraycopy(own, ownFrom, out, HEADER + sharedLength, ownLength);
        return out;
    }

    /** Whether {@code stored} is a joined copy (else it is one sealed payload). */
    public static boolean isJoined(byte[] stored) {
        return stored.length > 0 && stored[0] == JOINED;
    }

    /** The parts of a joined copy; empty when {@code stored} is not one or is cut short. */
    public static Optional<Parts> parts(byte[] stored) {
        int sharedLength = sharedLength(stored);
        if (sharedLength < 0) {
            return Optional.empty();
        }
        return Optional.of(new Parts(Arrays.copyOfRange(stored, SHARED_AT, SHARED_AT + sharedLength),
                Arrays.copyOfRange(stored, SHARED_AT + sharedLength, stored.length)));
    }

    /**
     * The length of a joined copy's shared part (at {@link #SHARED_AT}), for reading the parts in
     * place; -1 when {@code stored} is not a joined copy or is cut short.
     */
    public static int sharedLength(byte[] stored) {
        if (!isJoined(stored) || stored.length < HEADER) {
            return -1;
        }
        int sharedLength = getInt(stored, 1);
        return sharedLength < 0 || sharedLength > stored.length - HEADER ? -1 : sharedLength;
    }

    private static void putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }

    private static int getInt(byte[] in, int at) {
        return (in[at] & 0xff) << 24 | (in[at + 1] & 0xff) << 16 | (in[at + 2] & 0xff) << 8 | (in[at + 3] & 0xff);
    }
}
