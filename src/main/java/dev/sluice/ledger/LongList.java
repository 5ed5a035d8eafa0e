package dev.sluice.ledger;

import java.util.Arrays;

/**
 * A growable list of primitive {@code long}s: customer ids without a boxed {@code Long} each. The
 * values live in fixed-size chunks, so growing never copies what is already there (a report's
 * pass of a million ids would otherwise hold the old and the new array at once while growing).
 */
final class LongList {
    private static final int SHIFT = 12;
    private static final int CHUNK = 1 << SHIFT;

    /** Chunk 0 starts small and grows to {@code CHUNK}; every later chunk is allocated full size. */
    private long[][] chunks = {new long[8]};
    private int size;

    void add(long value) {
        int c = size >>> SHIFT;
        int at = size & (CHUNK - 1);
        if (c == chunks.length) {
            chunks = Arrays.copyOf(chunks, c * 2);
        }
        long[] chunk = chunks[c];
        if (chunk == null) {
            chunk = chunks[c] = new long[CHUNK];
        } else if (at == chunk.length) {
            chunk = chunks[c] = Arrays.copyOf(chunk, Math.min(CHUNK, at * 4));
        }
        chunk[at] = value;
        size++;
    }

    int size() {
        return size;
    }

    /** Copies the values into {@code target} from {@code offset}; returns the offset after them. */
    int copyInto(long[] target, int offset) {
        for (int done = 0; done < size; done += CHUNK) {
            System.arraycopy(chunks[done >>> SHIFT], 0, target, offset + done, Math.min(CHUNK, size - done));
        }
        return offset + size;
    }

    /** The values sorted, without repeats. */
    long[] sortedDistinct() {
        long[] copy = new long[size];
        copyInto(copy, 0);
        int n = CustomerIds.sortDistinct(copy, size);
        return n == size ? copy : Arrays.copyOf(copy, n);
    }
}
