package dev.sluice.store;

import dev.sluice.store.DeliveryStore.NotReplayed;
import dev.sluice.store.DeliveryStore.NotReplayed.Cause;
import dev.sluice.store.DeliveryStore.ReplayResult;
import dev.sluice.store.DeliveryStore.ReplaySelector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A replay by ids, inside the caller's transaction: the update says which ids it replayed
 * ({@code RETURNING}), and only then are the others read, so the ids not replayed are exactly the
 * listed ones the update left, however rows change around it. Updating first also keeps the rule
 * of SQLite's writer that a write transaction starts with a write (it never upgrades a read lock).
 *
 * <p>The causes are read after the update: on SQLite nothing writes in between (one writer); on
 * PostgreSQL a row may change between the two statements, and a listed row that reads as a
 * replayable dead letter was not one when the update ran (it was dead-lettered since), so it is
 * {@link Cause#NOT_A_DEAD_LETTER}. Rows are read by the tenant's condition, so another tenant's
 * row reads as missing.
 */
final class ReplayByIds {
    private static final String READ = """
            SELECT id, state, destination_id, %s FROM outbox WHERE tenant_id = ? AND id IN (%s)""";
    // The replay's own reason test (JdbcDeliveryStore.Filter): a null reason matches no prefix.
    private static final String REASON_MATCHES = "CASE WHEN substr(last_error, 1, ?) = ? THEN 1 ELSE 0 END";

    private ReplayByIds() {
    }

    /** A listed row of the tenant as it is after the update. */
    private record Row(boolean dead, String destinationId, boolean reasonMatches) {
    }

    /** Replays the selected dead letters and says why each other listed id was left. */
    static ReplayResult replay(Connection c, JdbcDeliveryStore.Filter filter, ReplaySelector selector, Instant now)
            throws SQLException {
        Set<Long> replayed = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(JdbcDeliveryStore.REPLAY + filter.sql() + " RETURNING id")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, now.toEpochMilli());
            filter.bind(ps, 4);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    replayed.add(rs.getLong(1));
                }
            }
        }
        TreeSet<Long> left = new TreeSet<>(selector.ids());
        left.removeAll(replayed);
        if (left.isEmpty()) {
            return new ReplayResult(replayed.size(), List.of());
        }
        Map<Long, Row> rows = read(c, filter.tenantId(), left, selector.reasonPrefix());
        List<NotReplayed> notReplayed = new ArrayList<>(left.size());
        for (long id : left) {
            notReplayed.add(why(id, Optional.ofNullable(rows.get(id)), selector));
        }
        return new ReplayResult(replayed.size(), notReplayed);
    }

    private static NotReplayed why(long id, Optional<Row> found, ReplaySelector selector) {
        if (found.isEmpty() || !found.get().dead()) {
            return new NotReplayed(id, Cause.NOT_A_DEAD_LETTER, Optional.empty());
        }
        Row row = found.get();
        Optional<String> destination = Optional.of(row.destinationId());
        if (selector.configured().isPresent() && !selector.configured().get().contains(row.destinationId())) {
            return new NotReplayed(id, Cause.DESTINATION_NOT_CONFIGURED, destination);
        }
        if (selector.destinationId().isPresent() && !selector.destinationId().get().equals(row.destinationId())) {
            return new NotReplayed(id, Cause.EXCLUDED_BY_DESTINATION, destination);
        }
        if (!row.reasonMatches()) {
            return new NotReplayed(id, Cause.EXCLUDED_BY_REASON, destination);
        }
        // Selected and dead now, yet the update left it: it became a dead letter after the update
        // (PostgreSQL, another transaction), so at the replay it was none.
        return new NotReplayed(id, Cause.NOT_A_DEAD_LETTER, Optional.empty());
    }

    private static Map<Long, Row> read(Connection c, String tenantId, Set<Long> ids, Optional<String> reasonPrefix)
            throws SQLException {
        String sql = READ.formatted(reasonPrefix.isPresent() ? REASON_MATCHES : "1", "?,".repeat(ids.size() - 1) + "?");
        Map<Long, Row> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (reasonPrefix.isPresent()) {
                ps.setInt(i++, reasonPrefix.get().codePointCount(0, reasonPrefix.get().length()));
                ps.setString(i++, reasonPrefix.get());
            }
            ps.setString(i++, tenantId);
            for (long id : ids) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), new Row("dead".equals(rs.getString(2)), rs.getString(3), rs.getInt(4) == 1));
                }
            }
        }
        return rows;
    }
}
