package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
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
 * Not thread-safe; one instance per verification.
 */
final class ChainVerifier {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String tenantId;
    private final Optional<TrustedKeys> keys;
    private final TreeMap<Long, Checkpoint> checkpoints = new TreeMap<>();
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

    /** @param keys the public keys checkpoints must verify under; empty skips signature checks */
    ChainVerifier(String tenantId, Optional<TrustedKeys> keys) {
        this.tenantId = tenantId;
        this.keys = keys;
    }

    /** Registers a checkpoint; call for all of them before the records. */
    void checkpoint(Checkpoint cp) {
        if (failure.isPresent()) {
            return;
        }
        if (!cp.tenantId().equals(tenantId)) {
            fail(cp.seq(), "checkpoint names another tenant");
        } else if (keys.isPresent() && keys.get().find(cp.keyId()).isEmpty()) {
            fail(cp.seq(), "checkpoint is signed by key " + cp.keyId() + ", which is not a trusted key "
                    + keys.get().keyIds() + " (after a key rotation, trust the previous public key too)");
        } else if (keys.isPresent() && !keys.get().find(cp.keyId()).get().verifies(cp)) {
            fail(cp.seq(), "checkpoint signature does not verify with the public key " + cp.keyId());
        } else {
            checkpoints.put(cp.seq(), cp);
        }
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
        Checkpoint cp = checkpoints.get(seq);
        if (cp != null) {
            if (!cp.hash().equals(hash)) {
                return fail(seq, "differs from the signed checkpoint at this seq (the chain was rewritten)");
            }
            checkpointsVerified++;
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
        if (failure.isEmpty() && !checkpoints.isEmpty() && checkpoints.lastKey() > last) {
            long signed = checkpoints.ceilingKey(last + 1);
            fail(last + 1, "records from seq " + (last + 1) + " are missing: a signed checkpoint covers seq " + signed
                    + " (records were deleted from the end)");
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
