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
 *       a record that is missing (end deleted).</li>
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
     */
    record Result(long records, long firstSeq, long lastSeq, String lastHash, int checkpointsVerified,
                  Optional<Failure> failure) {
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
        this.tenantId = tenantId;
        this.keys = keys;
        this.checkpoints = checkpoints;
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
        } else if (seq != last + 1) {
            return fail(last + 1, "record missing: seq " + (last + 1) + " to " + (seq - 1) + " not found before seq " + seq);
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
            if (!advance()) {
                return false;
            }
        }
        records++;
        last = seq;
        lastHash = hash;
        return true;
    }

    /** Ends the walk; {@code head} is the stored tip, when verifying a database. */
    Result finish(Optional<ChainAppender.Head> head) {
        if (failure.isEmpty() && first > 1) {
            String anchor = retentionAnchors.get(first);
            if (anchor == null || !anchor.equals(firstPrev)) {
                fail(first, "records before seq " + first + " are missing and no retention purge accounts for them");
            }
        }
        if (failure.isEmpty() && head.isPresent() && head.get().seq() > 0) {
            if (head.get().seq() != last) {
                fail(last + 1, "the chain head is at seq " + head.get().seq() + " but the records end at seq " + last);
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
        return new Result(records, Math.max(first, 0), last, lastHash, checkpointsVerified, failure);
    }

    private boolean fail(long seq, String reason) {
        if (failure.isEmpty()) {
            failure = Optional.of(new Failure(seq, reason));
        }
        return false;
    }
}
