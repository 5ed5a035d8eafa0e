package dev.sluice.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The verifier takes checkpoints as the walk reaches them: it holds one at a time (a busy tenant's
 * chain has hundreds of thousands), and still catches every fault a checkpoint shows. Signatures
 * are not checked here (no trusted keys); the audit log suites check them on both stores.
 */
final class ChainVerifierTest {
    private static final String TENANT = "acme";

    /** Seq 1..n of a valid chain: each record's hash, by seq. */
    private static List<String[]> chain(int n) {
        List<String[]> records = new ArrayList<>();
        String prev = ChainHash.GENESIS;
        for (long seq = 1; seq <= n; seq++) {
            Map<String, Object> fields = new TreeMap<>(Map.of("kind", "test", "seq", seq, "tenant", TENANT));
            String body = CanonicalJson.write(fields);
            String hash = ChainHash.of(prev, body);
            records.add(new String[] {Long.toString(seq), prev, hash, body});
            prev = hash;
        }
        return records;
    }

    private static Checkpoint checkpoint(List<String[]> records, long seq) {
        String hash = seq <= records.size() ? records.get((int) seq - 1)[2] : "f".repeat(64);
        return new Checkpoint(TENANT, seq, hash, Instant.EPOCH, "k", "signature");
    }

    /** Hands out checkpoints and counts how many were taken. */
    private static final class Counting implements Iterator<Checkpoint> {
        final Iterator<Checkpoint> inner;
        int taken;

        Counting(List<Checkpoint> checkpoints) {
            inner = checkpoints.iterator();
        }

        @Override
        public boolean hasNext() {
            return inner.hasNext();
        }

        @Override
        public Checkpoint next() {
            taken++;
            return inner.next();
        }
    }

    private static ChainVerifier.Result walk(List<String[]> records, List<Checkpoint> checkpoints) {
        ChainVerifier verifier = new ChainVerifier(TENANT, Optional.empty(), checkpoints.iterator());
        for (String[] r : records) {
            if (!verifier.record(Long.parseLong(r[0]), r[1], r[2], r[3])) {
                break;
            }
        }
        return verifier.finish(Optional.empty());
    }

    @Test
    void checkpointsAreTakenAsTheWalkReachesThem_oneAheadAtMost() {
        List<String[]> records = chain(1_000);
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (long seq = 10; seq <= 1_000; seq += 10) {
            checkpoints.add(checkpoint(records, seq));
        }
        Counting counting = new Counting(checkpoints);
        ChainVerifier verifier = new ChainVerifier(TENANT, Optional.empty(), counting);
        for (String[] r : records) {
            long seq = Long.parseLong(r[0]);
            assertTrue(verifier.record(seq, r[1], r[2], r[3]));
            // Those at or below this seq, and the next one.
            assertTrue(counting.taken <= seq / 10 + 1, "after seq " + seq + ": " + counting.taken + " taken");
        }
        ChainVerifier.Result result = verifier.finish(Optional.empty());
        assertTrue(result.ok(), result.toString());
        assertEquals(100, result.checkpointsVerified());
        assertEquals(100, counting.taken);
    }

    @Test
    void aCheckpointBeyondTheLastRecord_showsRecordsDeletedFromTheEnd() {
        List<String[]> records = chain(30);
        ChainVerifier.Result result = walk(records.subList(0, 25),
                List.of(checkpoint(records, 10), checkpoint(records, 20), checkpoint(records, 30)));
        assertEquals(Optional.of(new ChainVerifier.Failure(26, "records from seq 26 are missing: a signed checkpoint"
                + " covers seq 30 (records were deleted from the end)")), result.failure());
        assertEquals(2, result.checkpointsVerified());
    }

    @Test
    void aCheckpointThatDiffersFromItsRecord_showsARewrite() {
        List<String[]> records = chain(30);
        Checkpoint forged = new Checkpoint(TENANT, 20, "e".repeat(64), Instant.EPOCH, "k", "signature");
        ChainVerifier.Result result = walk(records, List.of(checkpoint(records, 10), forged, checkpoint(records, 30)));
        assertEquals(20, result.failure().orElseThrow().seq());
        assertTrue(result.failure().get().reason().contains("differs from the signed checkpoint"), result.toString());
    }

    @Test
    void checkpointsBelowTheFirstKeptRecord_areSkipped_andOnesOutOfOrderAreAFault() {
        List<String[]> records = chain(30);
        // A walk from seq 1 takes the checkpoint at 5 below the one at 10 in order.
        assertTrue(walk(records, List.of(checkpoint(records, 5), checkpoint(records, 10))).ok());
        ChainVerifier.Result result = walk(records, List.of(checkpoint(records, 20), checkpoint(records, 10)));
        assertEquals(10, result.failure().orElseThrow().seq());
        assertTrue(result.failure().get().reason().contains("not in seq order"), result.toString());
    }

    @Test
    void anotherTenantsCheckpoint_isAFault() {
        List<String[]> records = chain(10);
        Checkpoint foreign = new Checkpoint("other", 5, records.get(4)[2], Instant.EPOCH, "k", "signature");
        ChainVerifier.Result result = walk(records, List.of(foreign));
        assertEquals(Optional.of(new ChainVerifier.Failure(5, "checkpoint names another tenant")), result.failure());
    }

    /**
     * Review 1, finding 8: an export spliced onto itself was "record missing: seq 8 to 0 not found
     * before seq 1", a range running backwards, and two records swapped read "seq 2 to 2".
     */
    @Test
    void aSeqGoingBackIsNamedAsSuch_andAGapByWhatIsMissing() {
        List<String[]> records = chain(10);
        List<String[]> spliced = new ArrayList<>(records.subList(0, 7));
        spliced.addAll(records);
        assertEquals(Optional.of(new ChainVerifier.Failure(1, "seq 1 comes after seq 7: records are repeated or out of order")),
                walk(spliced, List.of()).failure());
        List<String[]> swapped = new ArrayList<>(records);
        swapped.set(1, records.get(2));
        swapped.set(2, records.get(1));
        assertEquals(Optional.of(new ChainVerifier.Failure(2, "record missing: seq 2 not found before seq 3 (deleted, or moved elsewhere)")),
                walk(swapped, List.of()).failure());
        List<String[]> gap = new ArrayList<>(records.subList(0, 3));
        gap.addAll(records.subList(6, 10));
        assertEquals(Optional.of(new ChainVerifier.Failure(4, "record missing: seq 4 to 6 not found before seq 7 (deleted, or moved elsewhere)")),
                walk(gap, List.of()).failure());
    }
}
