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

    private static final String COUNT_EVENTS = "SELECT count(*) FROM events WHERE tenant_id = ?";

    private static final String SELECT_OUTBOX = """
            SELECT id, tenant_id, event_name, event_id, destination_id, state, attempts, next_attempt_at,
                   payload, key_id
            FROM outbox WHERE tenant_id = ? ORDER BY id LIMIT ?""";

    private final Connections connections;
    private final JdbcDeliveryStore delivery;

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
                try (EventBatchWriter writer = new EventBatchWriter(c, connections.kind(), delivery.logged())) {
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
                        if (StoreConfig.SQLITE.equals(connections.kind()) && rows.size() < limit) {
                            // Copies still in the delivery log, shown as the pending rows they stand for.
                            rows.addAll(DeliveryLog.pendingCopies(c, tenantId, limit - rows.size()));
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
        return StoreException.of(message, e);
    }
}
