package dev.sluice.ledger;

import java.util.Arrays;

/** A growable list of primitive {@code long}s: customer ids without a boxed {@code Long} each. */
final class LongList {
    private long[] values = new long[8];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size + (size >> 1) + 8);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** Copies the values into {@code target} from {@code offset}; returns the offset after them. */
    int copyInto(long[] target, int offset) {
        System.arraycopy(values, 0, target, offset, size);
        return offset + size;
    }

    /** The values sorted, without repeats. */
    long[] sortedDistinct() {
        long[] copy = Arrays.copyOf(values, size);
        int n = CustomerIds.sortDistinct(copy, size);
        return n == size ? copy : Arrays.copyOf(copy, n);
    }
}
