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

    /** Adds the ids of a stored set that lie in {@code pass} to {@code target}. */
    static void decodeInto(byte[] set, CustomerCounts.Pass pass, LongList target) {
        int n = size(set);
        for (int i = 0; i < n; i++) {
            long id = (long) LONGS.get(set, i * Long.BYTES);
            if (pass.holds(id)) {
                target.add(id);
            }
        }
    }

    /** The ids of a stored set. */
    static long[] decode(byte[] set) {
        long[] ids = new long[size(set)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (long) LONGS.get(set, i * Long.BYTES);
        }
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

    /** Bits of an id that pick its slice in {@link #unionSize}: 4,096 slices. */
    private static final int SLICE_BITS = 12;

    /**
     * The size of the union of sorted, distinct sets ({@code sets[i]} holds {@code sizes[i]} ids).
     * A report's total must not need a second copy of every id it read, and a k-way merge over
     * hundreds of groups (one per day of a year) is slow; instead the ids are cut by their top 12
     * bits into 4,096 value slices, which are contiguous in every sorted set and come in ascending
     * order, and each slice of all sets together is sorted and counted in a small buffer. HMAC
     * ids are uniform, so a buffer holds about 1/4,096 of the ids.
     */
    static long unionSize(long[][] sets, int[] sizes) {
        int[] next = new int[sets.length];
        long[] buffer = new long[1024];
        long count = 0;
        for (int slice = 0; slice < 1 << SLICE_BITS; slice++) {
            int n = 0;
            for (int s = 0; s < sets.length; s++) {
                long[] set = sets[s];
                int i = next[s];
                while (i < sizes[s] && slice(set[i]) == slice) {
                    if (n == buffer.length) {
                        buffer = Arrays.copyOf(buffer, n * 2);
                    }
                    buffer[n++] = set[i++];
                }
                next[s] = i;
            }
            count += sortDistinct(buffer, n);
        }
        return count;
    }

    /** The slice of an id, ascending with the id's signed order. */
    private static int slice(long id) {
        return (int) (id >>> (Long.SIZE - SLICE_BITS)) ^ (1 << (SLICE_BITS - 1));
    }
}
