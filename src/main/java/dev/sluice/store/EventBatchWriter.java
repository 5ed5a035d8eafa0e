package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a list of events inside one open transaction, reusing its prepared statements for the
 * whole list. The same SQL runs on SQLite (3.35+) and PostgreSQL.
 *
 * <p>Per event the common case is one statement: an insert that does nothing when the dedup key
 * is live. Only on a conflict (a duplicate, or a key whose window has passed) do up to two more
 * statements run. Outbox rows are batched and sent once, after all event rows, because they
 * need the event row ids.
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

    private static final String INSERT_OUTBOX = """
            INSERT INTO outbox (tenant_id, event_row_id, event_name, event_id, destination_id,
                                next_attempt_at, payload, key_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final long NOT_INSERTED = -1;

    private final Connection connection;
    private final String dialect;
    // Companions of inserted events, grouped by kind in first-seen order.
    private final java.util.Map<Companion.Kind, List<Companion.Placed>> companions = new java.util.LinkedHashMap<>();
    private final PreparedStatement insertEvent;
    private final PreparedStatement insertOutbox;
    private PreparedStatement supersede;
    private int pendingOutboxRows;

    EventBatchWriter(Connection connection, String dialect) throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        this.insertEvent = connection.prepareStatement(INSERT_EVENT);
        try {
            this.insertOutbox = connection.prepareStatement(INSERT_OUTBOX);
        } catch (SQLException e) {
            insertEvent.close();
            throw e;
        }
    }

    /** Writes all events and their outbox rows; the caller commits. */
    List<WriteOutcome> writeAll(List<EventRecord> events) throws SQLException {
        List<WriteOutcome> outcomes = new ArrayList<>(events.size());
        for (EventRecord event : events) {
            outcomes.add(write(event));
        }
        if (pendingOutboxRows > 0) {
            insertOutbox.executeBatch();
            pendingOutboxRows = 0;
        }
        for (java.util.Map.Entry<Companion.Kind, List<Companion.Placed>> kind : companions.entrySet()) {
            kind.getKey().write(connection, dialect, kind.getValue());
        }
        companions.clear();
        return outcomes;
    }

    private WriteOutcome write(EventRecord event) throws SQLException {
        long rowId = tryInsert(event);
        if (rowId == NOT_INSERTED && supersedeExpired(event)) {
            rowId = tryInsert(event);
            if (rowId == NOT_INSERTED) {
                throw new SQLException("event row not inserted after its expired key was superseded");
            }
        }
        if (rowId == NOT_INSERTED) {
            return WriteOutcome.DUPLICATE;
        }
        long receivedAt = event.receivedAt().toEpochMilli();
        for (OutboxRecord copy : event.outbox()) {
            insertOutbox.setString(1, event.tenantId());
            insertOutbox.setLong(2, rowId);
            insertOutbox.setString(3, event.eventName());
            insertOutbox.setString(4, event.eventId());
            insertOutbox.setString(5, copy.destinationId());
            insertOutbox.setLong(6, receivedAt);
            insertOutbox.setBytes(7, copy.payloadUnsafe());
            insertOutbox.setString(8, copy.keyId());
            insertOutbox.setLong(9, receivedAt);
            insertOutbox.setLong(10, receivedAt);
            insertOutbox.addBatch();
            pendingOutboxRows++;
        }
        for (Companion companion : event.companions()) {
            companions.computeIfAbsent(companion.kind(), k -> new ArrayList<>()).add(new Companion.Placed(rowId, event, companion));
        }
        return WriteOutcome.INSERTED;
    }

    private long tryInsert(EventRecord event) throws SQLException {
        insertEvent.setString(1, event.tenantId());
        insertEvent.setString(2, event.eventName());
        insertEvent.setString(3, event.eventId());
        insertEvent.setLong(4, event.eventTime().toEpochMilli());
        insertEvent.setLong(5, event.receivedAt().toEpochMilli());
        insertEvent.setLong(6, event.dedupUntil().toEpochMilli());
        try (ResultSet rs = insertEvent.executeQuery()) {
            return rs.next() ? rs.getLong(1) : NOT_INSERTED;
        }
    }

    private boolean supersedeExpired(EventRecord event) throws SQLException {
        if (supersede == null) {
            supersede = connection.prepareStatement(SUPERSEDE_EXPIRED);
        }
        long receivedAt = event.receivedAt().toEpochMilli();
        supersede.setLong(1, receivedAt);
        supersede.setString(2, event.tenantId());
        supersede.setString(3, event.eventName());
        supersede.setString(4, event.eventId());
        supersede.setLong(5, receivedAt);
        return supersede.executeUpdate() == 1;
    }

    @Override
    public void close() throws SQLException {
        try (insertEvent; insertOutbox; PreparedStatement s = supersede) {
            // try-with-resources closes all three and keeps every failure.
        }
    }
}
