package dev.sluice.audit;

import dev.sluice.config.TenantConfig;
import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.SubjectDigests;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.StoreConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Erases a data subject's pending data: the outbox rows of their events that were not delivered
 * yet (pending, and dead letters, which would otherwise be replayable), their events' rows in
 * SQLite's delivery log (the copies not delivered yet are counted as pending), and the subject index
 * entries that link those events to them. The erasure is audited in the same transaction, with
 * the kinds of identifier used and the counts, never the identifiers. A subject with more than
 * {@value #PART} events or ledger entries is erased in parts, each its own transaction with its
 * own record (numbered {@code part}, counting what that part erased; the last one also carries
 * {@code parts}), so that ingest, which shares the single writer (SQLite) or waits for the
 * tenant's chain head (PostgreSQL), waits for one part at a time; an erasure stopped between
 * parts (the process ended) has its earlier parts recorded, and repeating the request erases the
 * rest.
 *
 * <p>The identifiers are normalized as at ingest and peppered on arrival ({@link SubjectKeys});
 * nothing raw is stored, logged or returned.
 */
public final class Erasure {
    private static final int CHUNK = 500;
    /**
     * Rows PostgreSQL's driver fetches at a time when an erasure reads a subject's events and
     * entries, which a placeholder identifier can link by the hundred thousand.
     */
    static final int STREAMED_ROWS = 10_000;
    /**
     * The keys in SQLite's audit_subjects rows: raw keys of {@link AuditCompanions#RAW_KEY_BYTES}
     * bytes in a blob, or (rows of earlier versions) hex keys separated by
     * {@link AuditCompanions#KEY_SEPARATOR}.
     */
    static final String KEYS_OF_ROW = "CASE typeof(subject_key) WHEN 'blob'"
            + " THEN length(subject_key) / " + AuditCompanions.RAW_KEY_BYTES
            + " ELSE length(subject_key) - length(replace(subject_key, '" + AuditCompanions.KEY_SEPARATOR + "', '')) + 1"
            + " END";
    /**
     * A subject's open outbox rows, by event row id, through the index on open rows' event row ids
     * (V31). The statement names no other indexed column: with a tenant and a state in it,
     * PostgreSQL, whose statistics lag behind an outbox that grew fast (a destination down for an
     * hour; the ingest benchmark's fill), read every pending row of the tenant through
     * {@code outbox_due} instead, 180-220 ms per 500 events against 1-2 ms (docs/benchmarks.md,
     * session 31). The tenant, the state and the lease are read and checked here.
     */
    static final String OPEN = "SELECT id, tenant_id, state, claimed_by, lease_until FROM outbox"
            + " WHERE state IN ('pending', 'dead') AND event_row_id IN (%s)";
    // SQLite's delivery log: a subject's events' copies that a destination's cursor has not passed
    // yet (each one a pending delivery, as an outbox row would be), then the rows themselves.
    static final String LOGGED_OPEN = "SELECT count(*) FROM delivery_log l JOIN delivery_cursors k"
            + " ON k.tenant_id = l.tenant_id AND instr(l.destinations, '|' || k.destination_id || '|') > 0"
            + " AND l.id > k.settled_through WHERE l.tenant_id = ? AND l.id IN (%s)";
    static final String DELETE_LOGGED = "DELETE FROM delivery_log WHERE tenant_id = ? AND id IN (%s)";

    /**
     * Events (and ledger entries) per part: a subject with more is erased in parts, each its own
     * transaction with its own record, and a pause after each part as long as it took. On SQLite
     * a placeholder email shared by 126,000 events held the single writer for about a second in
     * one transaction (single events' p99 803-849 ms while it ran; about 6 microseconds an event);
     * on PostgreSQL 40,000 events held the tenant's chain head for 3.9 s. 1,000 events take a few
     * milliseconds (docs/benchmarks.md, session 31).
     */
    static final int PART = 1_000;
    /**
     * How often the parts go back for what arrived while they ran (the subject's new events)
     * before the last part takes whatever is left: a bound for a subject whose events arrive
     * about as fast as the parts erase them.
     */
    static final int ROUNDS = 8;

    private final AuditLog log;
    private final int part;
    private final RetentionPurge.Pauser pauser;

    public Erasure(AuditLog log) {
        this(log, PART, Thread::sleep);
    }

    Erasure(AuditLog log, int part, RetentionPurge.Pauser pauser) {
        this.log = log;
        this.part = part;
        this.pauser = pauser;
    }

    /**
     * A subject's identifiers as the request sent them. Never printed.
     *
     * @param country the country phone numbers without a calling code are read in (else the
     *                tenant's default region)
     */
    public record Subject(Optional<String> email, Optional<String> phone, Optional<String> externalId,
                          Optional<String> country) {
        /** Whether no identifier was given. */
        public boolean isEmpty() {
            return count() == 0;
        }

        /** How many identifiers (email, phone, external id) were given. */
        public int count() {
            return (email.isPresent() ? 1 : 0) + (phone.isPresent() ? 1 : 0) + (externalId.isPresent() ? 1 : 0);
        }

        @Override
        public String toString() {
            return "Subject[redacted]";
        }
    }

    /**
     * What was erased.
     *
     * @param auditSeq        the erasure's audit record (its last, when it took several parts)
     * @param identifierKinds which identifiers the request carried and could be normalized
     * @param erased          counts by kind, over all parts: {@code pending_deliveries}, {@code dead_letters},
     *                        {@code subject_links}, and {@code in_flight} (rows a delivery had
     *                        already claimed: they were removed, but may have been sent just before)
     */
    public record Result(long auditSeq, List<String> identifierKinds, Map<String, Long> erased) {
    }

    /**
     * The identifiers {@code subject} carries that cannot be normalized as at ingest (an email
     * without a domain, an impossible phone number), by their JSON names: they would find nobody.
     */
    public static List<String> unusable(TenantConfig tenant, Subject subject) {
        Map<PiiField, String> identifiers = SubjectKeys.present(subject.email(), subject.phone(), subject.externalId());
        String region = SubjectDigests.region(subject.country(), tenant.defaultRegion());
        List<String> unusable = new ArrayList<>();
        for (PiiField field : SubjectKeys.FIELDS) {
            if (identifiers.get(field) != null && SubjectDigests.of(field, identifiers.get(field), region).isEmpty()) {
                unusable.add(field.jsonName());
            }
        }
        return unusable;
    }

    /** Erases the subject's pending data for {@code tenant}. */
    public Result erase(TenantConfig tenant, TenantCrypto crypto, Subject subject) {
        Map<PiiField, String> identifiers = SubjectKeys.present(subject.email(), subject.phone(), subject.externalId());
        String region = SubjectDigests.region(subject.country(), tenant.defaultRegion());
        List<String> kinds = new ArrayList<>();
        for (PiiField field : SubjectKeys.FIELDS) {
            if (!SubjectDigests.of(field, identifiers.get(field), region).isEmpty()) {
                kinds.add(field.jsonName());
            }
        }
        List<String> keys = SubjectKeys.of(crypto, identifiers, region);
        List<String> ledgerKeys = dev.sluice.ledger.LedgerCustomers.keys(crypto, subject.email(), subject.externalId());
        boolean packed = StoreConfig.SQLITE.equals(log.sql().dialect());
        Found found;
        try {
            found = packed ? SqliteFound.of(log.sql(), tenant.id(), keys, ledgerKeys)
                    : PostgresFound.of(log.sql(), tenant.id(), keys, ledgerKeys, part);
        } catch (SQLException e) {
            throw dev.sluice.store.StoreException.of("erasure failed", e);
        }
        // A subject with many events (a placeholder email) in parts, each a short hold of the
        // writer (SQLite) or of the tenant's chain head (PostgreSQL); what arrived meanwhile is
        // taken in outside again, and parted, before the last.
        Map<String, Long> total = counts();
        int parts = 0;
        for (int round = 0; round < ROUNDS && found.unparted() > part; round++) {
            while (found.unparted() > part) {
                Part next = found.takeFirst(part);
                int number = ++parts;
                long started = System.nanoTime();
                Result done = log.inChain(tenant.id(), (c, head) -> {
                    Map<String, Long> erased = counts();
                    erased.put("ledger_customer_links", dev.sluice.ledger.LedgerCustomers.unlinkPart(c, tenant.id(), next.entries()));
                    Instant now = log.clock().instant();
                    deleteOpen(c, tenant.id(), longs(next.events()), now, packed, erased);
                    if (packed) {
                        erased.put("subject_links", deleteSubjectRows(c, tenant.id(), next.events(), next.candidateRowids()));
                    }
                    AuditEntry.Erased entry = new AuditEntry.Erased(now, kinds, erased, number, false);
                    return new AuditLog.Appended<>(new Result(head.seq() + 1, kinds, Map.copyOf(erased)), List.of(entry));
                });
                done.erased().forEach((kind, n) -> total.merge(kind, n, Long::sum));
                pauser.pauseAfter(started);
            }
            try {
                found.refresh();
            } catch (SQLException e) {
                throw dev.sluice.store.StoreException.of("erasure failed", e);
            }
        }
        int lastPart = parts + 1;
        Result last = log.inChain(tenant.id(), (c, head) -> {
            Map<String, Long> erased = counts();
            Instant now = log.clock().instant();
            if (found instanceof SqliteFound sqlite) {
                SubjectScan scan = sqlite.scan();
                scan.catchUp(c);
                long[] events = scan.events();
                // The ledger keeps the revenue but forgets whose it was (CLV stops counting them).
                erased.put("ledger_customer_links", dev.sluice.ledger.LedgerCustomers.unlinkFound(c, sqlite.ledger(), events));
                deleteOpen(c, tenant.id(), longs(events), now, true, erased);
                erased.put("subject_links", deleteSubjectRows(c, tenant.id(), events, scan.candidateRowids()));
            } else {
                List<Long> events = longs(events(c, tenant.id(), keys));
                List<String> booked = ((PostgresFound) found).ledgerKeys();
                erased.put("ledger_customer_links", dev.sluice.ledger.LedgerCustomers.unlink(c, tenant.id(), booked, events));
                deleteOpen(c, tenant.id(), events, now, false, erased);
            }
            AuditEntry.Erased entry = new AuditEntry.Erased(now, kinds, erased, lastPart, true);
            return new AuditLog.Appended<>(new Result(head.seq() + 1, kinds, Map.copyOf(erased)), List.of(entry));
        });
        last.erased().forEach((kind, n) -> total.merge(kind, n, Long::sum));
        return new Result(last.auditSeq(), kinds, Map.copyOf(total));
    }

    /**
     * One part of a large erasure: events (sorted), the subject rows that may hold them
     * (SQLite; PostgreSQL deletes them by event), and ledger entries (sorted).
     */
    private record Part(long[] events, long[] candidateRowids, long[] entries) {
    }

    /** What an erasure found of the subject's, outside any transaction, and has not parted yet. */
    private sealed interface Found permits SqliteFound, PostgresFound {
        /** The larger of the events and the ledger entries found and not parted yet. */
        int unparted();

        /** Takes the first {@code max} events and entries (in id order) out, as a part. */
        Part takeFirst(int max);

        /** Outside the transactions again, after parts: takes in what arrived while they ran. */
        void refresh() throws SQLException;
    }

    /**
     * SQLite: the subject rows' and the ledger's whole tables read in ranges while ingest goes on
     * ({@link SubjectScan}, {@code LedgerCustomers.find}), then one short step for what arrived
     * during them; the last transaction reads only what arrives during that step.
     */
    private record SqliteFound(dev.sluice.store.SqlAccess sql, SubjectScan scan, dev.sluice.ledger.LedgerCustomers.Found ledger)
            implements Found {
        static SqliteFound of(dev.sluice.store.SqlAccess sql, String tenantId, List<String> keys, List<String> ledgerKeys)
                throws SQLException {
            SubjectScan scan = SubjectScan.find(sql, tenantId, keys);
            dev.sluice.ledger.LedgerCustomers.Found ledger = dev.sluice.ledger.LedgerCustomers.find(sql, tenantId, ledgerKeys,
                    scan::holdsEvent, scan.lastLedgerId());
            SqliteFound found = new SqliteFound(sql, scan, ledger);
            // What arrived during those reads, read once more outside: the transaction then
            // reads only what arrives during this short step, however long the scan took.
            found.refresh();
            return found;
        }

        @Override
        public int unparted() {
            return Math.max(scan.eventCount(), ledger.remainingCount());
        }

        @Override
        public Part takeFirst(int max) {
            SubjectScan.Part events = scan.takeFirst(max);
            return new Part(events.events(), events.candidateRowids(), ledger.takeFirst(max));
        }

        @Override
        public void refresh() throws SQLException {
            scan.advance(sql);
            ledger.advance(sql, scan::holdsEvent, scan.lastLedgerId());
        }
    }

    /**
     * PostgreSQL: the subject's events through the key index, and the ledger entries booked under
     * their keys, through the indexes on event row ids and customer keys. A part deletes its
     * events' subject rows, so what is read again later is what no part has taken, and what came
     * since; the last transaction finds its events again through the key index, and unlinks by
     * {@link #ledgerKeys}, which also reaches entries booked since.
     */
    private static final class PostgresFound implements Found {
        private final dev.sluice.store.SqlAccess sql;
        private final String tenantId;
        private final List<String> keys;
        private final List<String> subjectLedgerKeys;
        private long[] events;
        private int eventsFrom;
        private long[] entries;
        private int entriesFrom;
        private List<String> ledgerKeys;
        /** Events or entries beyond which the tables' statistics are gathered (a part's size: the erasure goes in parts). */
        private final int analyzeAbove;
        private boolean analyzed;

        private PostgresFound(dev.sluice.store.SqlAccess sql, String tenantId, List<String> keys, List<String> ledgerKeys,
                              int analyzeAbove) {
            this.sql = sql;
            this.tenantId = tenantId;
            this.keys = keys;
            this.subjectLedgerKeys = ledgerKeys;
            this.analyzeAbove = analyzeAbove;
        }

        static PostgresFound of(dev.sluice.store.SqlAccess sql, String tenantId, List<String> keys, List<String> ledgerKeys,
                                int analyzeAbove) throws SQLException {
            PostgresFound found = new PostgresFound(sql, tenantId, keys, ledgerKeys, analyzeAbove);
            found.refresh();
            return found;
        }

        /**
         * Before the parts of a large erasure: gathers the statistics of the tables the parts read
         * by event row id and entry id. Without them (tables grown fast since autovacuum last
         * looked, as in the load scripts) PostgreSQL planned those reads through the indexes that
         * lead with the tenant, reading every row of the tenant's for each 500 events (0.2-0.8 s
         * a statement, minutes for a 49,000-event subject; docs/benchmarks.md, session 31). A
         * role that may not analyze leaves the statistics as they are. Once per erasure
         * ({@link #refresh} decides): as soon as the subject's events are known to outnumber a
         * part, since reading the ledger for them is planned as badly (docs/benchmarks.md,
         * session 32), or once its entries do.
         */
        private void analyze() {
            if (analyzed) {
                return;
            }
            analyzed = true;
            for (String table : List.of("audit_subjects", "ledger_entries", "outbox")) {
                try {
                    sql.read(c -> {
                        try (java.sql.Statement st = c.createStatement()) {
                            st.execute("ANALYZE " + table);
                        }
                        return null;
                    });
                } catch (SQLException e) {
                    System.getLogger(Erasure.class.getName()).log(System.Logger.Level.WARNING,
                            "event=erasure_analyze_failed table={0} sqlstate={1}", table, e.getSQLState());
                }
            }
        }

        /** The subject's ledger keys and those their events' entries were booked under, as last read. */
        List<String> ledgerKeys() {
            return ledgerKeys;
        }

        @Override
        public int unparted() {
            return Math.max(events.length - eventsFrom, entries.length - entriesFrom);
        }

        @Override
        public Part takeFirst(int max) {
            int e = Math.min(max, events.length - eventsFrom);
            int l = Math.min(max, entries.length - entriesFrom);
            Part part = new Part(java.util.Arrays.copyOfRange(events, eventsFrom, eventsFrom + e), null,
                    java.util.Arrays.copyOfRange(entries, entriesFrom, entriesFrom + l));
            eventsFrom += e;
            entriesFrom += l;
            return part;
        }

        /**
         * Reads the subject's events, then the ledger entries booked for them, each read in a
         * transaction that only reads, so that PostgreSQL's driver streams the rows
         * {@link #STREAMED_ROWS} at a time through a cursor: with autocommit on it holds a query's
         * whole result before handing out the first row (about 70 bytes a row), and a subject
         * with 560,000 events ran the shipped 64 MiB heap out and stopped the gateway
         * (docs/benchmarks.md, session 32). More events than a part holds: the tables'
         * statistics are gathered before the ledger is read ({@link #analyze}).
         */
        @Override
        public void refresh() throws SQLException {
            events = streamed(c -> Erasure.events(c, tenantId, keys));
            if (events.length > analyzeAbove) {
                analyze();
            }
            dev.sluice.ledger.LedgerCustomers.Booked booked = streamed(c -> dev.sluice.ledger.LedgerCustomers.booked(c, tenantId,
                    subjectLedgerKeys, longs(events), STREAMED_ROWS));
            entries = booked.entries();
            ledgerKeys = booked.keys();
            if (entries.length > analyzeAbove) {
                analyze();   // for the parts' reads by entry id
            }
            eventsFrom = 0;
            entriesFrom = 0;
        }

        /** {@code work} in a transaction that only reads, so that statements with a fetch size stream. */
        private <T> T streamed(dev.sluice.store.SqlAccess.Work<T> work) throws SQLException {
            return sql.read(c -> {
                boolean autoCommit = c.getAutoCommit();
                if (autoCommit) {
                    c.setAutoCommit(false);
                }
                try {
                    return work.run(c);
                } finally {
                    if (autoCommit) {
                        c.rollback();   // it only read
                        c.setAutoCommit(true);
                    }
                }
            });
        }
    }

    /** Every count an erasure answers, at zero. */
    private static Map<String, Long> counts() {
        Map<String, Long> erased = new TreeMap<>();
        for (String kind : List.of("in_flight", "pending_deliveries", "dead_letters", "subject_links", "ledger_customer_links")) {
            erased.put(kind, 0L);
        }
        return erased;
    }

    /**
     * Deletes the open deliveries of {@code events} (sorted event row ids): outbox rows pending and
     * dead, counting those a delivery had claimed; on SQLite ({@code packed}) also their delivery
     * log rows, counting the copies not delivered yet. PostgreSQL deletes their subject rows here.
     */
    private static void deleteOpen(Connection c, String tenantId, List<Long> events, Instant now, boolean packed,
                                   Map<String, Long> erased) throws SQLException {
        for (int from = 0; from < events.size(); from += CHUNK) {
            List<Long> chunk = events.subList(from, Math.min(events.size(), from + CHUNK));
            String in = " AND event_row_id IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            deleteOutboxRows(c, tenantId, chunk, now, erased);
            if (packed) {
                String ids = "?,".repeat(chunk.size() - 1) + "?";
                erased.merge("pending_deliveries", update(c, LOGGED_OPEN.formatted(ids), tenantId, chunk), Long::sum);
                update(c, DELETE_LOGGED.formatted(ids), tenantId, chunk);
            } else {
                erased.merge("subject_links", update(c, "DELETE FROM audit_subjects WHERE tenant_id = ?" + in,
                        tenantId, chunk), Long::sum);
            }
        }
    }

    /**
     * SQLite: deletes the subject rows of the found rows' events, found by rowid among the found
     * rows and their neighbours (an event's rows are written together), and counts their keys:
     * a row holds all keys of its event (AuditCompanions), so the keys are counted, as PostgreSQL
     * counts rows.
     */
    private static long deleteSubjectRows(Connection c, String tenantId, long[] events, long[] candidates)
            throws SQLException {
        long keys = 0;
        for (int from = 0; from < candidates.length; from += CHUNK) {
            int to = Math.min(candidates.length, from + CHUNK);
            long[] rows = new long[to - from];
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT rowid, event_row_id FROM audit_subjects WHERE tenant_id = ?"
                    + " AND rowid IN (" + "?,".repeat(to - from - 1) + "?)")) {
                ps.setString(1, tenantId);
                for (int i = from; i < to; i++) {
                    ps.setLong(i - from + 2, candidates[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (java.util.Arrays.binarySearch(events, rs.getLong(2)) >= 0) {
                            rows[n++] = rs.getLong(1);
                        }
                    }
                }
            }
            if (n == 0) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_subjects WHERE rowid IN ("
                    + "?,".repeat(n - 1) + "?) RETURNING " + KEYS_OF_ROW)) {
                for (int i = 0; i < n; i++) {
                    ps.setLong(i + 1, rows[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys += rs.getLong(1);
                    }
                }
            }
        }
        return keys;
    }

    private static List<Long> longs(long[] sorted) {
        return new java.util.AbstractList<>() {
            @Override
            public Long get(int index) {
                java.util.Objects.checkIndex(index, sorted.length);
                return sorted[index];
            }

            @Override
            public int size() {
                return sorted.length;
            }
        };
    }

    /**
     * PostgreSQL: the events linked to any of {@code keys}, in id order, distinct, found through
     * the key index (one row per key); held as a {@code long[]} (8 bytes an event: a placeholder
     * email shared by a million events would have been about 90 MB as a set of boxed ids). SQLite
     * finds them with {@link SubjectScan}.
     */
    private static long[] events(Connection c, String tenantId, List<String> keys) throws SQLException {
        long[] ids = new long[64];
        int count = 0;
        for (int from = 0; from < keys.size(); from += CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT event_row_id FROM audit_subjects WHERE tenant_id = ?"
                    + " AND subject_key IN (" + "?,".repeat(chunk.size() - 1) + "?)")) {
                ps.setFetchSize(STREAMED_ROWS);   // inside a transaction, streamed (PostgresFound.refresh)
                ps.setString(1, tenantId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (count == ids.length) {
                            ids = java.util.Arrays.copyOf(ids, count * 2);
                        }
                        ids[count++] = rs.getLong(1);
                    }
                }
            }
        }
        // Keys of one chunk are distinct per query; across chunks an event may come twice.
        return SubjectScan.sortedDistinct(ids, count);
    }

    /**
     * Deletes the open outbox rows of {@code events} (a chunk) that belong to the tenant, counting
     * them: pending ones as pending deliveries (and, when a delivery holds their lease, in flight),
     * dead ones as dead letters.
     */
    private static void deleteOutboxRows(Connection c, String tenantId, List<Long> events, Instant now,
                                         Map<String, Long> erased) throws SQLException {
        List<Long> ids = new ArrayList<>();
        long pending = 0;
        long dead = 0;
        long inFlight = 0;
        try (PreparedStatement ps = c.prepareStatement(OPEN.formatted("?,".repeat(events.size() - 1) + "?"))) {
            for (int i = 0; i < events.size(); i++) {
                ps.setLong(i + 1, events.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!tenantId.equals(rs.getString(2))) {
                        continue;
                    }
                    ids.add(rs.getLong(1));
                    if ("dead".equals(rs.getString(3))) {
                        dead++;
                        continue;
                    }
                    pending++;
                    long leaseUntil = rs.getLong(5);
                    boolean leased = !rs.wasNull() && leaseUntil > now.toEpochMilli();
                    if (leased && rs.getString(4) != null) {
                        inFlight++;
                    }
                }
            }
        }
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id IN (" + "?,".repeat(chunk.size() - 1) + "?)")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setLong(i + 1, chunk.get(i));
                }
                ps.executeUpdate();
            }
        }
        erased.merge("pending_deliveries", pending, Long::sum);
        erased.merge("dead_letters", dead, Long::sum);
        erased.merge("in_flight", inFlight, Long::sum);
    }

    /** Runs a count query or an update over a tenant and a chunk of event row ids. */
    private static long update(Connection c, String sql, String tenantId, List<Long> eventRowIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            for (int i = 0; i < eventRowIds.size(); i++) {
                ps.setLong(i + 2, eventRowIds.get(i));
            }
            if (sql.startsWith("SELECT")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
            return ps.executeUpdate();
        }
    }
}
