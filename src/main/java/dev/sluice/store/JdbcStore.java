package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The {@link Store} over JDBC; dialect differences live in {@link Connections} and the migrations. */
final class JdbcStore implements Store {

    /**
     * Rows deleted per purge transaction, so a purge never holds the write lock for long. Each
     * deleted row also moves its audit record into the index on event ids (a trigger,
     * V30__audit_event_rows.sql): with random event ids a chunk of 5,000 took 151 ms on SQLite
     * against 105 ms before, so chunks are 2,000 rows (docs/benchmarks.md, session 9).
     */
    static final int PURGE_CHUNK = 2_000;

    // Each candidate's pending outbox rows are found through the index on event_row_id (on SQLite
    // V31__outbox_event_row.sql): NOT IN read the whole pending set per statement, which on SQLite
    // held the single writer for about a second with a large backlog. PostgreSQL runs NOT EXISTS
    // as an anti-join.
    private static final String PURGE = """
            DELETE FROM events WHERE id IN (
              SELECT e.id FROM events e
              WHERE e.dedup_until <= ?
                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = e.id AND o.state = 'pending')
              LIMIT ?)""";

    private static final String COUNT_EVENTS = "SELECT count(*) FROM events WHERE tenant_id = ?";

    private static final String SELECT_OUTBOX = """
            SELECT id, tenant_id, event_name, event_id, destination_id, state, attempts, next_attempt_at,
                   payload, key_id
            FROM outbox WHERE tenant_id = ? ORDER BY id LIMIT ?""";

    private final Connections connections;
    private final DeliveryStore delivery;

    JdbcStore(Connections connections) {
        this.connections = connections;
        this.delivery = new JdbcDeliveryStore(connections);
    }

    @Override
    public List<WriteOutcome> write(List<EventRecord> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return List.of();
        }
        try {
            return connections.inTransaction(c -> {
                try (EventBatchWriter writer = new EventBatchWriter(c, connections.kind())) {
                    return List.copyOf(writer.writeAll(events));
                }
            });
        } catch (SQLException e) {
            throw failure("write of " + events.size() + " events failed; nothing was written", e);
        }
    }

    @Override
    public boolean ping() {
        try {
            return connections.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            });
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public long countEvents(String tenantId) {
        Records.requireText(tenantId, "tenantId");
        try {
            return connections.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(COUNT_EVENTS)) {
                    ps.setString(1, tenantId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("counting events failed", e);
        }
    }

    @Override
    public List<OutboxRow> outbox(String tenantId, int limit) {
        Records.requireText(tenantId, "tenantId");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        try {
            return connections.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(SELECT_OUTBOX)) {
                    ps.setString(1, tenantId);
                    ps.setInt(2, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        List<OutboxRow> rows = new ArrayList<>();
                        while (rs.next()) {
                            rows.add(new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getString(6), rs.getInt(7), Instant.ofEpochMilli(rs.getLong(8)),
                                    rs.getBytes(9), rs.getString(10)));
                        }
                        return List.copyOf(rows);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("reading the outbox failed", e);
        }
    }

    @Override
    public int purgeExpiredDedupKeys(Instant now) {
        Objects.requireNonNull(now, "now");
        int total = 0;
        try {
            int deleted;
            do {
                deleted = connections.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement(PURGE)) {
                        ps.setLong(1, now.toEpochMilli());
                        ps.setInt(2, PURGE_CHUNK);
                        return ps.executeUpdate();
                    }
                });
                total += deleted;
            } while (deleted == PURGE_CHUNK);
            return total;
        } catch (SQLException e) {
            throw failure("purge failed after " + total + " event rows", e);
        }
    }

    @Override
    public DeliveryStore delivery() {
        return delivery;
    }

    @Override
    public String kind() {
        return connections.kind();
    }

    @Override
    public SqlAccess sql() {
        return new SqlAccess() {
            @Override
            public <T> T inTransaction(Work<T> work) throws SQLException {
                return connections.inTransaction(work::run);
            }

            @Override
            public <T> T read(Work<T> work) throws SQLException {
                return connections.read(work::run);
            }

            @Override
            public String dialect() {
                return connections.kind();
            }
        };
    }

    @Override
    public void close() {
        connections.close();
    }

    private static StoreException failure(String message, SQLException e) {
        return new StoreException(message + " (sqlstate " + e.getSQLState() + ")", e);
    }
}
