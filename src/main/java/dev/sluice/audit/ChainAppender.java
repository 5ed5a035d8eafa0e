package dev.sluice.audit;

import dev.sluice.store.MultiRowInsert;
import dev.sluice.store.StatementCache;
import dev.sluice.store.StoreConfig;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Appends records to a tenant's chain inside an open transaction, and signs checkpoints.
 *
 * <p>Every append first locks the tenant's head row and holds it until the transaction ends:
 * on PostgreSQL with {@code SELECT ... FOR UPDATE}, so that replicas sharing the database append
 * one after another and the chain never forks; on SQLite the single writer connection already
 * serializes transactions. Callers that append for several tenants in one transaction lock
 * them in tenant id order, so two such transactions cannot deadlock.
 */
final class ChainAppender {
    private static final String SELECT_HEAD = """
            SELECT seq, hash, checkpoint_seq, checkpoint_at, policy_sha256 FROM audit_heads WHERE tenant_id = ?""";
    /**
     * The embedded store's: also the time of the record at the head (by the primary key), which
     * the next record's time may not fall below ({@link #appendRendered}).
     */
    private static final String SELECT_HEAD_TIMED = """
            SELECT seq, hash, checkpoint_seq, checkpoint_at, policy_sha256,
                   (SELECT recorded_at FROM audit_records r WHERE r.tenant_id = h.tenant_id AND r.seq = h.seq)
            FROM audit_heads h WHERE tenant_id = ?""";
    private static final String CREATE_HEAD = """
            INSERT INTO audit_heads (tenant_id, seq, hash, checkpoint_seq, checkpoint_at)
            VALUES (?, 0, ?, 0, ?) ON CONFLICT (tenant_id) DO NOTHING""";
    private static final String UPDATE_HEAD = """
            UPDATE audit_heads SET seq = ?, hash = ?, checkpoint_seq = ?, checkpoint_at = ? WHERE tenant_id = ?""";
    /**
     * One record to insert, its chain fields already computed; {@code eventRowId} is the events
     * row a decision record was written with, or {@link #NO_EVENT_ROW}. {@code prev} is the
     * previous hash's text as UTF-8 bytes and {@code prevRaw} the 32 bytes it stands for (null when
     * it is not 64 lower-case hex digits, {@link ChainHash#rawOf}); {@code hash} is the record's
     * digest and {@code hashText} its hex digits as ASCII. {@code rawHashes}: whether hashes are
     * stored as raw bytes (the embedded store) or as text (docs/audit.md, Stored form).
     * {@code rowid}: the record's rowid on the embedded store ({@link #appendRendered}); unused on
     * PostgreSQL. {@code at}: the record's time in epoch milliseconds, as hashed and stored.
     */
    private record Row(String tenantId, long seq, long at, Rendered rendered, long eventRowId, long rowid, byte[] prev,
                       byte[] prevRaw, byte[] hash, byte[] hashText, boolean rawHashes) {
    }

    /**
     * A record rendered before the chain is locked: its canonical body with the sequence number
     * left open, and its filter columns ({@link #render}). Appending only fills in the number and
     * hashes, so the single writer does no more than it must.
     *
     * <p>{@code packed} is how a decision record is stored on the embedded store
     * ({@link PackedDecision}), or null to store the body's text.
     */
    record Rendered(AuditEntry entry, CanonicalJson.OpenObject body, Columns columns, byte[] packed) {
    }

    /** The filter columns of a decision record ({@link DecisionColumns}); all null for other kinds. */
    record Columns(String eventId, String destinationIds, String decisions, String ruleIds) {
        static final Columns NONE = new Columns(null, null, null, null);

        static Columns of(AuditEntry entry) {
            if (!(entry instanceof AuditEntry.Decided d)) {
                return NONE;
            }
            List<DecisionColumns.Element> elements = new ArrayList<>(d.decisions().size());
            for (var decision : d.decisions()) {
                elements.add(DecisionColumns.of(decision));
            }
            return new Columns(d.eventId(), DecisionColumns.destinations(elements), DecisionColumns.decisions(elements),
                    DecisionColumns.rules(elements));
        }
    }

    /** Row ids start at 1 on both databases, so 0 stands for no events row. */
    private static final long NO_EVENT_ROW = 0;

    private static final List<String> RECORD_COLUMNS = List.of("tenant_id", "seq", "kind", "recorded_at", "event_id",
            "destination_id", "decision", "rule_ids", "body", "prev_hash", "hash", "event_row_id");
    private static final MultiRowInsert<Row> INSERT_RECORDS = new MultiRowInsert<>("audit_records", RECORD_COLUMNS,
            ChainAppender::bind);
    /** The embedded store's insert: the rowid too (V36__audit_records_keyed_by_event_row.sql). */
    private static final MultiRowInsert<Row> INSERT_KEYED_RECORDS = new MultiRowInsert<>("audit_records",
            java.util.stream.Stream.concat(RECORD_COLUMNS.stream(), java.util.stream.Stream.of("rowid")).toList(),
            (v, row) -> {
                bind(v, row);
                v.setLong(RECORD_COLUMNS.size() + 1, row.rowid());
            });
    /** The lowest rowid so far, below which the embedded store numbers records without an events row. */
    private static final String LOWEST_ROWID = "SELECT min(rowid) FROM audit_records";
    private static final String INSERT_CHECKPOINT = """
            INSERT INTO audit_checkpoints (tenant_id, seq, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)""";

    /**
     * A tenant's chain tip as locked by this transaction.
     *
     * @param policySha256 the consent policy last recorded for the tenant
     * @param latestAt     on the embedded store, the time (epoch milliseconds) of the record at the
     *                     tip, below which no later record's time may fall; {@link #NO_TIME} when
     *                     there is none or on PostgreSQL
     */
    record Head(long seq, String hash, long checkpointSeq, Instant checkpointAt, Optional<String> policySha256,
                long latestAt) {
        /** A head that sets no floor for the next record's time. */
        Head(long seq, String hash, long checkpointSeq, Instant checkpointAt, Optional<String> policySha256) {
            this(seq, hash, checkpointSeq, checkpointAt, policySha256, NO_TIME);
        }
    }

    /** {@link Head#latestAt} when there is no floor. */
    static final long NO_TIME = Long.MIN_VALUE;

    private static final System.Logger LOG = System.getLogger(ChainAppender.class.getName());
    /**
     * How far behind the chain's last record time a record's own time may be before it is
     * logged: more than any processing delay, so the host's clock was set back and the tenant's
     * records keep the last time until it catches up (docs/audit.md, Record times).
     */
    static final long HELD_WARNING_MILLIS = 60_000;
    /** Per tenant, the (record) time of the last such warning: at most one a minute. */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> heldWarned = new java.util.concurrent.ConcurrentHashMap<>();

    private final AuditSigner signer;
    private final long checkpointEvery;
    private final boolean packDecisions;

    /**
     * @param checkpointEvery sign a checkpoint once this many records follow the last one
     * @param packDecisions   store decision records packed ({@link PackedDecision}) and every
     *                        record's hash and previous hash as raw bytes, and key each record by
     *                        its events row (the embedded store), rather than as text without a
     *                        key of their own (PostgreSQL, whose columns are text)
     */
    ChainAppender(AuditSigner signer, long checkpointEvery, boolean packDecisions) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be at least 1");
        }
        this.signer = signer;
        this.checkpointEvery = checkpointEvery;
        this.packDecisions = packDecisions;
    }

    /** Whether decision records are stored packed; {@link #render(String, AuditEntry, boolean)} takes it. */
    boolean packsDecisions() {
        return packDecisions;
    }

    /** Locks the tenant's head for the rest of the transaction, creating it at genesis if needed. */
    Head lock(Connection c, String dialect, String tenantId, Instant now) throws SQLException {
        boolean postgres = StoreConfig.POSTGRES.equals(dialect);
        boolean timed = !postgres && packDecisions;
        String select = postgres ? SELECT_HEAD + " FOR UPDATE" : timed ? SELECT_HEAD_TIMED : SELECT_HEAD;
        Optional<Head> head = readHead(c, select, timed, tenantId);
        if (head.isPresent()) {
            return head.get();
        }
        // A concurrent creator makes ON CONFLICT wait for it and skip; the select then locks its row.
        try (PreparedStatement ps = c.prepareStatement(CREATE_HEAD)) {
            ps.setString(1, tenantId);
            ps.setString(2, ChainHash.GENESIS);
            ps.setLong(3, now.toEpochMilli());
            ps.executeUpdate();
        }
        return readHead(c, select, timed, tenantId).orElseThrow(() -> new SQLException("audit head was not created"));
    }

    /** Appends {@code entries} after {@code head} (locked by {@link #lock}) and returns the new head. */
    Head append(Connection c, String tenantId, Head head, List<AuditEntry> entries) throws SQLException {
        List<Rendered> rendered = new ArrayList<>(entries.size());
        for (AuditEntry entry : entries) {
            rendered.add(render(tenantId, entry, packDecisions));
        }
        return appendRendered(c, tenantId, head, rendered, null);
    }

    /**
     * {@link #append} for records rendered beforehand, outside the transaction.
     *
     * <p>On the embedded store a tenant's record times never decrease along its chain: a record
     * whose time (its request's arrival, taken on a request thread) is below the time of the record
     * before it takes that time instead, in the body it is hashed over as in its stored column. So
     * the store finds records by time by bisecting sequence numbers, with no index on times
     * ({@link RecordTimes}; V38__audit_records_time_dropped.sql). A request that arrived earlier
     * but was processed more slowly is committed after one that arrived later; its records then
     * carry the later time, which is still before they were committed. PostgreSQL, where replicas
     * with their own clocks append to one chain, keeps each record's own time and an index on it.
     *
     * @param eventRowIds for each entry, the events row it was written with (by-event lookups find
     *                    the record through that row while it lives; see V30__audit_event_rows.sql),
     *                    or null for none. On the embedded store a record's rowid is its events row's
     *                    id, and below zero (the lowest so far, minus one) for a record without one,
     *                    so no index is needed to find it (V36__audit_records_keyed_by_event_row.sql).
     */
    Head appendRendered(Connection c, String tenantId, Head head, List<Rendered> entries, long[] eventRowIds)
            throws SQLException {
        if (entries.isEmpty()) {
            return head;
        }
        long seq = head.seq();
        // The chain is computed on bytes (ChainHash#next): the single writer encodes no text here.
        byte[] prev = head.hash().getBytes(StandardCharsets.UTF_8);
        byte[] prevRaw = ChainHash.rawOf(head.hash());
        List<Row> rows = new ArrayList<>(entries.size());
        java.security.MessageDigest digest = ChainHash.newDigest();
        long below = 0;
        long latest = packDecisions ? head.latestAt() : NO_TIME;
        for (int i = 0; i < entries.size(); i++) {
            Rendered entry = entries.get(i);
            long at = entry.entry().at().toEpochMilli();
            if (packDecisions) {
                if (at < latest) {
                    if (latest - at > HELD_WARNING_MILLIS) {
                        warnHeld(tenantId, at, latest - at);
                    }
                    entry = retimed(tenantId, entry, latest);
                    at = latest;
                }
                latest = at;
            }
            seq++;
            byte[] hash = ChainHash.next(digest, prev, entry.body(), seq);
            byte[] hashText = ChainHash.hexAscii(hash);
            long eventRowId = eventRowIds == null ? NO_EVENT_ROW : eventRowIds[i];
            long rowid = eventRowId;
            if (packDecisions && eventRowId == NO_EVENT_ROW) {
                if (below == 0) {
                    below = lowestRowid(c);
                }
                rowid = --below;
            }
            rows.add(new Row(tenantId, seq, at, entry, eventRowId, rowid, prev, prevRaw, hash, hashText, packDecisions));
            prev = hashText;
            prevRaw = hash;
        }
        (packDecisions ? INSERT_KEYED_RECORDS : INSERT_RECORDS).insert(c, rows);
        Head appended = new Head(seq, new String(prev, StandardCharsets.US_ASCII), head.checkpointSeq(), head.checkpointAt(),
                head.policySha256(), latest);
        if (seq - head.checkpointSeq() >= checkpointEvery) {
            return checkpoint(c, tenantId, appended, Instant.ofEpochMilli(rows.getLast().at()));
        }
        writeHead(c, tenantId, appended);
        return appended;
    }

    private void warnHeld(String tenantId, long at, long behindMillis) {
        Long last = heldWarned.get(tenantId);
        if (last != null && at >= last && at - last < HELD_WARNING_MILLIS) {
            return;
        }
        heldWarned.put(tenantId, at);
        LOG.log(System.Logger.Level.WARNING, "event=audit_times_held tenant={0} behind_ms={1}", tenantId,
                Long.toString(behindMillis));
    }

    /**
     * {@code rendered} as at {@code at} instead of its entry's own time. A decision record's time
     * is the last member of its body, so only that part is written again ({@link DecisionBody#retimed});
     * records of other kinds are rare and rendered again whole.
     */
    static Rendered retimed(String tenantId, Rendered rendered, long at) {
        if (rendered.entry() instanceof AuditEntry.Decided) {
            return new Rendered(rendered.entry(), DecisionBody.retimed(rendered.body(), tenantId, at), rendered.columns(),
                    rendered.packed());
        }
        return new Rendered(rendered.entry(), fromTree(tenantId, rendered.entry(), at), rendered.columns(), rendered.packed());
    }

    /** Signs the head as it stands and records the checkpoint. */
    Head checkpoint(Connection c, String tenantId, Head head, Instant now) throws SQLException {
        Checkpoint cp = signer.sign(tenantId, head.seq(), head.hash(), now);
        try (PreparedStatement ps = c.prepareStatement(INSERT_CHECKPOINT)) {
            ps.setString(1, tenantId);
            ps.setLong(2, cp.seq());
            ps.setString(3, cp.hash());
            ps.setLong(4, cp.signedAt().toEpochMilli());
            ps.setString(5, cp.keyId());
            ps.setString(6, cp.signature());
            ps.executeUpdate();
        }
        Head signed = new Head(head.seq(), head.hash(), head.seq(), cp.signedAt(), head.policySha256(), head.latestAt());
        writeHead(c, tenantId, signed);
        return signed;
    }

    /** The canonical body of one record: its fields plus tenant, seq, kind and time. */
    static String body(String tenantId, long seq, AuditEntry entry) {
        return render(tenantId, entry).body().close(seq);
    }

    /** Renders a record's body with everything but its sequence number (any thread, no lock). */
    static Rendered render(String tenantId, AuditEntry entry) {
        return render(tenantId, entry, false);
    }

    /** {@link #render(String, AuditEntry)}, with a decision record's packed form when {@code pack}. */
    static Rendered render(String tenantId, AuditEntry entry, boolean pack) {
        if (entry instanceof AuditEntry.Decided d) {
            // One per accepted event: written straight, no value tree, around the parts it shares
            // with the records of the same consent evaluation, rendered once.
            DecisionFragments shared = DecisionFragments.of(d, true);
            return new Rendered(entry, DecisionBody.open(tenantId, d, shared), shared.columns(d.eventId()),
                    pack ? PackedDecision.pack(d, shared.packed()) : null);
        }
        return new Rendered(entry, fromTree(tenantId, entry), Columns.of(entry), null);
    }

    /** The body through the record's value tree ({@link AuditEntry#fields}): every kind, and the reference for {@link DecisionBody}. */
    static CanonicalJson.OpenObject fromTree(String tenantId, AuditEntry entry) {
        return fromTree(tenantId, entry, entry.at().toEpochMilli());
    }

    /** {@link #fromTree(String, AuditEntry)} with the record's time {@code at} (epoch milliseconds). */
    static CanonicalJson.OpenObject fromTree(String tenantId, AuditEntry entry, long at) {
        Map<String, Object> fields = AuditEntry.fields(entry); // a fresh TreeMap, ours to extend
        fields.put("tenant", tenantId);
        fields.put("kind", AuditEntry.kind(entry));
        fields.put("time", at);
        return CanonicalJson.open(fields, "seq");
    }

    /** The lowest rowid of the embedded store's records, or 0 when none is below zero yet. */
    private static long lowestRowid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOWEST_ROWID); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Math.min(0, rs.getLong(1)) : 0;
        }
    }

    private static void bind(MultiRowInsert.Values v, Row row) throws SQLException {
        AuditEntry entry = row.rendered().entry();
        Columns columns = row.rendered().columns();
        v.setString(1, row.tenantId());
        v.setLong(2, row.seq());
        v.setString(3, AuditEntry.kind(entry));
        v.setLong(4, row.at());
        v.setString(5, columns.eventId());
        v.setString(6, columns.destinationIds());
        v.setString(7, columns.decisions());
        v.setString(8, columns.ruleIds());
        if (row.rendered().packed() != null) {
            v.setBytes(9, row.rendered().packed());
        } else {
            v.setString(9, row.rendered().body().close(row.seq()));
        }
        if (row.rawHashes() && row.prevRaw() != null) {
            v.setBytes(10, row.prevRaw());
        } else {
            v.setString(10, new String(row.prev(), StandardCharsets.UTF_8));
        }
        if (row.rawHashes()) {
            v.setBytes(11, row.hash());
        } else {
            v.setString(11, new String(row.hashText(), StandardCharsets.US_ASCII));
        }
        if (row.eventRowId() == NO_EVENT_ROW) {
            v.setNull(12, Types.BIGINT);
        } else {
            v.setLong(12, row.eventRowId());
        }
    }

    private static void writeHead(Connection c, String tenantId, Head head) throws SQLException {
        try (StatementCache.Lease lease = StatementCache.prepare(c, UPDATE_HEAD)) {
            PreparedStatement ps = lease.statement();
            ps.setLong(1, head.seq());
            ps.setString(2, head.hash());
            ps.setLong(3, head.checkpointSeq());
            ps.setLong(4, head.checkpointAt().toEpochMilli());
            ps.setString(5, tenantId);
            ps.executeUpdate();
        }
    }

    /** The head by {@code sql}; {@code timed}: its sixth column is the tip record's time ({@link #SELECT_HEAD_TIMED}). */
    private static Optional<Head> readHead(Connection c, String sql, boolean timed, String tenantId) throws SQLException {
        try (StatementCache.Lease lease = StatementCache.prepare(c, sql)) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long latestAt = NO_TIME;
                if (timed) {
                    latestAt = rs.getLong(6);
                    if (rs.wasNull()) {
                        latestAt = NO_TIME;
                    }
                }
                return Optional.of(new Head(rs.getLong(1), ChainHash.read(rs, 2), rs.getLong(3),
                        Instant.ofEpochMilli(rs.getLong(4)), Optional.ofNullable(rs.getString(5)), latestAt));
            }
        }
    }

    /** Records the policy now in force on the locked head. */
    static void rememberPolicy(Connection c, String tenantId, String sha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_heads SET policy_sha256 = ? WHERE tenant_id = ?")) {
            ps.setString(1, sha256);
            ps.setString(2, tenantId);
            ps.executeUpdate();
        }
    }
}
