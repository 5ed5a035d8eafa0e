package dev.sluice.privacy;

import java.io.IOException;

/**
 * A stored payload in two parts, for an event whose copies would repeat most of their bytes
 * (docs/storage-log.md, "Shared part"). A version 2 payload ({@link PayloadFormat}) is cut at
 * three places into four segments: the head (from the start through the opening brace of the
 * user object), the destination's user data (its hashes and plain values), the middle (the rest
 * of the user object, client IP, user agent and click ids, then custom data, attribution and
 * consent signals) and the tail (the consent decision and platform flags, to the closing brace).
 * Head and middle come from the event alone, so copies that render the user object in full share
 * them; user data and tail are the destination's own.
 *
 * <p>The shared part's plaintext is the head's length (four bytes, big-endian), the head and the
 * middle; the own part's is the user data's length, the user data and the tail, where each hashed
 * value that is a digest may be written raw, {@link PayloadFormat#RAW_DIGEST} and its 32 bytes
 * instead of 45 characters ({@link PayloadFormat#writeRawDigest}). {@link #splice} puts the four
 * segments back in order and writes each raw digest as a stored value readers take as is, its hex
 * digits behind {@code =} ({@link PayloadFormat#writeSplicedDigest}): the payload that was cut,
 * byte for byte where it held no raw digest, and read into the same version 1 tree either way.
 */
public final class PayloadParts {
    private static final int LENGTH = 4;

    private PayloadParts() {
    }

    /** Bytes a part of segments {@code first} and {@code second} long takes. */
    public static int size(int first, int second) {
        return LENGTH + first + second;
    }

    /**
     * Writes the part of {@code src[firstFrom..firstTo)} and {@code src[secondFrom..secondTo)}
     * into {@code out} from 0 ({@link #size} bytes); returns its length.
     */
    public static int write(byte[] src, int firstFrom, int firstTo, int secondFrom, int secondTo, byte[] out) {
        int first = firstTo - firstFrom;
        int second = secondTo - secondFrom;
        if (first < 0 || second < 0) {
            throw new IllegalArgumentException("segment ends before it starts");
        }
        out[0] = (byte) (first >>> 24);
        out[1] = (byte) (first >>> 16);
        out[2] = (byte) (first >>> 8);
        out[3] = (byte) first;
        System.arraycopy(src, firstFrom, out, LENGTH, first);
        System.arraycopy(src, secondFrom, out, LENGTH + first, second);
        return LENGTH + first + second;
    }

    /** Whether {@code part[0..partLength)} holds {@code src[firstFrom..firstTo)} then {@code src[secondFrom..secondTo)}. */
    public static boolean holds(byte[] part, int partLength, byte[] src, int firstFrom, int firstTo, int secondFrom,
                                int secondTo) {
        int first = firstTo - firstFrom;
        return partLength == size(first, secondTo - secondFrom) && firstLength(part) == first
                && java.util.Arrays.equals(part, LENGTH, LENGTH + first, src, firstFrom, firstTo)
                && java.util.Arrays.equals(part, LENGTH + first, partLength, src, secondFrom, secondTo);
    }

    /**
     * The payload a shared and an own part were cut from. The own part's segments may hold
     * digests written raw ({@link PayloadFormat#writeRawDigest}); each comes out as its hex digits
     * behind {@code =} ({@link PayloadFormat#writeSplicedDigest}), which version 1 holds as is.
     *
     * @throws IOException when a part is too short for the length it announces, or a raw digest
     *                     for its 32 bytes
     */
    public static byte[] splice(byte[] shared, byte[] own) throws IOException {
        int head = checkedFirst(shared);
        int user = checkedFirst(own);
        int middle = shared.length - LENGTH - head;
        int ownEnd = own.length;
        int raw = rawDigests(own, LENGTH, ownEnd);
        byte[] out = new byte[shared.length - LENGTH + own.length - LENGTH + raw * SPLICED_GROWTH];
        System.arraycopy(shared, LENGTH, out, 0, head);
        int o = expand(own, LENGTH, LENGTH + user, out, head);
        System.arraycopy(shared, LENGTH + head, out, o, middle);
        expand(own, LENGTH + user, ownEnd, out, o + middle);
        return out;
    }

    /** How much longer a digest is spliced than raw. */
    private static final int SPLICED_GROWTH = PayloadFormat.SPLICED_DIGEST_LENGTH - PayloadFormat.RAW_DIGEST_LENGTH;

    /** The raw digests in {@code in[from..to)}. */
    private static int rawDigests(byte[] in, int from, int to) throws IOException {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (in[i] == PayloadFormat.RAW_DIGEST) {
                if (to - i < PayloadFormat.RAW_DIGEST_LENGTH) {
                    throw new IOException("raw digest cut short in a payload part");
                }
                n++;
                i += PayloadFormat.RAW_DIGEST_LENGTH - 1;
            }
        }
        return n;
    }

    /** Copies {@code in[from..to)} to {@code out} from {@code at}, raw digests quoted; returns the end. */
    private static int expand(byte[] in, int from, int to, byte[] out, int at) {
        int o = at;
        int run = from;
        for (int i = from; i < to; i++) {
            if (in[i] == PayloadFormat.RAW_DIGEST) {
                System.arraycopy(in, run, out, o, i - run);
                o = PayloadFormat.writeSplicedDigest(in, i + 1, out, o + (i - run));
                i += PayloadFormat.RAW_DIGEST_LENGTH - 1;
                run = i + 1;
            }
        }
        System.arraycopy(in, run, out, o, to - run);
        return o + (to - run);
    }

    private static int checkedFirst(byte[] part) throws IOException {
        if (part.length < LENGTH) {
            throw new IOException("payload part shorter than its length field");
        }
        int first = firstLength(part);
        if (first < 0 || first > part.length - LENGTH) {
            throw new IOException("payload part shorter than its first segment");
        }
        return first;
    }

    private static int firstLength(byte[] part) {
        return (part[0] & 0xff) << 24 | (part[1] & 0xff) << 16 | (part[2] & 0xff) << 8 | (part[3] & 0xff);
    }
}
