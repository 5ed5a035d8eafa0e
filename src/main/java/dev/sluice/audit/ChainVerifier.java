package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks one tenant's chain, record by record in seq order, plus its checkpoints; the same code
 * serves {@code GET /v1/audit/verify} and {@code sluice audit verify} on an export. It stops at
 * the first fault and names its seq and why:
 * <ul>
 *   <li>a record whose content does not hash to its stored hash (altered);</li>
 *   <li>a record whose content names another tenant or seq (moved or reordered);</li>
 *   <li>a gap in seq (deleted), or a prev_hash that is not the previous record's hash;</li>
 *   <li>a first record after seq 1 that no retention record accounts for (beginning deleted);</li>
 *   <li>a checkpoint whose signature fails, whose hash differs from the record's, or that signs
 *       a record that is missing (end deleted);</li>
 *   <li>a checkpoint signed by a key after a checkpoint signed by a newer one ({@link TrustedKeys}
 *       lists keys newest first): a replaced key must not vouch for records written after its
 *       replacement (accepted until session 40);</li>
 *   <li>a stored head whose {@code checkpoint_seq} names a checkpoint the walk did not meet
 *       (checkpoints deleted, so that the records they signed could be rewritten; until session 40
 *       this verified);</li>
 *   <li>for an export ({@code signedHead}), a last record not covered by a checkpoint of the key in
 *       use: whoever edits an export can recompute every hash, so only a signature over its head
 *       vouches for it (until session 40 an export without checkpoints verified).</li>
 * </ul>
 * Checkpoints come from an iterator in seq order, read as the walk reaches their seq, so a
 * verification holds one checkpoint at a time however many the chain has (at the default of one
 * per 1,000 records, a tenant ingesting 25,000 events a second gains 90,000 an hour; holding them
 * all ran a 64 MiB heap out within hours). Not thread-safe; one instance per verification.
 */
final class ChainVerifier {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String tenantId;
    private final Optional<TrustedKeys> keys;
    private final Iterator<Checkpoint> checkpoints;
    /** The next checkpoint not yet matched with a record, or null when there is none. */
    private Checkpoint pending;
    private long pendingAfter = Long.MIN_VALUE;
    private final TreeMap<Long, String> retentionAnchors = new TreeMap<>();
    private Optional<Failure> failure = Optional.empty();
    private long first = -1;
    private String firstPrev;
    private long last;
    private String lastHash = ChainHash.GENESIS;
    private long records;
    private int checkpointsVerified;
    /** Whether the last record must be covered by a checkpoint of the key in use (an export). */
    private final boolean signedHead;
    /** The rank ({@link TrustedKeys#rank}) of the newest key that signed a checkpoint so far. */
    private int newestRank = Integer.MAX_VALUE;
    private long newestRankSeq;
    /** The last checkpoint met at its record, and its key; 0 and null when none. */
    private long lastSigned;
    private String lastSignedKey;

    /** A fault: the seq it was found at and why. */
    record Failure(long seq, String reason) {
    }

    /**
     * The outcome.
     *
     * @param records             records checked
     * @param firstSeq            first seq seen (0 when none)
     * @param lastSeq             last seq seen
     * @param lastHash            hash of the last record
     * @param checkpointsVerified signatures checked and matched
     * @param lastCheckpointSeq   the seq of the last checkpoint met at its record (0 when none):
     *                            records after it are vouched for by nothing but their hashes
     */
    record Result(long records, long firstSeq, long lastSeq, String lastHash, int checkpointsVerified,
                  long lastCheckpointSeq, Optional<Failure> failure) {
        boolean ok() {
            return failure.isEmpty();
        }
    }

    /**
     * @param keys        the public keys checkpoints must verify under; empty skips signature checks
     * @param checkpoints the chain's checkpoints in ascending seq order, none beyond the head the
     *                    walk is checked against; each is taken when the walk reaches its seq
     */
    ChainVerifier(String tenantId, Optional<TrustedKeys> keys, Iterator<Checkpoint> checkpoints) {
        this(tenantId, keys, checkpoints, false);
    }

    /**
     * @param signedHead whether the last record must be covered by a checkpoint signed by the
     *                   first of {@code keys} (an export's rule; a stored chain's head is
     *                   legitimately ahead of its last checkpoint)
     */
    ChainVerifier(String tenantId, Optional<TrustedKeys> keys, Iterator<Checkpoint> checkpoints, boolean signedHead) {
        if (signedHead && keys.isEmpty()) {
            throw new IllegalArgumentException("a signed head needs the trusted keys");
        }
        this.tenantId = tenantId;
        this.keys = keys;
        this.checkpoints = checkpoints;
        this.signedHead = signedHead;
        advance();
    }

    /** Takes the next checkpoint, checking its order, tenant and signature; false once a fault was found. */
    private boolean advance() {
        pending = checkpoints.hasNext() ? checkpoints.next() : null;
        if (pending == null || failure.isPresent()) {
            return failure.isEmpty();
        }
        Checkpoint cp = pending;
        if (cp.seq() <= pendingAfter) {
            return fail(cp.seq(), "checkpoints are not in seq order (seq " + cp.seq() + " after seq " + pendingAfter + ")");
        }
        pendingAfter = cp.seq();
        if (!cp.tenantId().equals(tenantId)) {
            return fail(cp.seq(), "checkpoint names another tenant");
        } else if (keys.isPresent() && keys.get().find(cp.keyId()).isEmpty()) {
            return fail(cp.seq(), "checkpoint is signed by key " + cp.keyId() + ", which is not a trusted key "
                    + keys.get().keyIds() + " (after a key rotation, trust the previous public key too)");
        } else if (keys.isPresent() && !keys.get().find(cp.keyId()).get().verifies(cp)) {
            return fail(cp.seq(), "checkpoint signature does not verify with the public key " + cp.keyId());
        }
        if (keys.isPresent()) {
            int rank = keys.get().rank(cp.keyId());
            if (rank > newestRank) {
                return fail(cp.seq(), "checkpoint is signed by key " + cp.keyId() + ", which key "
                        + keys.get().keyIds().get(newestRank) + " replaced before its checkpoint at seq " + newestRankSeq
                        + ": a replaced key cannot vouch for later records (trusted keys are listed newest first: "
                        + keys.get().keyIds() + ")");
            }
            newestRank = rank;
            newestRankSeq = cp.seq();
        }
        return true;
    }

    /** Checks the next record; {@code body} is its canonical JSON. Returns false once a fault was found. */
    boolean record(long seq, String prevHash, String hash, String body) {
        return record(seq, prevHash, hash, body, Optional.empty());
    }

    /**
     * As {@link #record(long, String, String, String)}, also checking that a stored row's filter
     * columns agree with its hashed content (so that a query cannot be steered by editing them).
     */
    boolean record(long seq, String prevHash, String hash, String body, Optional<StoredRecord> row) {
        if (failure.isPresent()) {
            return false;
        }
        if (first < 0) {
            first = seq;
            firstPrev = prevHash;
            if (seq == 1 && !prevHash.equals(ChainHash.GENESIS)) {
                return fail(seq, "the first record does not start from the genesis hash");
            }
        } else if (seq <= last) {
            // Not a gap: a seq seen already, or one below it (until session 40 reported as
            // "record missing: seq 8 to 0", a range running backwards).
            return fail(seq, "seq " + seq + " comes after seq " + last + ": records are repeated or out of order");
        } else if (seq != last + 1) {
            return fail(last + 1, "record missing: " + (seq - 1 == last + 1 ? "seq " + (last + 1)
                    : "seq " + (last + 1) + " to " + (seq - 1)) + " not found before seq " + seq
                    + " (deleted, or moved elsewhere)");
        } else if (!prevHash.equals(lastHash)) {
            return fail(seq, "prev_hash does not match the hash of seq " + last + " (seq " + last + " or " + seq + " was altered)");
        }
        if (!ChainHash.of(prevHash, body).equals(hash)) {
            return fail(seq, "content does not match its hash (the record was altered)");
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return fail(seq, "content is not JSON");
        }
        if (parsed.path("seq").asLong(-1) != seq || !tenantId.equals(parsed.path("tenant").asText())) {
            return fail(seq, "content names tenant/seq " + parsed.path("seq").asLong(-1)
                    + " (records were moved or reordered)");
        }
        if (row.isPresent() && !row.get().agreesWith(parsed)) {
            return fail(seq, "the row's filter columns disagree with its hashed content (the row was altered)");
        }
        if ("retention".equals(parsed.path("kind").asText())) {
            retentionAnchors.put(parsed.path("retained_from_seq").asLong(), parsed.path("retained_from_prev_hash").asText());
        }
        // Checkpoints below this record sign records before the first one kept (a retention purge
        // took them) or in a gap, which has failed already; their signatures are checked all the same.
        while (pending != null && pending.seq() < seq) {
            if (!advance()) {
                return false;
            }
        }
        if (pending != null && pending.seq() == seq) {
            if (!pending.hash().equals(hash)) {
                return fail(seq, "differs from the signed checkpoint at this seq (the chain was rewritten)");
            }
            checkpointsVerified++;
            lastSigned = seq;
            lastSignedKey = pending.keyId();
            if (!advance()) {
                return false;
            }
        }
        records++;
        last = seq;
        lastHash = hash;
        return true;
    }

    /**
     * Ends the walk; {@code head} is the stored tip when verifying a database (its
     * {@code checkpointSeq} is then checked against the checkpoints met), or the export header's
     * {@code head_seq}/{@code head_hash} (checkpointSeq -1: not known).
     */
    Result finish(Optional<ChainAppender.Head> head) {
        if (failure.isEmpty() && first > 1) {
            String anchor = retentionAnchors.get(first);
            if (anchor == null || !anchor.equals(firstPrev)) {
                fail(first, "records before seq " + first + " are missing and no retention purge accounts for them");
            }
        }
        // Also for a head at seq 0: until session 40 an export whose header said head_seq 0 (or
        // none) skipped this check, so its tail could be cut without a trace.
        if (failure.isEmpty() && head.isPresent()) {
            if (head.get().seq() != last) {
                fail(Math.min(last, head.get().seq()) + 1, "the chain head is at seq " + head.get().seq()
                        + " but the records end at seq " + last);
            } else if (!head.get().hash().equals(lastHash)) {
                fail(last, "differs from the chain head's hash");
            }
        }
        // Skipped when the walk stopped at a fault: then the pending checkpoint may be below it.
        while (failure.isEmpty() && pending != null && pending.seq() <= last) {
            advance();
        }
        if (failure.isEmpty() && pending != null) {
            fail(last + 1, "records from seq " + (last + 1) + " are missing: a signed checkpoint covers seq "
                    + pending.seq() + " (records were deleted from the end)");
        }
        if (failure.isEmpty() && head.isPresent() && head.get().checkpointSeq() >= 0) {
            checkStoredCheckpoint(head.get().checkpointSeq());
        }
        if (failure.isEmpty() && signedHead) {
            checkSignedHead();
        }
        return new Result(records, Math.max(first, 0), last, lastHash, checkpointsVerified, lastSigned, failure);
    }

    /**
     * The head row names the seq of the last checkpoint signed ({@code checkpoint_seq}, written in
     * the checkpoint's transaction): that checkpoint must be the last one met, unless a retention
     * purge took its record. Deleting checkpoint rows to rewrite the records they signed verified
     * until session 40.
     */
    private void checkStoredCheckpoint(long checkpointSeq) {
        long expected = first > 0 && checkpointSeq >= first ? checkpointSeq : 0;
        if (checkpointSeq > last) {
            fail(last + 1, "the chain head says seq " + checkpointSeq + " was checkpointed, but the records end at seq " + last);
        } else if (lastSigned != expected) {
            fail(Math.min(lastSigned, expected) + 1, "the chain head says its last checkpoint is at seq " + checkpointSeq
                    + ", but the last stored checkpoint is at " + (lastSigned == 0 ? "none" : "seq " + lastSigned)
                    + " (checkpoints were deleted or the head was edited; records after seq "
                    + Math.min(lastSigned, expected) + " are not vouched for by a signature)");
        }
    }

    /** An export's rule: its last record is covered by a checkpoint of the key in use. */
    private void checkSignedHead() {
        String current = keys.get().keyIds().getFirst();
        if (records == 0) {
            fail(0, "the export holds no records: there is nothing signed to verify");
        } else if (lastSigned < last) {
            long from = lastSigned < first ? first : lastSigned + 1;
            fail(from, "no signed checkpoint covers the export's head: " + (last - from + 1) + " record(s), seq " + from
                    + ".." + last + ", follow " + (lastSigned < first ? "no checkpoint" : "the last checkpoint (seq " + lastSigned + ")")
                    + ", so nothing vouches for them and anyone could have rewritten them"
                    + " (an export from the gateway ends with a checkpoint of its head since session 40; export again)");
        } else if (!current.equals(lastSignedKey)) {
            fail(last, "the checkpoint of the export's head is signed by key " + lastSignedKey + ", not by the key in use "
                    + current + " (the first --public-key); a replaced key cannot vouch for the head");
        }
    }

    private boolean fail(long seq, String reason) {
        if (failure.isEmpty()) {
            failure = Optional.of(new Failure(seq, reason));
        }
        return false;
    }
}
