package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a list of events inside one open transaction. The same SQL runs on SQLite (3.35+) and
 * PostgreSQL.
 *
 * <p>All event rows go in first, as multi-row inserts that do nothing for a key that is live
 * ({@link MultiRowInsert#insertReturning}); the ids they return are matched to the events by key
 * (on SQLite by position when every row went in, see {@link #insertEventsSqlite}),
 * the first event of a key in the list taking it (a later one with the same key is a duplicate,
 * as it would be one request later). Only an event that inserted nothing (a duplicate, or a key
 * whose window has passed) runs up to two more statements, in list order. Outbox rows are written
 * after all event rows, because they need the event row ids, also as multi-row inserts, grouped
 * by tenant and destination ({@link #outboxRows}); on SQLite the copies of destinations delivered
 * from the delivery log ({@link DeliveryLog}) go instead into one {@code delivery_log} row per
 * event, keyed by its event row id.
 */
final class EventBatchWriter implements AutoCloseable {

    private static final String INSERT_EVENT = """
            INSERT INTO events (tenant_id, event_name, event_id, event_time, received_at, dedup_until)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, event_name, event_id) WHERE superseded_at IS NULL DO NOTHING
            RETURNING id""";

    // Retires the live row of an expired key, so that the new acceptance gets its own row.
    private static final String SUPERSEDE_EXPIRED = """
            UPDATE events SET superseded_at = ?
            WHERE tenant_id = ? AND event_name = ? AND event_id = ?
              AND superseded_at IS NULL AND dedup_until <= ?""";

    /** One outbox row: a copy of an inserted event for one destination. */
    private record OutboxRow(long eventRowId, EventRecord event, OutboxRecord copy) {
    }

    private static final MultiRowInsert<OutboxRow> INSERT_OUTBOX = new MultiRowInsert<>("outbox",
            List.of("tenant_id", "event_row_id", "event_name", "event_id", "destination_id", "next_attempt_at",
                    "payload", "key_id", "created_at", "updated_at"),
            EventBatchWriter::bindOutbox);

    private static final long NOT_INSERTED = -1;

    /**
     * One delivery log row: an inserted event's copies for its logged destinations (SQLite,
     * {@link DeliveryLog}), as the columns hold them. Encoded once here: a multi-row insert may
     * run its binder twice per row ({@link MultiRowInsert#sharedColumns}).
     */
    private record LogRow(long eventRowId, String tenantId, String destinations, byte[] copies) {
        static LogRow of(long eventRowId, String tenantId, List<OutboxRecord> copies) {
            return new LogRow(eventRowId, tenantId, DeliveryCopies.destinations(copies), DeliveryCopies.encode(copies));
        }
    }

    private static final MultiRowInsert<LogRow> INSERT_LOG = new MultiRowInsert<>("delivery_log",
            List.of("tenant_id", "id", "destinations", "copies"),
            (v, row) -> {
                v.setString(1, row.tenantId());
                v.setLong(2, row.eventRowId());
                v.setString(3, row.destinations());
                v.setBytes(4, row.copies());
            });

    /** The dedup key of an event: tenant, event name, event id. */
    private record Key(String tenantId, String eventName, String eventId) {
        static Key of(EventRecord event) {
            return new Key(event.tenantId(), event.eventName(), event.eventId());
        }
    }

    private static final MultiRowInsert<EventRecord> INSERT_EVENTS = new MultiRowInsert<>("events",
            List.of("tenant_id", "event_name", "event_id", "event_time", "received_at", "dedup_until"),
            (v, event) -> {
                v.setString(1, event.tenantId());
                v.setString(2, event.eventName());
                v.setString(3, event.eventId());
                v.setLong(4, event.eventTime().toEpochMilli());
                v.setLong(5, event.receivedAt().toEpochMilli());
                v.setLong(6, event.dedupUntil().toEpochMilli());
            });
    private static final String INSERT_EVENTS_SUFFIX = """

            ON CONFLICT (tenant_id, event_name, event_id) WHERE superseded_at IS NULL DO NOTHING
            RETURNING id, tenant_id, event_name, event_id""";
    /** SQLite: only the ids come back (see {@link #insertEventsSqlite}). */
    private static final String INSERT_EVENTS_SUFFIX_IDS = """

            ON CONFLICT (tenant_id, event_name, event_id) WHERE superseded_at IS NULL DO NOTHING
            RETURNING id""";
    private static final String KEYS_OF_IDS = "SELECT id, tenant_id, event_name, event_id FROM events WHERE id IN (%s)";
    private static final int IDS_PER_SELECT = 500;

    private final Connection connection;
    private final String dialect;
    // Companions of inserted events, grouped by kind in first-seen order.
    private final java.util.Map<Companion.Kind, List<Companion.Placed>> companions = new java.util.LinkedHashMap<>();
    /**
     * The transaction's outbox rows, one list per destination in the order destinations first
     * appear, each in event order. Rows written in event order (destination a, b, a, b, ...) share
     * pages across destinations, so each destination's dispatcher, settling only its own rows,
     * rewrote every page, and every page was written once per destination; grouped, a page holds
     * mostly one destination's rows and is rewritten about once. That took about 30 % off the
     * writer's cost per settled row and off the claims' reads (docs/benchmarks.md, session 15);
     * writing the rows costs the same. A single event's rows keep their order.
     */
    private final java.util.Map<TenantDestination, List<OutboxRow>> outboxRows = new java.util.LinkedHashMap<>();
    private StatementCache.Lease insertEvent;
    private StatementCache.Lease supersede;

    /** The transaction's delivery log rows, in event order. */
    private final List<LogRow> logRows = new ArrayList<>();
    /** The destinations whose copies go to the delivery log ({@link DeliveryLog#logged()}); empty on PostgreSQL. */
    private final java.util.Set<TenantDestination> logged;

    EventBatchWriter(Connection connection, String dialect, java.util.Set<TenantDestination> logged) {
        this.connection = connection;
        this.dialect = dialect;
        this.logged = logged;
    }

    /** Writes all events and their outbox rows; the caller commits. */
    List<WriteOutcome> writeAll(List<EventRecord> events) throws SQLException {
        List<WriteOutcome> outcomes = new ArrayList<>(events.size());
        ReturnedIds returned = StoreConfig.SQLITE.equals(dialect) ? insertEventsSqlite(events) : null;
        if (returned != null && returned.inOrder()) {
            for (int i = 0; i < events.size(); i++) {
                outcomes.add(placed(events.get(i), returned.ids()[i]));
            }
        } else {
            java.util.Map<Key, Long> inserted = new java.util.HashMap<>(events.size() * 2);
            if (returned != null) {
                keysOf(returned, inserted);
            } else {
                INSERT_EVENTS.insertReturning(connection, events, INSERT_EVENTS_SUFFIX,
                        rs -> inserted.put(new Key(rs.getString(2), rs.getString(3), rs.getString(4)), rs.getLong(1)));
            }
            for (EventRecord event : events) {
                Long rowId = inserted.remove(Key.of(event));
                outcomes.add(rowId != null ? placed(event, rowId) : conflicted(event));
            }
        }
        List<OutboxRow> grouped = new ArrayList<>();
        outboxRows.values().forEach(grouped::addAll);
        INSERT_OUTBOX.insert(connection, grouped);
        outboxRows.clear();
        INSERT_LOG.insert(connection, logRows);
        logRows.clear();
        for (java.util.Map.Entry<Companion.Kind, List<Companion.Placed>> kind : companions.entrySet()) {
            kind.getKey().write(connection, dialect, kind.getValue());
        }
        companions.clear();
        return outcomes;
    }

    /** The ids a SQLite event insert returned ({@link #insertEventsSqlite}); in event order when {@code inOrder}. */
    private record ReturnedIds(long[] ids, int count, boolean inOrder) {
    }

    /**
     * Inserts the event rows on SQLite, where only their ids come back: reading the three key
     * columns back as text was a JNI string per column per event on the single writer. The one
     * writer connection inserts the rows of a {@code VALUES} list in order, and with
     * AUTOINCREMENT each new row takes the next id, so when every row went in, the ids are
     * consecutive and the i-th smallest belongs to the i-th event, and they come back in event
     * order. Otherwise (a duplicate or an expired key among the events, or ids not consecutive)
     * {@link #keysOf} matches the returned ids by key instead.
     */
    private ReturnedIds insertEventsSqlite(List<EventRecord> events) throws SQLException {
        long[] ids = new long[events.size()];
        int[] count = {0};
        INSERT_EVENTS.insertReturning(connection, events, INSERT_EVENTS_SUFFIX_IDS, rs -> {
            if (count[0] == ids.length) {
                throw new SQLException("event insert returned more ids than rows");
            }
            ids[count[0]++] = rs.getLong(1);
        });
        if (count[0] != ids.length) {
            return new ReturnedIds(ids, count[0], false);
        }
        java.util.Arrays.sort(ids);
        return new ReturnedIds(ids, ids.length, ids.length == 0 || ids[ids.length - 1] - ids[0] == ids.length - 1);
    }

    /** The keys of the rows an insert returned the ids of, read back by id. */
    private void keysOf(ReturnedIds returned, java.util.Map<Key, Long> inserted) throws SQLException {
        long[] returnedIds = returned.ids();
        for (int from = 0; from < returned.count(); from += IDS_PER_SELECT) {
            int count = Math.min(IDS_PER_SELECT, returned.count() - from);
            String sql = KEYS_OF_IDS.formatted("?, ".repeat(count - 1) + "?");
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < count; i++) {
                    select.setLong(i + 1, returnedIds[from + i]);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        inserted.put(new Key(rs.getString(2), rs.getString(3), rs.getString(4)), rs.getLong(1));
                    }
                }
            }
        }
    }

    /** An event whose key was live when the rows went in: a duplicate, unless its window has passed. */
    private WriteOutcome conflicted(EventRecord event) throws SQLException {
        if (!supersedeExpired(event)) {
            return WriteOutcome.DUPLICATE;
        }
        long rowId = tryInsert(event);
        if (rowId == NOT_INSERTED) {
            throw new SQLException("event row not inserted after its expired key was superseded");
        }
        return placed(event, rowId);
    }

    /** Queues the outbox rows and companions of an event whose row is {@code rowId}. */
    private WriteOutcome placed(EventRecord event, long rowId) {
        List<OutboxRecord> toLog = null;
        for (OutboxRecord copy : event.outbox()) {
            TenantDestination key = new TenantDestination(event.tenantId(), copy.destinationId());
            if (logged.contains(key)) {
                if (toLog == null) {
                    toLog = new ArrayList<>(event.outbox().size());
                }
                toLog.add(copy);
            } else {
                outboxRows.computeIfAbsent(key, d -> new ArrayList<>()).add(new OutboxRow(rowId, event, copy));
            }
        }
        if (toLog != null) {
            logRows.add(LogRow.of(rowId, event.tenantId(), toLog));
        }
        for (Companion companion : event.companions()) {
            companions.computeIfAbsent(companion.kind(), k -> new ArrayList<>()).add(new Companion.Placed(rowId, event, companion));
        }
        return WriteOutcome.INSERTED;
    }

    private static void bindOutbox(MultiRowInsert.Values v, OutboxRow row) throws SQLException {
        EventRecord event = row.event();
        long receivedAt = event.receivedAt().toEpochMilli();
        v.setString(1, event.tenantId());
        v.setLong(2, row.eventRowId());
        v.setString(3, event.eventName());
        v.setString(4, event.eventId());
        v.setString(5, row.copy().destinationId());
        v.setLong(6, receivedAt);
        v.setBytes(7, row.copy().storedUnsafe());
        v.setString(8, row.copy().keyId());
        v.setLong(9, receivedAt);
        v.setLong(10, receivedAt);
    }

    private long tryInsert(EventRecord event) throws SQLException {
        if (insertEvent == null) {
            insertEvent = StatementCache.prepare(connection, INSERT_EVENT);
        }
        PreparedStatement insert = insertEvent.statement();
        // INSERT_EVENT lists the columns of INSERT_EVENTS in the same order.
        INSERT_EVENTS.bindRow(insert, event);
        try (ResultSet rs = insert.executeQuery()) {
            return rs.next() ? rs.getLong(1) : NOT_INSERTED;
        }
    }

    private boolean supersedeExpired(EventRecord event) throws SQLException {
        if (supersede == null) {
            supersede = StatementCache.prepare(connection, SUPERSEDE_EXPIRED);
        }
        PreparedStatement update = supersede.statement();
        long receivedAt = event.receivedAt().toEpochMilli();
        update.setLong(1, receivedAt);
        update.setString(2, event.tenantId());
        update.setString(3, event.eventName());
        update.setString(4, event.eventId());
        update.setLong(5, receivedAt);
        return update.executeUpdate() == 1;
    }

    @Override
    public void close() throws SQLException {
        try (StatementCache.Lease i = insertEvent; StatementCache.Lease s = supersede) {
            // try-with-resources closes both and keeps every failure.
        }
    }
}
