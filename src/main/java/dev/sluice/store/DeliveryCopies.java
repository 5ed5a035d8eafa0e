package dev.sluice.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The copies of one event in a {@code delivery_log} row: which destinations have one
 * ({@code destinations}, {@code |a|b|}) and, in the same order, each copy's data key id and sealed
 * payload ({@code copies}).
 *
 * <p>{@code copies} is version byte 1, then per copy: the key id's length (one byte) and its
 * UTF-8 bytes, the payload's length (four bytes, big-endian) and the payload. When copies share a
 * part ({@link StoredPayload}), it is version byte 2, the shared part's length (four bytes) and the
 * shared part, stored once, then per copy as in version 1 with one more byte after the key id:
 * 1 when the payload is the copy's own part, to be joined with the shared part, 0 when it is the
 * whole copy. The store treats payloads as opaque; nothing here prints them.
 */
final class DeliveryCopies {

    static final byte VERSION = 1;
    /** The version of a blob whose copies share a part, stored once. */
    static final byte SHARED_VERSION = 2;
    /** Copies one event may have in the log: one per destination, bounded by the log's id encoding. */
    static final int MAX_COPIES = 256;

    private DeliveryCopies() {
    }

    /** The {@code destinations} column: {@code |a|b|}. Destination ids cannot contain {@code |}. */
    static String destinations(List<OutboxRecord> copies) {
        StringBuilder out = new StringBuilder(2 + copies.size() * 8).append('|');
        for (OutboxRecord copy : copies) {
            out.append(copy.destinationId()).append('|');
        }
        return out.toString();
    }

    /** What {@code instr(destinations, ?)} looks for to find a destination's copies. */
    static String marker(String destinationId) {
        return "|" + destinationId + "|";
    }

    /** The {@code copies} column of {@code copies}, in their order. */
    static byte[] encode(List<OutboxRecord> copies) {
        byte[] shared = null;
        for (OutboxRecord copy : copies) {
            if (copy.sharedUnsafe() != null) {
                shared = copy.sharedUnsafe();
                break;
            }
        }
        int size = shared == null ? 1 : 1 + 4 + shared.length;
        byte[][] keyIds = new byte[copies.size()][];
        byte[][] payloads = new byte[copies.size()][];
        boolean[] joined = new boolean[copies.size()];
        for (int i = 0; i < copies.size(); i++) {
            OutboxRecord copy = copies.get(i);
            keyIds[i] = copy.keyId().getBytes(StandardCharsets.UTF_8);
            if (keyIds[i].length > 255) {
                throw new IllegalArgumentException("key id longer than 255 bytes");
            }
            byte[] itsShared = copy.sharedUnsafe();
            // A copy whose shared part is not the row's (never from ingest) is stored whole.
            joined[i] = itsShared != null && (itsShared == shared || Arrays.equals(itsShared, shared));
            payloads[i] = joined[i] ? copy.ownUnsafe() : copy.storedUnsafe();
            size += 1 + keyIds[i].length + (shared == null ? 0 : 1) + 4 + payloads[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        if (shared == null) {
            out.put(VERSION);
        } else {
            out.put(SHARED_VERSION).putInt(shared.length).put(shared);
        }
        for (int i = 0; i < copies.size(); i++) {
            out.put((byte) keyIds[i].length).put(keyIds[i]);
            if (shared != null) {
                out.put((byte) (joined[i] ? 1 : 0));
            }
            out.putInt(payloads[i].length).put(payloads[i]);
        }
        return out.array();
    }

    /** The position of {@code destinationId} among a row's {@code destinations}, or -1. */
    static int indexOf(String destinations, String destinationId) {
        int at = destinations.indexOf(marker(destinationId));
        if (at < 0) {
            return -1;
        }
        int index = 0;
        // The separators before the marker's own: position 0 opens the list.
        for (int i = 1; i <= at; i++) {
            if (destinations.charAt(i) == '|') {
                index++;
            }
        }
        return index;
    }

    /** The destination at {@code index} of a row's {@code destinations}. */
    static String destinationAt(String destinations, int index) {
        int start = 1;
        for (int i = 0; i < index; i++) {
            start = destinations.indexOf('|', start) + 1;
        }
        return destinations.substring(start, destinations.indexOf('|', start));
    }

    /** How many copies a row's {@code destinations} names. */
    static int count(String destinations) {
        int n = -1;
        for (int i = 0; i < destinations.length(); i++) {
            if (destinations.charAt(i) == '|') {
                n++;
            }
        }
        return Math.max(n, 0);
    }

    /** One copy as it was written. */
    record Copy(String keyId, byte[] payload) {
        @Override
        public String toString() {
            return "Copy[keyId=" + keyId + ", payload=" + payload.length + " bytes]";
        }
    }

    /**
     * The copy at {@code index}, as stored on its own (joined with the row's shared part when it
     * has one), or empty if the blob holds fewer copies or is not a version this reads.
     */
    static Optional<Copy> copyAt(byte[] copies, int index) {
        if (copies.length == 0 || (copies[0] != VERSION && copies[0] != SHARED_VERSION) || index < 0) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(copies, 1, copies.length - 1);
        try {
            boolean withShared = copies[0] == SHARED_VERSION;
            int sharedAt = 0;
            int sharedLength = 0;
            if (withShared) {
                sharedLength = in.getInt();
                if (sharedLength < 0 || sharedLength > in.remaining()) {
                    return Optional.empty();
                }
                sharedAt = in.position();
                in.position(sharedAt + sharedLength);
            }
            for (int i = 0; ; i++) {
                int keyLength = Byte.toUnsignedInt(in.get());
                byte[] key = new byte[keyLength];
                in.get(key);
                boolean joined = withShared && in.get() == 1;
                int payloadLength = in.getInt();
                if (payloadLength < 0 || payloadLength > in.remaining()) {
                    return Optional.empty();
                }
                if (i == index) {
                    byte[] payload;
                    if (joined) {
                        payload = StoredPayload.join(copies, sharedAt, sharedLength, copies, in.position(), payloadLength);
                    } else {
                        payload = new byte[payloadLength];
                        in.get(payload);
                    }
                    return Optional.of(new Copy(new String(key, StandardCharsets.UTF_8), payload));
                }
                in.position(in.position() + payloadLength);
            }
        } catch (java.nio.BufferUnderflowException e) {
            return Optional.empty();
        }
    }
}
