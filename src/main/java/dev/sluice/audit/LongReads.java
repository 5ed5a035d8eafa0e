package dev.sluice.audit;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Reads of a tenant's whole chain (exports, verification) that take many short reads: a page of
 * records each ({@link AuditReader#PAGE}), then the checkpoints. None of them holds a transaction
 * across its pages: on SQLite a read transaction open for the length of an export that a slow
 * client drains for minutes would keep the write-ahead log from restarting all that time, and on
 * PostgreSQL it would hold a pooled connection and a snapshot that vacuum must keep rows for.
 * What commits between the pages is dealt with here instead:
 * <ul>
 *   <li>appends and checkpoints: the read is cut at the head it reads first ({@link Cut}); what
 *       comes after is left out, and the head it reports is the last record it hands out;</li>
 *   <li>a retention purge, which deletes the chain's beginning in steps, each a transaction with
 *       a retention record that anchors the new beginning (appended after the cut, so out of the
 *       read): when a step deletes records the read has not reached, the read stops with
 *       {@link OvertakenByPurge} ({@link #stream}) rather than hand out a chain with a gap, which
 *       verification reports as records deleted;</li>
 *   <li>an erasure appends its record after the cut and rewrites no record (it clears the row's
 *       event row id, a locator outside the hashed body and the columns read here).</li>
 * </ul>
 * Both stores behave alike: every page is one statement, so one snapshot, on SQLite's reader and
 * on a PostgreSQL connection in autocommit, and every write commits whole.
 */
final class LongReads {
    private final AuditReader reader;
    /**
     * The reads running in this process, per tenant: each holds the last seq it handed out (or the
     * one before its first record). A retention purge of the same {@link AuditLog} deletes no record
     * past the lowest of them ({@link #passed}), so a read in this process is never overtaken: the
     * purge trails it, and what it leaves goes at its next run. A purge in another process
     * (another PostgreSQL replica) does not see them; {@link #stream} detects that one instead.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.Set<Position>> running =
            new java.util.concurrent.ConcurrentHashMap<>();

    LongReads(AuditReader reader) {
        this.reader = reader;
    }

    /**
     * How long a read holds a purge back: an export whose client stopped reading (a blocked write)
     * must not keep records past their retention for good. Past it, a purge goes on and the read,
     * should it resume, is overtaken and says so, as a read in another process is.
     */
    static final java.time.Duration MAX_HOLD = java.time.Duration.ofMinutes(30);

    /** A running read's position: the last seq it has handed out, and when it began. */
    private static final class Position {
        final long openedNanos;
        volatile long passed;

        Position(long passed, long openedNanos) {
            this.passed = passed;
            this.openedNanos = openedNanos;
        }
    }

    /** The highest seq a purge may delete without overtaking a read of the tenant running here; {@link Long#MAX_VALUE} when none runs. */
    long passed(String tenantId) {
        return passed(tenantId, System.nanoTime());
    }

    /** As {@link #passed(String)}, at {@code nowNanos} ({@link System#nanoTime()}): reads older than {@link #MAX_HOLD} do not count. */
    long passed(String tenantId, long nowNanos) {
        long lowest = Long.MAX_VALUE;
        for (Position p : running.getOrDefault(tenantId, java.util.Set.of())) {
            if (nowNanos - p.openedNanos < MAX_HOLD.toNanos()) {
                lowest = Math.min(lowest, p.passed);
            }
        }
        return lowest;
    }

    private Position open(String tenantId, long passed) {
        Position p = new Position(passed, System.nanoTime());
        // In compute, as close removes an emptied set in computeIfPresent: added to a set being
        // removed, a read would hold nothing back.
        running.compute(tenantId, (t, set) -> {
            java.util.Set<Position> reads = set == null ? java.util.concurrent.ConcurrentHashMap.newKeySet() : set;
            reads.add(p);
            return reads;
        });
        return p;
    }

    private void close(String tenantId, Position p) {
        running.computeIfPresent(tenantId, (t, set) -> {
            set.remove(p);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Where a long read stops, read before its first page: the first record after the read's
     * cursor, the seq of the last checkpoint, and the head row, in that order. Heads only grow and
     * a checkpoint is written with its head, so every checkpoint up to the one read is at or below
     * the head read after it; one signed between the two reads is named by the head's
     * {@code checkpoint_seq} ({@link #checkpointsThrough}). The first record is read before the
     * head so that a purge committed after it is noticed ({@link #stream}) rather than taken for
     * a chain that begins later, whose anchoring retention record lies beyond the head.
     *
     * @param firstSeq          the first record after the cursor when the read began, 0 when none
     * @param lastCheckpointSeq the seq of the last checkpoint stored then, 0 when none
     * @param head              the head row then, empty for a tenant without records
     */
    record Cut(long firstSeq, long lastCheckpointSeq, Optional<ChainAppender.Head> head) {
        /** The last record the read hands out: the head's. */
        long until() {
            return head.map(ChainAppender.Head::seq).orElse(0L);
        }

        /** The checkpoints the read takes: up to the last one read, or to the one the head names if it was signed since. */
        long checkpointsThrough() {
            return Math.max(lastCheckpointSeq, head.map(ChainAppender.Head::checkpointSeq).orElse(0L));
        }
    }

    /** Receives records one at a time; returns false to stop. */
    @FunctionalInterface
    interface Sink {
        boolean accept(StoredRecord record) throws IOException;
    }

    /** The cut of a read of the tenant's records after seq {@code afterSeq}, as of now. */
    Cut cut(String tenantId, long afterSeq) throws SQLException {
        long first = reader.firstSeqAfter(tenantId, afterSeq);
        long checkpointed = reader.lastCheckpointSeq(tenantId);
        return new Cut(first, checkpointed, reader.head(tenantId));
    }

    /**
     * Every record matching {@code query} up to the cut's head, in seq order, page by page. A
     * retention purge deletes a prefix of the chain, so records the next page should begin with
     * were deleted by one exactly when a record already read (the last one of the page before,
     * or the cut's first record) is gone as well. After a page that does not continue the chain
     * where the page before ended (and after every page of a filtered read, whose pages have gaps
     * of their own), that record is looked up; if it is gone, the read stops before handing out
     * anything of the page. A gap with that record still there lies in the stored chain itself and
     * is handed out, for verification to report. A purge committed between a page and the look-up
     * that follows it stops a read that had lost nothing; that costs a new start, never a gap.
     *
     * @throws OvertakenByPurge when a retention purge deleted records the read had not reached
     */
    void stream(String tenantId, AuditQuery query, Cut cut, Sink sink) throws SQLException, IOException {
        Position position = open(tenantId, Math.max(0, cut.firstSeq() - 1));
        try {
            stream(tenantId, query, cut, sink, position);
        } finally {
            close(tenantId, position);
        }
    }

    private void stream(String tenantId, AuditQuery query, Cut cut, Sink sink, Position position)
            throws SQLException, IOException {
        boolean whole = !query.filtered();
        long until = cut.until();
        long watched = cut.firstSeq();
        long expected = cut.firstSeq();
        long handedOut = 0;
        AuditQuery next = query;
        while (true) {
            List<StoredRecord> rows = reader.page(tenantId, next, AuditReader.PAGE);
            boolean continues = whole && !rows.isEmpty() && rows.getFirst().seq() == expected;
            if (watched > 0 && !continues && !reader.hasRecord(tenantId, watched)) {
                throw new OvertakenByPurge(handedOut);
            }
            for (StoredRecord row : rows) {
                if (row.seq() > until || !sink.accept(row)) {
                    return;
                }
                handedOut = row.seq();
                position.passed = handedOut;
            }
            // At the head, no page more: a purge of the whole chain would make its look-up fail.
            if (rows.size() < AuditReader.PAGE || rows.getLast().seq() >= until) {
                return;
            }
            watched = rows.getLast().seq();
            expected = watched + 1;
            next = next.after(watched);
        }
    }

    /**
     * Verifies the tenant's whole stored chain against its checkpoints and head as cut when the
     * verification begins. When a retention purge deletes records the walk has not reached
     * ({@link OvertakenByPurge}), or a walk that failed began with a record a purge has since
     * deleted (the checkpoints are read as the walk reaches them, so a purge may take the one
     * the head names before it is read), the verification begins again from the chain's new
     * beginning, up to {@link OvertakenByPurge#ATTEMPTS} times in all.
     *
     * @throws OvertakenByPurge when purges overtook every attempt
     */
    ChainVerifier.Result verify(String tenantId, TrustedKeys keys) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Cut cut = cut(tenantId, 0);
            ChainVerifier.Result result;
            try {
                result = verify(tenantId, keys, cut);
            } catch (OvertakenByPurge e) {
                if (attempt == OvertakenByPurge.ATTEMPTS) {
                    throw e;
                }
                continue;
            }
            if (result.ok() || cut.firstSeq() == 0 || reader.hasRecord(tenantId, cut.firstSeq())) {
                return result;
            }
            if (attempt == OvertakenByPurge.ATTEMPTS) {
                throw new OvertakenByPurge(result.lastSeq());
            }
        }
    }

    private ChainVerifier.Result verify(String tenantId, TrustedKeys keys, Cut cut) throws SQLException {
        ChainVerifier verifier = new ChainVerifier(tenantId, Optional.of(keys),
                reader.checkpoints(tenantId, cut.checkpointsThrough()));
        try {
            stream(tenantId, AuditQuery.all(), cut, r -> verifier.record(r.seq(), r.prevHash(), r.hash(), r.body(), Optional.of(r)));
        } catch (IOException e) {
            throw new IllegalStateException("verification writes nothing", e);
        }
        return verifier.finish(cut.head());
    }
}
