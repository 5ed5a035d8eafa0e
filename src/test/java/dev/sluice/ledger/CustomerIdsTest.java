package dev.sluice.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The 64-bit customer ids and the set operations on them, against naive computations on random sets. */
final class CustomerIdsTest {

    @Test
    void id_isTheFirstSixteenHexDigitsOfTheKey() {
        assertEquals(0x0123456789abcdefL, CustomerIds.of("0123456789abcdef" + "0".repeat(48)));
        assertEquals(0xffffffffffffffffL, CustomerIds.of("ffffffffffffffff" + "9".repeat(48)));
        // Only the first 16 digits count: the rest of the HMAC does not change the id.
        assertEquals(CustomerIds.of("00000000000000aa" + "1".repeat(48)), CustomerIds.of("00000000000000aa" + "2".repeat(48)));
    }

    @Test
    void keysThatAreNotHex_stillGetDistinctIds() {
        assertNotEquals(CustomerIds.of("k1"), CustomerIds.of("k2"));
        assertEquals(CustomerIds.of("k1"), CustomerIds.of("k1"));
        // Upper-case hex is not what the ledger writes; hashed, so it is not confused with the lower-case key.
        assertNotEquals(CustomerIds.of("ABCDEF0123456789"), CustomerIds.of("abcdef0123456789"));
    }

    @Test
    void setsRoundTripAndCombineLikeSortedSets() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            long[] a = randomSet(random);
            long[] b = randomSet(random);
            assertArrayEquals(a, CustomerIds.decode(CustomerIds.encode(a)));
            TreeSet<Long> union = set(a);
            union.addAll(set(b));
            assertArrayEquals(union.stream().mapToLong(Long::longValue).toArray(), CustomerIds.union(a, b));
            TreeSet<Long> minus = set(a);
            minus.removeAll(set(b));
            assertArrayEquals(minus.stream().mapToLong(Long::longValue).toArray(), CustomerIds.minus(a, b));
            long[] c = randomSet(random);
            TreeSet<Long> all = new TreeSet<>(union);
            all.addAll(set(c));
            assertEquals(all.size(), CustomerIds.unionSize(new long[][] {a, b, c, {}}, new int[] {a.length, b.length, c.length, 0}));
        }
    }

    @Test
    void sortDistinct_sortsAndDropsRepeatsInPlace() {
        long[] ids = {5, -3, 5, Long.MIN_VALUE, 9, -3, 0, 99};
        int n = CustomerIds.sortDistinct(ids, 7);
        assertArrayEquals(new long[] {Long.MIN_VALUE, -3, 0, 5, 9}, Arrays.copyOf(ids, n));
    }

    @Test
    void unionSize_countsOnlyTheGivenPrefixOfEachArray() {
        assertEquals(3, CustomerIds.unionSize(new long[][] {{1, 2, 7}, {2, 3, 8}}, new int[] {2, 2}));
    }

    @Test
    void unionSize_ofManyIdsInOneSlice_growsItsBuffer() {
        long[] a = LongStream.range(0, 5000).map(i -> i * 2).toArray();
        long[] b = LongStream.range(0, 5000).map(i -> i * 3).toArray();
        // Multiples of 2 or 3 below 10,000 and 15,000: 5,000 + 5,000 - 1,667 (multiples of 6 below 10,000).
        assertEquals(8333, CustomerIds.unionSize(new long[][] {a, b}, new int[] {a.length, b.length}));
    }

    @Test
    void aStoredSetMustBeWholeIds() {
        assertThrows(IllegalStateException.class, () -> CustomerIds.decode(new byte[12]));
    }

    /** Random sets that share ids: from a small range around 0, or from 300 ids spread over all 64 bits. */
    private static long[] randomSet(Random random) {
        long[] pool = new Random(7).longs(300).toArray();
        LongStream ids = random.nextBoolean()
                ? LongStream.generate(() -> random.nextInt(200) - 100)
                : LongStream.generate(() -> pool[random.nextInt(pool.length)]);
        return ids.limit(random.nextInt(60)).sorted().distinct().toArray();
    }

    private static TreeSet<Long> set(long[] ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (long id : ids) {
            set.add(id);
        }
        return set;
    }

    @Test
    void passes_splitTheIdSpaceIntoConsecutiveRanges_eachIdInExactlyOne() {
        Random random = new Random(7);
        long[] ids = LongStream.concat(LongStream.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1,
                Long.MAX_VALUE), random.longs(20_000)).sorted().toArray();
        for (int count : new int[] {1, 2, 3, 5, 7, 64, 1000}) {
            int[] perPass = new int[count];
            int previous = 0;
            for (long id : ids) {
                int holding = -1;
                for (int index = 0; index < count; index++) {
                    if (new CustomerCounts.Pass(index, count).holds(id)) {
                        assertEquals(-1, holding, id + " in two of " + count + " passes");
                        holding = index;
                    }
                }
                assertNotEquals(-1, holding, id + " in none of " + count + " passes");
                // Ascending ids never go back to an earlier pass: each pass is one range.
                assertTrue(holding >= previous, id + " of " + count + " passes");
                previous = holding;
                perPass[holding]++;
            }
            assertTrue(new CustomerCounts.Pass(0, count).holds(Long.MIN_VALUE));
            assertTrue(new CustomerCounts.Pass(count - 1, count).holds(Long.MAX_VALUE));
            if (count <= 7) {
                // Equal ranges: uniform ids spread evenly (20,000 ids, so within a few percent).
                for (int n : perPass) {
                    assertEquals(ids.length / (double) count, n, ids.length * 0.1 / count, Arrays.toString(perPass));
                }
            }
        }
    }

    @Test
    void decodeInto_keepsOnlyThePassesIds() {
        long[] set = randomSet(new Random(3));
        for (int count : new int[] {1, 3}) {
            LongList all = new LongList();
            for (int index = 0; index < count; index++) {
                CustomerIds.decodeInto(CustomerIds.encode(set), new CustomerCounts.Pass(index, count), all);
            }
            assertArrayEquals(set, all.sortedDistinct(), count + " passes");
        }
    }

    @Test
    void longList_holdsEveryValueAcrossChunks() {
        Random random = new Random(11);
        for (int size : new int[] {0, 1, 8, 9, 4095, 4096, 4097, 20_000}) {
            LongList list = new LongList();
            long[] expected = new long[size];
            for (int i = 0; i < size; i++) {
                expected[i] = random.nextInt(size / 2 + 1);
                list.add(expected[i]);
            }
            assertEquals(size, list.size());
            long[] copy = new long[size + 2];
            assertEquals(size + 1, list.copyInto(copy, 1));
            assertArrayEquals(expected, Arrays.copyOfRange(copy, 1, size + 1), "size " + size);
            assertArrayEquals(LongStream.of(expected).sorted().distinct().toArray(), list.sortedDistinct(), "size " + size);
        }
    }
}
