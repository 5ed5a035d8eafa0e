package dev.sluice.audit;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deletes a tenant's data older than its retention, per data kind, and audits every purge that
 * deleted anything. Kinds without a configured duration are kept.
 *
 * <ul>
 *   <li>{@code events}: event rows (the dedup keys) received before the cutoff whose dedup window
 *       has passed and that have no pending delivery, and the subject index entries of events
 *       with nothing left to erase;</li>
 *   <li>{@code delivered}: delivered outbox rows that earlier versions kept, payload cleared
 *       (delivery now deletes a row when it is delivered, {@code DeliveryStore#markDelivered});</li>
 *   <li>{@code dead_letters}: dead letters, by when they died;</li>
 *   <li>{@code undeliverable_pending}, {@code undeliverable_dead_letters} (since session 40, under the
 *       dead-letter retention, for tenants whose delivered destinations the purge was given): the
 *       pending copies and dead letters of destinations not among them (removed from their
 *       tenant's configuration, or of a type without a connector), by when they were committed. Nothing delivers such a copy or replays such a dead letter;
 *       they were kept for good before. The record names those destinations
 *       ({@code undeliverable_destinations});</li>
 *   <li>{@code audit}: a prefix of the audit chain. The retention record names the first record
 *       kept and its prev_hash, so verification can tell this purge from a deletion.</li>
 * </ul>
 * Deletes go in bounded chunks, each its own transaction (on PostgreSQL subject keys in one
 * statement, see {@link #SUBJECTS_ALL}). On SQLite every chunk holds the one writer that ingest's
 * group commit needs, and back-to-back chunks (or one unbounded statement) kept ingest waiting
 * for most of a second at a time, so there the chunks are small and the purge pauses after each
 * as long as it took (docs/benchmarks.md, session 10). The audit prefix goes in steps of
 * {@link #AUDIT_STEP} records, each sharing its transaction with a retention record that anchors
 * the chain's new beginning, so the chain verifies after every step (since session 30; before, the
 * whole prefix and the one record shared one transaction).
 */
public final class RetentionPurge {
    /**
     * Rows per chunk. Deleting an events row also moves its audit records' lookup (a row update and
     * an index entry each), so a chunk costs more than its deletes: 200 events rows took about 8 ms
     * on the (slow) benchmark machine, 2,000 took 57 ms, and chunks of 200 with their pauses left
     * ingest's latency where it was without a purge (docs/benchmarks.md, session 10).
     */
    static final int CHUNK = 200;
    /**
     * Rows per chunk on PostgreSQL, which has no single writer to share: ingest does not wait for
     * a purge there, and each statement's check for open deliveries scans the outbox, so fewer,
     * larger chunks (as before session 10), without pauses.
     */
    static final int POSTGRES_CHUNK = 2_000;
    /**
     * Audit records per step of the audit prefix's purge, each step a transaction with its own
     * retention record and followed by a pause as long as it took. The hourly purge of a gateway
     * taking in 1,000 events a second deleted an hour's 3.6 million records in one transaction;
     * 310,000 in one held ingest for about a second (single events' p99 983 ms), in steps of 2,000
     * it stays at 14 ms, at one retention record per 2,000 records purged (docs/benchmarks.md,
     * session 30).
     */
    static final int AUDIT_STEP = 2_000;
    /** Waits between chunks (and between an erasure's parts); {@link Thread#sleep} outside tests. */
    @FunctionalInterface
    interface Pauser {
        /** The longest pause, however long the work before it took. */
        Duration MAX_PAUSE = Duration.ofSeconds(1);

        void pause(Duration duration) throws InterruptedException;

        /**
         * Pauses as long as the work since {@code startedNanos} ({@link System#nanoTime}) took,
         * at most {@link #MAX_PAUSE}; false (the interrupt kept) when interrupted.
         */
        default boolean pauseAfter(long startedNanos) {
            Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
            try {
                pause(took.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : took);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** How long each kind is kept; empty keeps it forever. */
    public record Policy(Optional<Duration> events, Optional<Duration> delivered, Optional<Duration> deadLetters,
                         Optional<Duration> audit) {
        public Policy {
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(delivered, "delivered");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(audit, "audit");
        }
    }

    private final AuditLog log;
    private final Policy policy;
    private final int chunk;
    private final Pauser pauser;
    private final int auditStep;
    /**
     * The ids of the destinations each tenant delivers to (configured, with a connector). A tenant
     * not in it keeps the open rows of every destination: without its configuration nothing tells
     * an undeliverable destination from a live one.
     */
    private final Map<String, Set<String>> destinations;

    /** A purge that leaves every destination's open rows to delivery and the dead-letter retention. */
    public RetentionPurge(AuditLog log, Policy policy) {
        this(log, policy, Map.of());
    }

    /**
     * A purge that also deletes, once older than {@code retention.dead-letters}, the pending copies
     * and dead letters of destinations that are not among their tenant's {@code destinations}.
     */
    public RetentionPurge(AuditLog log, Policy policy, Map<String, Set<String>> destinations) {
        this(log, policy, StoreConfig.POSTGRES.equals(log.sql().dialect()) ? POSTGRES_CHUNK : CHUNK,
                StoreConfig.POSTGRES.equals(log.sql().dialect()) ? d -> { } : Thread::sleep, AUDIT_STEP, destinations);
    }

    RetentionPurge(AuditLog log, Policy policy, int chunk, Pauser pauser) {
        this(log, policy, chunk, pauser, AUDIT_STEP);
    }

    RetentionPurge(AuditLog log, Policy policy, int chunk, Pauser pauser, int auditStep) {
        this(log, policy, chunk, pauser, auditStep, Map.of());
    }

    RetentionPurge(AuditLog log, Policy policy, int chunk, Pauser pauser, int auditStep,
                   Map<String, Set<String>> destinations) {
        this.log = log;
        this.policy = policy;
        this.chunk = chunk;
        this.pauser = pauser;
        this.auditStep = auditStep;
        Map<String, Set<String>> copy = new TreeMap<>();
        destinations.forEach((tenant, ids) -> copy.put(tenant, Set.copyOf(ids)));
        this.destinations = Map.copyOf(copy);
    }

    /**
     * Purges one tenant as of the log's clock.
     *
     * @return rows deleted by kind (empty when the policy keeps everything)
     */
    public Map<String, Long> run(String tenantId) {
        Instant now = log.clock().instant();
        Map<String, Long> purged = new TreeMap<>();
        List<String> undeliverable = List.of();
        try {
            // Before the events: an events row that only a removed destination's copies kept (on
            // SQLite, its copies moved from the delivery log at a start) goes in this same run.
            Set<String> configured = destinations.get(tenantId);
            if (policy.deadLetters().isPresent() && configured != null) {
                Undeliverable u = undeliverable(tenantId, configured, now.minus(policy.deadLetters().get()).toEpochMilli());
                purged.put("undeliverable_pending", u.pending());
                purged.put("undeliverable_dead_letters", u.dead());
                undeliverable = u.destinations();
            }
            policy.events().ifPresent(d -> {
                long cutoff = now.minus(d).toEpochMilli();
                purged.put("events", postgres() ? chunked(EVENTS, tenantId, cutoff, now.toEpochMilli())
                        : chunkedByRowid(EVENTS_SQLITE, "events", tenantId, cutoff, now.toEpochMilli()));
                purged.put("subject_links", postgres()
                        ? once(SUBJECTS_ALL, tenantId, cutoff)
                        : chunkedByRowid(SUBJECTS, "audit_subjects", tenantId, cutoff, null));
            });
            policy.delivered().ifPresent(d -> purged.put("delivered",
                    chunked(OUTBOX.formatted("delivered"), tenantId, now.minus(d).toEpochMilli(), null)));
            policy.deadLetters().ifPresent(d -> purged.put("dead_letters",
                    chunked(OUTBOX.formatted("dead"), tenantId, now.minus(d).toEpochMilli(), null)));
        } catch (Unchecked e) {
            throw StoreException.of("retention purge failed", e.getCause());
        }
        // The audit prefix goes in steps of auditStep records, each with its retention record in
        // its own transaction (the first one also counts the other kinds): every step leaves a
        // chain that verifies, and none holds the writer (SQLite) or the tenant's chain head for a
        // whole hour's records.
        long through = policy.audit().isPresent() ? lastBefore(tenantId, now.minus(policy.audit().get()).toEpochMilli()) : 0;
        long audit = 0;
        boolean first = true;
        boolean more;
        do {
            long started = System.nanoTime();
            Map<String, Long> counts = new TreeMap<>(first ? purged : Map.of());
            List<String> named = first ? undeliverable : List.of();
            more = log.inChain(tenantId, (c, head) -> {
                // Not past what an export or verification running on this log has read: the
                // purge trails it, and its next run deletes the rest.
                long[] step = purgeAuditStep(c, tenantId, Math.min(through, log.readsPassed(tenantId)), auditStep);
                if (policy.audit().isPresent()) {
                    counts.put("audit", step[0]);
                }
                if (counts.values().stream().allMatch(n -> n == 0)) {
                    return new AuditLog.Appended<>(false, List.of());
                }
                long nextSeq = head.seq() + 1;
                long firstKept = firstSeq(c, tenantId).orElse(nextSeq);
                String prev = firstKept == nextSeq ? head.hash() : prevHash(c, tenantId, firstKept);
                return new AuditLog.Appended<>(step[1] == 1, List.of(new AuditEntry.Purged(now, counts, firstKept, prev, named)));
            });
            audit += counts.getOrDefault("audit", 0L);
            first = false;
            if (more && !pauser.pauseAfter(started)) {
                break;
            }
        } while (more);
        if (policy.audit().isPresent()) {
            purged.put("audit", audit);
        }
        return Map.copyOf(purged);
    }

    /** What {@link #undeliverable} deleted: pending copies, dead letters, and of which destinations (sorted). */
    private record Undeliverable(long pending, long dead, List<String> destinations) {
    }

    /**
     * Deletes the open rows, committed before {@code cutoff}, of the tenant's destinations that
     * are not {@code configured} ({@link UndeliverableCopies}): read in passes of at most
     * {@link UndeliverableCopies#PASS} ids, deleted by id in chunks of {@link #chunk}, each its own
     * transaction followed by a pause as long as it took, as the other kinds. An interrupt ends it
     * early (the next run goes on from there).
     */
    private Undeliverable undeliverable(String tenantId, Set<String> configured, long cutoff) {
        List<String> candidates = read(c -> UndeliverableCopies.destinations(c, tenantId, configured));
        long pending = 0;
        long dead = 0;
        java.util.TreeSet<String> deletedFrom = new java.util.TreeSet<>();
        for (String destinationId : candidates) {
            for (String state : UndeliverableCopies.STATES) {
                if (Thread.currentThread().isInterrupted()) {
                    return new Undeliverable(pending, dead, List.copyOf(deletedFrom));
                }
                long deleted = undeliverable(tenantId, destinationId, state, cutoff);
                if (deleted > 0) {
                    deletedFrom.add(destinationId);
                }
                if ("dead".equals(state)) {
                    dead += deleted;
                } else {
                    pending += deleted;
                }
            }
        }
        return new Undeliverable(pending, dead, List.copyOf(deletedFrom));
    }

    private long undeliverable(String tenantId, String destinationId, String state, long cutoff) {
        long total = 0;
        while (true) {
            long[] ids = read(c -> UndeliverableCopies.candidates(c, tenantId, destinationId, state, cutoff,
                    UndeliverableCopies.PASS));
            long pass = 0;
            for (int from = 0; from < ids.length; from += chunk) {
                long started = System.nanoTime();
                int start = from;
                int end = Math.min(ids.length, from + chunk);
                pass += inTransaction(c -> UndeliverableCopies.delete(c, tenantId, destinationId, state, cutoff, ids, start, end));
                if (end < ids.length && !pauser.pauseAfter(started)) {
                    return total + pass;
                }
            }
            total += pass;
            // A short pass was the last; a pass that deleted nothing would read the same ids again.
            if (ids.length < UndeliverableCopies.PASS || pass == 0) {
                return total;
            }
        }
    }

    private <T> T read(dev.sluice.store.SqlAccess.Work<T> work) {
        try {
            return log.sql().read(work);
        } catch (SQLException e) {
            throw new Unchecked(e);
        }
    }

    /**
     * The last seq of the tenant's chain recorded before {@code cutoff}, 0 when none is; read
     * outside any transaction. On the embedded store, which has no index on record times, the
     * prefix is found by bisecting sequence numbers ({@link RecordTimes}) for the records before
     * the cutoff less {@link RecordTimes#SLACK_MILLIS}, so that a record of an earlier version out
     * of time order is never purged before its time: such a record, or one recorded within the
     * slack before the cutoff, goes in the next run.
     */
    private long lastBefore(String tenantId, long cutoff) {
        try {
            return log.sql().read(c -> {
                if (!postgres()) {
                    long firstKept = RecordTimes.firstAtOrAfter(c, tenantId,
                            RecordTimes.shifted(cutoff, -RecordTimes.SLACK_MILLIS));
                    return Math.max(0, firstKept - 1);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT max(seq) FROM audit_records WHERE tenant_id = ? AND recorded_at < ?")) {
                    ps.setString(1, tenantId);
                    ps.setLong(2, cutoff);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw StoreException.of("retention purge failed", e);
        }
    }

    // Each candidate's open outbox rows through the index on event_row_id (V31 of each dialect:
    // SQLite's over every row, PostgreSQL's over open rows only), instead of reading every open
    // outbox row (on SQLite, under the writer).
    static final String EVENTS = """
            DELETE FROM events WHERE id IN (
              SELECT e.id FROM events e WHERE e.tenant_id = ? AND e.received_at < ? AND e.dedup_until <= ?
                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = e.id AND o.state = 'pending')
              LIMIT ?)""";
    // SQLite: an events row whose copies are still in the delivery log (not yet passed by every
    // cursor of its tenant) is kept too; the log is keyed by (tenant, event row id). Each chunk
    // reads a rowid range (see chunkedByRowid), its first two parameters.
    static final String EVENTS_SQLITE = """
            DELETE FROM events WHERE id IN (
              SELECT e.id FROM events e WHERE e.id > ? AND e.id <= ? AND e.tenant_id = ? AND e.received_at < ?
                AND e.dedup_until <= ?
                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = e.id AND o.state = 'pending')
                AND NOT EXISTS (SELECT 1 FROM delivery_log l WHERE l.tenant_id = e.tenant_id AND l.id = e.id)
              LIMIT ?) RETURNING id""";
    // SQLite: subject keys have no key column of their own, so a chunk names its rows by rowid,
    // and reads a rowid range as the events' chunks do.
    static final String SUBJECTS = """
            DELETE FROM audit_subjects WHERE rowid IN (
              SELECT s.rowid FROM audit_subjects s WHERE s.rowid > ? AND s.rowid <= ? AND s.tenant_id = ?
                AND s.received_at < ?
                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = s.event_row_id AND o.state IN ('pending', 'dead'))
                AND NOT EXISTS (SELECT 1 FROM delivery_log l WHERE l.tenant_id = s.tenant_id AND l.id = s.event_row_id)
              LIMIT ?) RETURNING rowid""";
    // PostgreSQL: one statement; ingest does not wait for it there. Its check for open deliveries
    // reads the partial index on open outbox rows (PostgreSQL V31; before it, a sequential scan
    // of the whole outbox).
    static final String SUBJECTS_ALL = """
            DELETE FROM audit_subjects AS s WHERE s.tenant_id = ? AND s.received_at < ?
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = s.event_row_id AND o.state IN ('pending', 'dead'))""";
    private static final String OUTBOX = """
            DELETE FROM outbox WHERE id IN (
              SELECT id FROM outbox WHERE tenant_id = ? AND state = '%s' AND updated_at < ? LIMIT ?)""";

    /**
     * Deletes the next step of the chain's prefix through seq {@code through} (records are only
     * appended, so the prefix stays what it was when the purge began): at most {@code step}
     * records from the tenant's first one, and the checkpoints inside them. Returns the records
     * deleted and 1 when records up to {@code through} are left, else 0.
     */
    private static long[] purgeAuditStep(Connection c, String tenantId, long through, int step) throws SQLException {
        Optional<Long> firstLeft = firstSeq(c, tenantId);
        if (through <= 0 || firstLeft.isEmpty() || firstLeft.get() > through) {
            return new long[] {0, 0};
        }
        // A prefix, by seq: times of replicas' records may interleave, the chain must stay contiguous.
        long end = Math.min(through, firstLeft.get() + step - 1);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_checkpoints WHERE tenant_id = ? AND seq <= ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, end);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_records WHERE tenant_id = ? AND seq <= ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, end);
            return new long[] {ps.executeUpdate(), end < through ? 1 : 0};
        }
    }


    private static Optional<Long> firstSeq(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM audit_records WHERE tenant_id = ?")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(seq);
            }
        }
    }

    private static String prevHash(Connection c, String tenantId, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT prev_hash FROM audit_records WHERE tenant_id = ? AND seq = ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("audit record vanished during retention");
                }
                return ChainHash.read(rs, 1);
            }
        }
    }

    private boolean postgres() {
        return StoreConfig.POSTGRES.equals(log.sql().dialect());
    }

    private long once(String sql, String tenantId, long cutoff) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, tenantId);
                ps.setLong(2, cutoff);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Deletes in chunks of {@link #chunk} rows, one transaction each ({@link #inChunks});
     * {@code now} is bound only for events.
     */
    private long chunked(String sql, String tenantId, long cutoff, Long now) {
        return inChunks(() -> inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, tenantId);
                ps.setLong(i++, cutoff);
                if (now != null) {
                    ps.setLong(i++, now);
                }
                ps.setInt(i, chunk);
                return ps.executeUpdate();
            }
        }));
    }

    /**
     * {@link #chunked} on SQLite for the rows of {@code table} (events, subject keys) received before
     * {@code cutoff}: each chunk reads a rowid range instead of the table from its start, from just
     * past the last row the chunk before it deleted (the rows it passed over stay: they have open
     * deliveries, belong to another tenant, or are inside their dedup window) through the last row
     * received before the cutoff ({@link #lastReceivedBefore}). Without the bounds every chunk read
     * the rows kept before it again, and the last chunk of every run read the rest of the table,
     * all of it on the single writer ingest shares; the subject keys' index on (tenant, time) did
     * that job for them, one index entry per accepted event (V35 drops it).
     */
    private long chunkedByRowid(String sql, String table, String tenantId, long cutoff, Long now) {
        long upper = inTransaction(c -> lastReceivedBefore(c, table, cutoff));
        long[] after = {0};
        return inChunks(() -> inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setLong(i++, after[0]);
                ps.setLong(i++, upper);
                ps.setString(i++, tenantId);
                ps.setLong(i++, cutoff);
                if (now != null) {
                    ps.setLong(i++, now);
                }
                ps.setInt(i, chunk);
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        after[0] = Math.max(after[0], rs.getLong(1));
                        rows++;
                    }
                }
                return rows;
            }
        }));
    }

    /**
     * Runs {@code oneChunk} (which deletes up to {@link #chunk} rows in a transaction and says how
     * many) until a chunk deletes fewer, pausing after each full chunk as long as it took. An
     * interrupt ends the purge early (the next run goes on from there).
     */
    private long inChunks(java.util.function.IntSupplier oneChunk) {
        long total = 0;
        int deleted;
        do {
            long started = System.nanoTime();
            deleted = oneChunk.getAsInt();
            total += deleted;
            if (deleted == chunk && !pauser.pauseAfter(started)) {
                return total;
            }
        } while (deleted == chunk);
        return total;
    }

    /**
     * The last rowid of {@code table} (any tenant) received before {@code cutoff}, or 0 when its
     * first row is not: found by bisecting the rowids, about 25 lookups by rowid for 10 million
     * rows. Rows are appended as they are received, so their times grow with their rowids; where
     * the clock stepped back, a row received before the cutoff may sit past the row found, and
     * is left for a later run, once the cutoff has passed the rows before it.
     */
    static long lastReceivedBefore(Connection c, String table, long cutoff) throws SQLException {
        long[] first = firstFrom(c, table, Long.MIN_VALUE);
        if (first == null || first[1] >= cutoff) {
            return 0;
        }
        long low = first[0];
        long high;
        try (PreparedStatement ps = c.prepareStatement("SELECT max(rowid) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            high = rs.getLong(1);
        }
        // low was received before the cutoff; the answer is in [low, high].
        while (low < high) {
            long mid = low + (high - low + 1) / 2;
            long[] row = firstFrom(c, table, mid);
            if (row != null && row[1] < cutoff) {
                low = row[0];
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** The first row at or after {@code rowid}: its rowid and time received, or null. */
    private static long[] firstFrom(Connection c, String table, long rowid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rowid, received_at FROM " + table + " WHERE rowid >= ? ORDER BY rowid LIMIT 1")) {
            ps.setLong(1, rowid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    private <T> T inTransaction(dev.sluice.store.SqlAccess.Work<T> work) {
        try {
            return log.sql().inTransaction(work);
        } catch (SQLException e) {
            throw new Unchecked(e);
        }
    }

    /** Carries an SQLException out of the lambdas above. */
    private static final class Unchecked extends RuntimeException {
        Unchecked(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
