package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@link DeliveryStore} over JDBC; the only dialect difference is the claim's row locking. */
final class JdbcDeliveryStore implements DeliveryStore {

    // The lease is written into next_attempt_at, so the one partial index serves claims and leased
    // rows fall out of the due range by themselves until the lease expires.
    private static final String CLAIM = """
            UPDATE outbox SET next_attempt_at = ?, lease_until = ?, claimed_by = ?, updated_at = ?
            WHERE id IN (SELECT id FROM outbox
                         WHERE tenant_id = ? AND destination_id = ? AND state = 'pending' AND next_attempt_at <= ?
                         ORDER BY next_attempt_at, id LIMIT ?%s)
            RETURNING id, event_name, event_id, attempts, created_at, payload, key_id""";
    // Only rows this owner still holds: after an expired lease another replica may own the row.
    private static final String OWNED = " WHERE tenant_id = ? AND id = ? AND state = 'pending' AND claimed_by = ?";
    // Delivered and released rows all get the same values, so one statement per chunk of ids
    // replaces one per row: the writer lock (shared with ingest's group commit on SQLite) is held
    // for a fraction of the time a 1000-row batch of single-row updates takes.
    private static final String OWNED_ALL = " WHERE tenant_id = ? AND state = 'pending' AND claimed_by = ? AND id IN (%s)";
    private static final String DELIVERED_ALL = "UPDATE outbox SET state = 'delivered', payload = ?, lease_until = NULL,"
            + " claimed_by = NULL, last_error = NULL, updated_at = ?" + OWNED_ALL;
    /** Ids per statement: far below SQLite's and PostgreSQL's limits on bound parameters. */
    private static final int IDS_PER_STATEMENT = 500;
    private static final String RESCHEDULE = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,"
            + " lease_until = NULL, claimed_by = NULL, last_error = ?, updated_at = ?" + OWNED;
    private static final String DEAD = "UPDATE outbox SET state = 'dead', attempts = attempts + ?, lease_until = NULL,"
            + " claimed_by = NULL, last_error = ?, platform_code = ?, updated_at = ?" + OWNED;
    private static final String RELEASE_ALL = "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, claimed_by = NULL,"
            + " updated_at = ?" + OWNED_ALL;
    private static final String ORPHANS = "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, claimed_by = NULL,"
            + " updated_at = ? WHERE state = 'pending' AND claimed_by IS NOT NULL";
    private static final String BACKLOG = """
            SELECT destination_id,
                   sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END),
                   min(CASE WHEN state = 'pending' THEN created_at END),
                   sum(CASE WHEN state = 'dead' THEN 1 ELSE 0 END)
            FROM outbox WHERE tenant_id = ? AND state IN ('pending', 'dead')
            GROUP BY destination_id ORDER BY destination_id""";
    private static final byte[] PURGED = new byte[0];

    private final Connections connections;
    private final String claimSql;

    JdbcDeliveryStore(Connections connections) {
        this.connections = connections;
        // SQLite has a single writer, so its claim cannot race; PostgreSQL replicas skip each other's rows.
        this.claimSql = CLAIM.formatted(StoreConfig.POSTGRES.equals(connections.kind()) ? " FOR UPDATE SKIP LOCKED" : "");
    }

    @Override
    public List<Claimed> claim(String tenantId, String destinationId, int limit, Instant now, Duration lease, String owner) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(destinationId, "destinationId");
        Records.requireText(owner, "owner");
        if (limit < 1 || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("limit and lease must be positive");
        }
        long until = now.plus(lease).toEpochMilli();
        try {
            return connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                    ps.setLong(1, until);
                    ps.setLong(2, until);
                    ps.setString(3, owner);
                    ps.setLong(4, now.toEpochMilli());
                    ps.setString(5, tenantId);
                    ps.setString(6, destinationId);
                    ps.setLong(7, now.toEpochMilli());
                    ps.setInt(8, limit);
                    List<Claimed> rows = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                    Instant.ofEpochMilli(rs.getLong(5)), rs.getBytes(6), rs.getString(7)));
                        }
                    }
                    // RETURNING order is unspecified; id order is commit order.
                    rows.sort(Comparator.comparingLong(Claimed::id));
                    return List.copyOf(rows);
                }
            });
        } catch (SQLException e) {
            throw failure("claiming outbox rows failed", e);
        }
    }

    @Override
    public int markDelivered(String tenantId, String owner, List<Long> ids, Instant now) {
        return updateAll("marking rows delivered", DELIVERED_ALL, tenantId, owner, ids, ps -> {
            ps.setBytes(1, PURGED);
            ps.setLong(2, now.toEpochMilli());
            return 3;
        });
    }

    @Override
    public int reschedule(String tenantId, String owner, List<Retry> retries, Instant now) {
        return updateEach("rescheduling rows", RESCHEDULE, tenantId, owner, retries, (ps, r) -> {
            ps.setLong(1, r.at().toEpochMilli());
            ps.setString(2, r.error());
            ps.setLong(3, now.toEpochMilli());
            return 4;
        }, Retry::id);
    }

    @Override
    public int deadLetter(String tenantId, String owner, List<Dead> dead, Instant now) {
        return updateEach("dead-lettering rows", DEAD, tenantId, owner, dead, (ps, d) -> {
            ps.setInt(1, d.attempted() ? 1 : 0);
            ps.setString(2, d.reason());
            ps.setString(3, d.platformCode().orElse(null));
            ps.setLong(4, now.toEpochMilli());
            return 5;
        }, Dead::id);
    }

    @Override
    public int release(String tenantId, String owner, List<Long> ids, Instant now) {
        return updateAll("releasing rows", RELEASE_ALL, tenantId, owner, ids, ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            return 3;
        });
    }

    @Override
    public int releaseOrphanedClaims(Instant now) {
        if (!StoreConfig.SQLITE.equals(connections.kind())) {
            return 0;
        }
        try {
            return connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(ORPHANS)) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setLong(2, now.toEpochMilli());
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failure("releasing orphaned claims failed", e);
        }
    }

    @Override
    public DeadLetterPage deadLetters(String tenantId, DeadLetterQuery query) {
        Records.requireText(tenantId, "tenantId");
        Filter filter = Filter.of(tenantId, List.of(), query.destinationId(), query.reasonPrefix());
        String sql = "SELECT id, destination_id, event_name, event_id, attempts, last_error, platform_code, created_at,"
                + " updated_at FROM outbox WHERE state = 'dead' AND id > ?" + filter.sql() + " ORDER BY id LIMIT ?";
        try {
            return connections.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, query.after());
                    int next = filter.bind(ps, 2);
                    ps.setInt(next, query.limit() + 1);
                    List<DeadLetter> items = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            items.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getInt(5), Objects.requireNonNullElse(rs.getString(6), ""),
                                    Optional.ofNullable(rs.getString(7)), Instant.ofEpochMilli(rs.getLong(8)),
                                    Instant.ofEpochMilli(rs.getLong(9))));
                        }
                    }
                    if (items.size() <= query.limit()) {
                        return new DeadLetterPage(items, Optional.empty());
                    }
                    List<DeadLetter> page = items.subList(0, query.limit());
                    return new DeadLetterPage(page, Optional.of(page.getLast().id()));
                }
            });
        } catch (SQLException e) {
            throw failure("listing dead letters failed", e);
        }
    }

    @Override
    public int replay(String tenantId, ReplaySelector selector, Instant now) {
        Records.requireText(tenantId, "tenantId");
        Filter filter = Filter.of(tenantId, selector.ids(), selector.destinationId(), selector.reasonPrefix());
        String sql = "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL,"
                + " claimed_by = NULL, last_error = NULL, platform_code = NULL, updated_at = ?"
                + " WHERE state = 'dead'" + filter.sql();
        try {
            return connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setLong(2, now.toEpochMilli());
                    filter.bind(ps, 3);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failure("replaying dead letters failed", e);
        }
    }

    @Override
    public List<Backlog> backlog(String tenantId) {
        Records.requireText(tenantId, "tenantId");
        try {
            return connections.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(BACKLOG)) {
                    ps.setString(1, tenantId);
                    List<Backlog> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long oldest = rs.getLong(3);
                            Optional<Instant> oldestPending = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
                            out.add(new Backlog(rs.getString(1), rs.getLong(2), oldestPending, rs.getLong(4)));
                        }
                    }
                    return List.copyOf(out);
                }
            });
        } catch (SQLException e) {
            throw failure("reading the backlog failed", e);
        }
    }

    /** Binds the leading parameters of one row's update and returns the next parameter index. */
    @FunctionalInterface
    private interface Binder<T> {
        int bind(PreparedStatement ps, T item) throws SQLException;
    }

    /** Binds the parameters shared by every row of a set update and returns the next index. */
    @FunctionalInterface
    private interface CommonBinder {
        int bind(PreparedStatement ps) throws SQLException;
    }

    /** One update per chunk of ids, all in one transaction; rows another owner took are skipped. */
    private int updateAll(String what, String sqlTemplate, String tenantId, String owner, List<Long> ids, CommonBinder binder) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(owner, "owner");
        if (ids.isEmpty()) {
            return 0;
        }
        try {
            return connections.inTransaction(c -> {
                int changed = 0;
                for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
                    List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
                    String sql = sqlTemplate.formatted("?,".repeat(chunk.size() - 1) + "?");
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        int next = binder.bind(ps);
                        ps.setString(next++, tenantId);
                        ps.setString(next++, owner);
                        for (long id : chunk) {
                            ps.setLong(next++, id);
                        }
                        changed += ps.executeUpdate();
                    }
                }
                return changed;
            });
        } catch (SQLException e) {
            throw failure(what + " failed", e);
        }
    }

    private <T> int updateEach(String what, String sql, String tenantId, String owner, List<T> items, Binder<T> binder,
                               java.util.function.ToLongFunction<T> idOf) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(owner, "owner");
        if (items.isEmpty()) {
            return 0;
        }
        try {
            return connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (T item : items) {
                        int next = binder.bind(ps, item);
                        ps.setString(next, tenantId);
                        ps.setLong(next + 1, idOf.applyAsLong(item));
                        ps.setString(next + 2, owner);
                        ps.addBatch();
                    }
                    int changed = 0;
                    for (int n : ps.executeBatch()) {
                        changed += Math.max(n, 0);
                    }
                    return changed;
                }
            });
        } catch (SQLException e) {
            throw failure(what + " failed", e);
        }
    }

    /** The tenant condition plus optional ids, destination and reason prefix, as bound SQL. */
    private record Filter(String tenantId, List<Long> ids, Optional<String> destinationId, Optional<String> reasonPrefix) {
        static Filter of(String tenantId, List<Long> ids, Optional<String> destinationId, Optional<String> reasonPrefix) {
            return new Filter(tenantId, ids, destinationId, reasonPrefix);
        }

        String sql() {
            StringBuilder sql = new StringBuilder(" AND tenant_id = ?");
            if (!ids.isEmpty()) {
                sql.append(" AND id IN (").append("?,".repeat(ids.size() - 1)).append("?)");
            }
            destinationId.ifPresent(d -> sql.append(" AND destination_id = ?"));
            // substr, not LIKE: a reason may contain % or _ and should match literally.
            reasonPrefix.ifPresent(r -> sql.append(" AND substr(last_error, 1, ?) = ?"));
            return sql.toString();
        }

        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            ps.setString(i++, tenantId);
            for (long id : ids) {
                ps.setLong(i++, id);
            }
            if (destinationId.isPresent()) {
                ps.setString(i++, destinationId.get());
            }
            if (reasonPrefix.isPresent()) {
                ps.setInt(i++, reasonPrefix.get().length());
                ps.setString(i++, reasonPrefix.get());
            }
            return i;
        }
    }

    private static StoreException failure(String message, SQLException e) {
        return new StoreException(message + " (sqlstate " + e.getSQLState() + ")", e);
    }
}
