package dev.sluice.audit;

import dev.sluice.store.SqlAccess;
import dev.sluice.store.StoreConfig;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads audit records, checkpoints and heads, always for one tenant. Long reads (exports,
 * verification) go page by page with a seq cursor: each page is one short read, so an export of a
 * month streams in bounded memory and never holds SQLite's reader (nor a PostgreSQL snapshot)
 * while a slow client drains it; {@link LongReads} makes such a read consistent with what commits
 * between its pages.
 */
final class AuditReader {
    static final int PAGE = 500;
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final String COLUMNS = "seq, prev_hash, hash, body, kind, recorded_at, event_id, destination_id,"
            + " decision, rule_ids";

    private final SqlAccess sql;

    AuditReader(SqlAccess sql) {
        this.sql = sql;
    }

    /** Up to {@code limit} matching records after the query's cursor. */
    List<StoredRecord> page(String tenantId, AuditQuery query, int limit) throws SQLException {
        // Without a destination, "decision X and rule R" may hold for different destinations of one
        // record's columns; those records are checked against their body (rare queries, few rows).
        boolean exact = query.destinationId().isEmpty() && query.decision().isPresent() && query.ruleId().isPresent();
        List<StoredRecord> out = new ArrayList<>();
        AuditQuery next = query;
        while (out.size() < limit) {
            int want = limit - out.size();
            List<StoredRecord> rows = select(tenantId, next, want);
            for (StoredRecord row : rows) {
                if (!exact || matchesOneDestination(row, query)) {
                    out.add(row);
                }
            }
            if (rows.size() < want) {
                break;
            }
            next = next.after(rows.getLast().seq());
        }
        return out;
    }

    private static boolean matchesOneDestination(StoredRecord row, AuditQuery query) {
        if (row.destinationId() == null || !row.destinationId().startsWith("|")) {
            return true; // a one-destination record of the earlier layout: the columns were exact
        }
        try {
            for (DecisionColumns.Element e : DecisionColumns.elements(MAPPER.readTree(row.body()))) {
                if (DecisionColumns.matches(e, query.destinationId(), query.decision(), query.ruleId())) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return true; // an unreadable body is verification's to report, not the filter's to hide
        }
    }

    /**
     * Records of a live events row carry its row id and are found through it: the event id leads
     * the events dedup index. Every other record with an event id (written before that column,
     * of another kind, or whose events row was deleted or superseded) has no row id and is in
     * the index on event ids (V30__audit_event_rows.sql). A query by event id reads both, each
     * through its index, and merges them in sequence order. On SQLite a record of a live events row
     * has that row's id as its rowid (V36__audit_records_keyed_by_event_row.sql), so it is read by
     * rowid, with no index at all ({@code NOT INDEXED}, which still allows rowid lookups), and the
     * other records through the index on event ids ({@code INDEXED BY}): left to itself SQLite walks
     * the tenant's records in sequence order (the primary key serves the ORDER BY), reading the
     * whole log to find one event's records.
     */
    private static final String BY_LIVE_EVENT_ROW = " AND event_row_id IS NOT NULL AND event_row_id IN"
            + " (SELECT id FROM events WHERE tenant_id = ? AND event_id = ? AND superseded_at IS NULL)";
    private static final String BY_LIVE_EVENT_ROWID = " AND rowid IN"
            + " (SELECT id FROM events WHERE tenant_id = ? AND event_id = ? AND superseded_at IS NULL)"
            + " AND event_row_id = rowid";
    private static final String BY_EVENT_ID = " AND event_row_id IS NULL AND event_id = ?";

    private List<StoredRecord> select(String tenantId, AuditQuery query, int limit) throws SQLException {
        if (query.eventId().isEmpty()) {
            return select(tenantId, query, limit, "", "", List.of());
        }
        String eventId = query.eventId().get();
        boolean sqlite = !StoreConfig.POSTGRES.equals(sql.dialect());
        List<StoredRecord> live = select(tenantId, query, limit, sqlite ? " NOT INDEXED" : "",
                sqlite ? BY_LIVE_EVENT_ROWID : BY_LIVE_EVENT_ROW, List.of(tenantId, eventId));
        List<StoredRecord> other = select(tenantId, query, limit, sqlite ? " INDEXED BY audit_records_event" : "",
                BY_EVENT_ID, List.of(eventId));
        List<StoredRecord> merged = new ArrayList<>(Math.min(limit, live.size() + other.size()));
        int a = 0;
        int b = 0;
        while (merged.size() < limit && (a < live.size() || b < other.size())) {
            boolean takeLive = b == other.size() || (a < live.size() && live.get(a).seq() < other.get(b).seq());
            merged.add(takeLive ? live.get(a++) : other.get(b++));
        }
        return merged;
    }

    private List<StoredRecord> select(String tenantId, AuditQuery query, int limit, String indexedBy,
                                      String eventPredicate, List<Object> eventArgs) throws SQLException {
        boolean sqlite = !StoreConfig.POSTGRES.equals(sql.dialect());
        return sql.read(c -> {
            StringBuilder where = new StringBuilder(" WHERE tenant_id = ? AND seq > ?");
            List<Object> args = new ArrayList<>(List.of(tenantId, query.afterSeq()));
            if (sqlite) {
                // No index on times here: the bounds become sequence numbers (RecordTimes), widened
                // for records of earlier versions; the time predicates below stay exact.
                if (query.from().isPresent()) {
                    long from = RecordTimes.shifted(query.from().get().toEpochMilli(), -RecordTimes.SLACK_MILLIS);
                    where.append(" AND seq >= ?");
                    args.add(RecordTimes.firstAtOrAfter(c, tenantId, from));
                }
                if (query.to().isPresent()) {
                    long to = RecordTimes.shifted(query.to().get().toEpochMilli(), RecordTimes.SLACK_MILLIS);
                    where.append(" AND seq < ?");
                    args.add(RecordTimes.firstAtOrAfter(c, tenantId, to));
                }
            }
            query.from().ifPresent(t -> { where.append(" AND recorded_at >= ?"); args.add(t.toEpochMilli()); });
            query.to().ifPresent(t -> { where.append(" AND recorded_at < ?"); args.add(t.toEpochMilli()); });
            where.append(eventPredicate);
            args.addAll(eventArgs);
            query.kind().ifPresent(k -> { where.append(" AND kind = ?"); args.add(k); });
            decisionFilters(query, where, args);
            String statement = "SELECT " + COLUMNS + " FROM audit_records" + indexedBy + where + " ORDER BY seq LIMIT ?";
            args.add(limit);
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<StoredRecord> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        Instant recordedAt = Instant.ofEpochMilli(rs.getLong(6));
                        String eventId = rs.getString(7);
                        rows.add(new StoredRecord(seq, ChainHash.read(rs, 2), ChainHash.read(rs, 3),
                                body(tenantId, seq, rs.getObject(4), recordedAt, eventId), rs.getString(5), recordedAt,
                                eventId, rs.getString(8), rs.getString(9), rs.getString(10)));
                    }
                }
                return rows;
            }
        });
    }

    /** What {@link #body} gives for a packed record that cannot be read: a JSON value whose hash matches nothing. */
    static final String UNREADABLE_BODY = "\"unreadable packed decision record\"";

    /**
     * A row's canonical body: its text, or, for a decision record stored packed (the embedded
     * store, {@link PackedDecision}), rendered again from its fields and the row's tenant, seq, time
     * and event id. A packed body that does not read gives {@link #UNREADABLE_BODY}, which no hash
     * matches, so verification reports the record and exports stay valid JSON.
     */
    static String body(String tenantId, long seq, Object stored, Instant recordedAt, String eventId) {
        if (!(stored instanceof byte[] bytes)) {
            return (String) stored;
        }
        if (!PackedDecision.isPacked(bytes)) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            return DecisionBody.open(tenantId, PackedDecision.unpack(bytes, recordedAt, eventId)).close(seq);
        } catch (IllegalArgumentException unreadable) {
            return UNREADABLE_BODY;
        }
    }

    /**
     * Destination, decision and rule filters over both layouts of decision records
     * ({@link DecisionColumns}): a record of the earlier layout has plain columns, a record of
     * the current one lists every destination, tagged. Substring searches use instr/strpos, not
     * LIKE, whose % and _ an id may contain.
     */
    private void decisionFilters(AuditQuery query, StringBuilder where, List<Object> args) {
        Optional<String> d = query.destinationId();
        Optional<String> x = query.decision();
        Optional<String> r = query.ruleId();
        if (d.isEmpty() && x.isEmpty() && r.isEmpty()) {
            return;
        }
        String contains = StoreConfig.POSTGRES.equals(sql.dialect()) ? "strpos(%s, ?) > 0" : "instr(%s, ?) > 0";
        List<String> legacy = new ArrayList<>();
        List<String> current = new ArrayList<>();
        List<Object> legacyArgs = new ArrayList<>();
        List<Object> currentArgs = new ArrayList<>();
        d.ifPresent(id -> {
            legacy.add("destination_id = ?");
            legacyArgs.add(id);
            current.add(contains.formatted("destination_id"));
            currentArgs.add("|" + id + "|");
        });
        String tag = d.map(id -> "|" + id + ":").orElse(":");
        x.ifPresent(decision -> {
            legacy.add("decision = ?");
            legacyArgs.add(decision);
            current.add(contains.formatted("decision"));
            currentArgs.add(tag + decision + "|");
        });
        r.ifPresent(rule -> {
            legacy.add(contains.formatted("rule_ids"));
            legacyArgs.add("|" + rule + "|");
            current.add(contains.formatted("rule_ids"));
            currentArgs.add(tag + rule + "|");
        });
        where.append(" AND ((").append(String.join(" AND ", legacy)).append(") OR (")
                .append(String.join(" AND ", current)).append("))");
        args.addAll(legacyArgs);
        args.addAll(currentArgs);
    }

    /** The seq of the tenant's first record after seq {@code afterSeq}, 0 when there is none. */
    long firstSeqAfter(String tenantId, long afterSeq) throws SQLException {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM audit_records WHERE tenant_id = ? AND seq > ?")) {
                ps.setString(1, tenantId);
                ps.setLong(2, afterSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        });
    }

    /** The seq of the tenant's last checkpoint, 0 when it has none. */
    long lastCheckpointSeq(String tenantId) throws SQLException {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT max(seq) FROM audit_checkpoints WHERE tenant_id = ?")) {
                ps.setString(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        });
    }

    /**
     * The tenant's checkpoints up to seq {@code through}, in seq order, read {@value #PAGE} at a time
     * as the iterator is consumed: a busy tenant's chain has hundreds of thousands (one per
     * {@code checkpoint-every} records), too many to hold at once. A read that fails surfaces as an
     * {@link IllegalStateException} from the iterator.
     */
    java.util.Iterator<Checkpoint> checkpoints(String tenantId, long through) {
        return new java.util.Iterator<>() {
            private java.util.Iterator<Checkpoint> page = java.util.Collections.emptyIterator();
            private long after;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                if (!page.hasNext() && more) {
                    List<Checkpoint> next;
                    try {
                        next = checkpointPage(tenantId, after, through);
                    } catch (SQLException e) {
                        throw new IllegalStateException("reading audit checkpoints failed", e);
                    }
                    more = next.size() == PAGE;
                    if (!next.isEmpty()) {
                        after = next.getLast().seq();
                    }
                    page = next.iterator();
                }
                return page.hasNext();
            }

            @Override
            public Checkpoint next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    private List<Checkpoint> checkpointPage(String tenantId, long after, long through) throws SQLException {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash, signed_at, key_id, signature"
                    + " FROM audit_checkpoints WHERE tenant_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT " + PAGE)) {
                ps.setString(1, tenantId);
                ps.setLong(2, after);
                ps.setLong(3, through);
                List<Checkpoint> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Checkpoint(tenantId, rs.getLong(1), ChainHash.read(rs, 2), Instant.ofEpochMilli(rs.getLong(3)),
                                rs.getString(4), rs.getString(5)));
                    }
                }
                return out;
            }
        });
    }

    /** The key that signed the tenant's checkpoint at {@code seq}, if one is stored. */
    Optional<String> checkpointKey(String tenantId, long seq) throws SQLException {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM audit_checkpoints WHERE tenant_id = ? AND seq = ?")) {
                ps.setString(1, tenantId);
                ps.setLong(2, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Whether the tenant's record at {@code seq} is stored (a retention purge deletes a prefix). */
    boolean hasRecord(String tenantId, long seq) throws SQLException {
        return firstSeqAfter(tenantId, seq - 1) == seq;
    }

    /** The tenant's chain tip, if it has any record. */
    Optional<ChainAppender.Head> head(String tenantId) throws SQLException {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, hash, checkpoint_seq, checkpoint_at, policy_sha256 FROM audit_heads WHERE tenant_id = ?")) {
                ps.setString(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ChainAppender.Head(rs.getLong(1), ChainHash.read(rs, 2), rs.getLong(3),
                            Instant.ofEpochMilli(rs.getLong(4)), Optional.ofNullable(rs.getString(5)))) : Optional.empty();
                }
            }
        });
    }
}
