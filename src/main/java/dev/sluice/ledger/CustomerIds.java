package dev.sluice.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The 64-bit customer ids that CLV counts, and the sorted sets of them that
 * {@code ledger_customer_days} stores.
 *
 * <p>A customer key is the hex of a tenant-peppered HMAC-SHA256 ({@link LedgerSource}); its first
 * 16 hex digits are 64 uniformly random bits, so they identify the customer as well as the whole
 * key does, up to a collision among a tenant's customers (probability about n^2 / 2^65: 3 x 10^-6
 * for 10 million). Counting eight-byte integers instead of 64-character strings is what makes a
 * year of customers fit in memory and in a few milliseconds of sorting.
 *
 * <p>A stored set is its ids sorted ascending as signed {@code long}s and deduplicated, each as 8
 * big-endian bytes.
 */
final class CustomerIds {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int HEX_DIGITS = 16;

    private CustomerIds() {
    }

    /**
     * The id of {@code customerKey}: its first 16 hex digits as a 64-bit integer. A key that does
     * not start with 16 lower-case hex digits (the ledger never writes one, but the column would
     * take it) is identified by the first 8 bytes of its SHA-256 instead, so every distinct key
     * still counts as one customer.
     */
    static long of(String customerKey) {
        if (customerKey.length() >= HEX_DIGITS && lowerHex(customerKey)) {
            return Long.parseUnsignedLong(customerKey, 0, HEX_DIGITS, 16);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(customerKey.getBytes(StandardCharsets.UTF_8));
            return (long) LONGS.get(digest, 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static boolean lowerHex(String key) {
        for (int i = 0; i < HEX_DIGITS; i++) {
            char ch = key.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The number of ids in a stored set. */
    static int size(byte[] set) {
        if (set.length % Long.BYTES != 0) {
            throw new IllegalStateException("a customer set must be a whole number of 8-byte ids");
        }
        return set.length / Long.BYTES;
    }

    /** Copies the ids of a stored set into {@code target} from {@code offset}; returns the offset after them. */
    static int decodeInto(byte[] set, long[] target, int offset) {
        int n = size(set);
        for (int i = 0; i < n; i++) {
            target[offset + i] = (long) LONGS.get(set, i * Long.BYTES);
        }
        return offset + n;
    }

    /** The ids of a stored set. */
    static long[] decode(byte[] set) {
        long[] ids = new long[size(set)];
        decodeInto(set, ids, 0);
        return ids;
    }

    /** Stores sorted, distinct ids. */
    static byte[] encode(long[] sortedDistinct) {
        byte[] set = new byte[sortedDistinct.length * Long.BYTES];
        for (int i = 0; i < sortedDistinct.length; i++) {
            LONGS.set(set, i * Long.BYTES, sortedDistinct[i]);
        }
        return set;
    }

    /** Sorts the first {@code count} ids and removes repeats, in place; returns how many distinct ids there are. */
    static int sortDistinct(long[] ids, int count) {
        Arrays.sort(ids, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || ids[i] != ids[distinct - 1]) {
                ids[distinct++] = ids[i];
            }
        }
        return distinct;
    }

    /** The union of two sorted, distinct sets, sorted and distinct. */
    static long[] union(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            long x = a[i];
            long y = b[j];
            if (x < y) {
                out[n++] = x;
                i++;
            } else if (y < x) {
                out[n++] = y;
                j++;
            } else {
                out[n++] = x;
                i++;
                j++;
            }
        }
        while (i < a.length) {
            out[n++] = a[i++];
        }
        while (j < b.length) {
            out[n++] = b[j++];
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The ids of sorted, distinct {@code a} that are not in sorted {@code b}. */
    static long[] minus(long[] a, long[] b) {
        long[] out = new long[a.length];
        int j = 0;
        int n = 0;
        for (long x : a) {
            while (j < b.length && b[j] < x) {
                j++;
            }
            if (j == b.length || b[j] != x) {
                out[n++] = x;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * The size of the union of sorted, distinct sets ({@code sets[i]} holds {@code sizes[i]} ids),
     * by a k-way merge that allocates only arrays of {@code sets.length} entries: a report's total
     * must not need a second copy of every id it read.
     */
    static long unionSize(long[][] sets, int[] sizes) {
        int k = sets.length;
        int[] heap = new int[k];
        int[] next = new int[k];
        int size = 0;
        for (int s = 0; s < k; s++) {
            if (sizes[s] > 0) {
                heap[size++] = s;
            }
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(heap, size, i, sets, next);
        }
        long count = 0;
        long last = 0;
        while (size > 0) {
            int s = heap[0];
            long value = sets[s][next[s]];
            if (count == 0 || value != last) {
                count++;
                last = value;
            }
            if (++next[s] == sizes[s]) {
                heap[0] = heap[--size];
            }
            siftDown(heap, size, 0, sets, next);
        }
        return count;
    }

    private static void siftDown(int[] heap, int size, int i, long[][] sets, int[] next) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left;
            int right = left + 1;
            if (right < size && head(heap[right], sets, next) < head(heap[left], sets, next)) {
                smallest = right;
            }
            if (head(heap[i], sets, next) <= head(heap[smallest], sets, next)) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = t;
            i = smallest;
        }
    }

    private static long head(int set, long[][] sets, int[] next) {
        return sets[set][next[set]];
    }
}
