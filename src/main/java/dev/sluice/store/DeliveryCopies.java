package dev.sluice.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The copies of one event in a {@code delivery_log} row: which destinations have one
 * ({@code destinations}, {@code |a|b|}) and, in the same order, each copy's data key id and sealed
 * payload ({@code copies}).
 *
 * <p>{@code copies} is version byte 1, then per copy: the key id's length (one byte) and its
 * UTF-8 bytes, the payload's length (four bytes, big-endian) and the payload. The store treats
 * payloads as opaque; nothing here prints them.
 */
final class DeliveryCopies {

    static final byte VERSION = 1;
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
        int size = 1;
        byte[][] keyIds = new byte[copies.size()][];
        for (int i = 0; i < copies.size(); i++) {
            keyIds[i] = copies.get(i).keyId().getBytes(StandardCharsets.UTF_8);
            if (keyIds[i].length > 255) {
                throw new IllegalArgumentException("key id longer than 255 bytes");
            }
            size += 1 + keyIds[i].length + 4 + copies.get(i).payloadUnsafe().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION);
        for (int i = 0; i < copies.size(); i++) {
            byte[] payload = copies.get(i).payloadUnsafe();
            out.put((byte) keyIds[i].length).put(keyIds[i]).putInt(payload.length).put(payload);
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

    /** The copy at {@code index}, or empty if the blob holds fewer copies or is not a version this reads. */
    static Optional<Copy> copyAt(byte[] copies, int index) {
        if (copies.length == 0 || copies[0] != VERSION || index < 0) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(copies, 1, copies.length - 1);
        try {
            for (int i = 0; ; i++) {
                int keyLength = Byte.toUnsignedInt(in.get());
                byte[] key = new byte[keyLength];
                in.get(key);
                int payloadLength = in.getInt();
                if (payloadLength < 0 || payloadLength > in.remaining()) {
                    return Optional.empty();
                }
                if (i == index) {
                    byte[] payload = new byte[payloadLength];
                    in.get(payload);
                    return Optional.of(new Copy(new String(key, StandardCharsets.UTF_8), payload));
                }
                in.position(in.position() + payloadLength);
            }
        } catch (java.nio.BufferUnderflowException e) {
            return Optional.empty();
        }
    }
}
