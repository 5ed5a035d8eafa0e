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
import java.util.Set;

/**
 * The {@link DeliveryStore} over JDBC. The dialects differ in the claim: PostgreSQL leases rows in
 * the table ({@code FOR UPDATE SKIP LOCKED}), SQLite in memory ({@link MemoryLeases}), which also
 * changes the ownership test of the outcome updates.
 */
final class JdbcDeliveryStore implements DeliveryStore {

    // The lease is written into next_attempt_at, so the one partial index serves claims and leased
    // rows fall out of the due range by themselves until the lease expires.
    private static final String CLAIM = """
            UPDATE outbox SET next_attempt_at = ?, lease_until = ?, claimed_by = ?, updated_at = ?
            WHERE id IN (SELECT id FROM outbox
                         WHERE tenant_id = ? AND destination_id = ? AND state = 'pending' AND next_attempt_at <= ?
                         ORDER BY next_attempt_at, id LIMIT ?%s)
            RETURNING id, event_name, event_id, attempts, created_at, payload, key_id, COALESCE(replayed_at, created_at)""";
    // Only rows this owner still holds: after an expired lease another replica may own the row.
    // %s is the ownership test: the claimed_by column on PostgreSQL; on SQLite claims live in
    // memory (MemoryLeases), which filters the ids first, and the column is empty.
    private static final String OWNED = " WHERE tenant_id = ? AND id = ? AND state = 'pending' AND %s";
    // Delivered and released rows all get the same values, so one statement per chunk of ids
    // replaces one per row: the writer lock (shared with ingest's group commit on SQLite) is held
    // for a fraction of the time a 1000-row batch of single-row updates takes.
    private static final String OWNED_ALL = " WHERE tenant_id = ? AND state = 'pending' AND %s AND id IN (%%s)";
    // A delivered row is deleted, payload and all: nothing reads it afterwards, and keeping it
    // (as earlier versions did, payload cleared) cost the writer a rewrite at settlement and
    // a delete at the retention purge, and the disk a row per event and destination for the
    // retention's length.
    private static final String DELIVERED_ALL = "DELETE FROM outbox" + OWNED_ALL;
    /** Ids per statement: far below SQLite's and PostgreSQL's limits on bound parameters. */
    private static final int IDS_PER_STATEMENT = 500;
    private static final String RESCHEDULE = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,"
            + " lease_until = NULL, claimed_by = NULL, last_error = ?, updated_at = ?" + OWNED;
    private static final String DEAD = "UPDATE outbox SET state = 'dead', attempts = attempts + ?, lease_until = NULL,"
            + " claimed_by = NULL, last_error = ?, platform_code = ?, updated_at = ?" + OWNED;
    private static final String RELEASE_ALL = "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, claimed_by = NULL,"
            + " updated_at = ?" + OWNED_ALL;
    /** The embedded store's claim: a read; the lease is kept in memory. */
    private static final String DUE = """
            SELECT id, event_name, event_id, attempts, created_at, payload, key_id, COALESCE(replayed_at, created_at) FROM outbox
            WHERE tenant_id = ? AND destination_id = ? AND state = 'pending' AND next_attempt_at <= ?
            ORDER BY next_attempt_at, id LIMIT ?""";
    private static final String ORPHANS = "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, claimed_by = NULL,"
            + " updated_at = ? WHERE state = 'pending' AND claimed_by IS NOT NULL";
    private static final String BACKLOG = """
            SELECT destination_id,
                   sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END),
                   min(CASE WHEN state = 'pending' THEN created_at END),
                   sum(CASE WHEN state = 'dead' THEN 1 ELSE 0 END)
            FROM outbox WHERE tenant_id = ? AND state IN ('pending', 'dead')
            GROUP BY destination_id ORDER BY destination_id""";

    /**
     * Makes dead letters pending, due now, with a fresh retry budget (bound: now three times, then
     * the conditions): attempts reset, and the retry age counted from now (replayed_at), not from
     * the commit; until session 40 a dead letter replayed more than retry-max-age after its commit
     * was dead-lettered again by its first 429 or 5xx.
     */
    static final String REPLAY = "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL,"
            + " claimed_by = NULL, last_error = NULL, platform_code = NULL, updated_at = ?, replayed_at = ?"
            + " WHERE state = 'dead'";

    private final Connections connections;
    private final String claimSql;
    /** SQLite: this process's claims (see {@link MemoryLeases}); null on PostgreSQL. */
    private final MemoryLeases memory;
    /** SQLite: the delivery log of the logged destinations (see {@link DeliveryLog}); null on PostgreSQL. */
    private final DeliveryLog log;
    private final String deliveredSql;
    private final String rescheduleSql;
    private final String deadSql;
    private final String releaseSql;
    /**
     * Dead letters a replay makes pending per transaction, 0 for one statement. SQLite's single
     * writer is ingest's too: 200,000 dead letters (a destination's token expired overnight) took
     * one update 0.68 s, so there the replay goes in chunks, each followed by a pause as long as
     * it took (at most a second), as the retention purge does; PostgreSQL updates in one
     * statement, which ingest does not wait for (docs/benchmarks.md, session 31). A replay by ids
     * (at most {@link #MAX_REPLAY_IDS}) is one transaction on both, so that it can say which ids
     * it left ({@link ReplayByIds}).
     */
    private int replayChunk;
    /** Waits between a replay's chunks, given how long the chunk took; sleeps outside tests. */
    private java.util.function.Consumer<Duration> replayPause = JdbcDeliveryStore::sleep;

    static final int REPLAY_CHUNK = 2_000;

    JdbcDeliveryStore(Connections connections) {
        this.connections = connections;
        // SQLite has a single writer, so its claim cannot race; PostgreSQL replicas skip each other's rows.
        this.claimSql = CLAIM.formatted(StoreConfig.POSTGRES.equals(connections.kind()) ? " FOR UPDATE SKIP LOCKED" : "");
        this.memory = StoreConfig.SQLITE.equals(connections.kind()) ? new MemoryLeases() : null;
        this.log = memory == null ? null : new DeliveryLog(connections);
        // The owner stays a bound parameter in both dialects; SQLite rows carry no owner (a row
        // an older version claimed in the database is handed back at startup).
        String owned = memory == null ? "claimed_by = ?" : "(claimed_by IS NULL OR claimed_by = ?)";
        this.deliveredSql = DELIVERED_ALL.formatted(owned);
        this.rescheduleSql = RESCHEDULE.formatted(owned);
        this.deadSql = DEAD.formatted(owned);
        this.releaseSql = RELEASE_ALL.formatted(owned);
        this.replayChunk = memory == null ? 0 : REPLAY_CHUNK;
    }

    /** Replays in chunks of {@code chunk} dead letters (0: one statement), pausing with {@code pause} between them. */
    void replayInChunks(int chunk, java.util.function.Consumer<Duration> pause) {
        this.replayChunk = chunk;
        this.replayPause = pause;
    }

    private static void sleep(Duration took) {
        try {
            Thread.sleep(took.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<Claimed> claim(String tenantId, String destinationId, int limit, Instant now, Duration lease, String owner) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(destinationId, "destinationId");
        Records.requireText(owner, "owner");
        if (limit < 1 || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("limit and lease must be positive");
        }
        if (memory != null) {
            // Copies to retry, replayed dead letters and rows of older versions first, then the log.
            List<Claimed> rows = claimInMemory(tenantId, destinationId, limit, now, lease, owner);
            if (rows.size() == limit) {
                return rows;
            }
            try {
                List<Claimed> logged = log.claim(tenantId, destinationId, limit - rows.size(), now, lease, owner);
                if (rows.isEmpty()) {
                    return logged;
                }
                List<Claimed> all = new ArrayList<>(rows);
                all.addAll(logged);
                return List.copyOf(all);
            } catch (SQLException e) {
                release(tenantId, owner, rows.stream().map(Claimed::id).toList(), now);
                throw failure("claiming delivery log copies failed", e);
            }
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
                                    Instant.ofEpochMilli(rs.getLong(5)), rs.getBytes(6), rs.getString(7),
                                    Instant.ofEpochMilli(rs.getLong(8))));
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

    /** SQLite: reads due rows no live lease holds and leases them in memory (see {@link MemoryLeases}). */
    private List<Claimed> claimInMemory(String tenantId, String destinationId, int limit, Instant now, Duration lease,
                                        String owner) {
        synchronized (memory.lock()) {
            Set<Long> held = memory.held(now);
            List<Claimed> rows;
            try {
                rows = connections.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement(DUE)) {
                        ps.setString(1, tenantId);
                        ps.setString(2, destinationId);
                        ps.setLong(3, now.toEpochMilli());
                        // Leased rows are still due in the table: read past them.
                        ps.setInt(4, (int) Math.min(Integer.MAX_VALUE, (long) limit + held.size()));
                        List<Claimed> due = new ArrayList<>(limit);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (due.size() < limit && rs.next()) {
                                if (!held.contains(rs.getLong(1))) {
                                    due.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                            Instant.ofEpochMilli(rs.getLong(5)), rs.getBytes(6), rs.getString(7),
                                            Instant.ofEpochMilli(rs.getLong(8))));
                                }
                            }
                        }
                        return due;
                    }
                });
            } catch (SQLException e) {
                throw failure("claiming outbox rows failed", e);
            }
            memory.lease(rows.stream().map(Claimed::id).toList(), owner, now.plus(lease));
            return List.copyOf(rows);
        }
    }

    @Override
    public int markDelivered(String tenantId, String owner, List<Long> ids) {
        return settleLogged("settling delivered copies", tenantId, owner, ids, id -> id,
                id -> DeliveryLog.Outcome.of(id, DeliveryLog.Ending.DELIVERED), Instant.EPOCH)
                + updateAll("deleting delivered rows", deliveredSql, tenantId, owner, outboxIds(ids, id -> id), ps -> 1);
    }

    @Override
    public int reschedule(String tenantId, String owner, List<Retry> retries, Instant now) {
        int logged = settleLogged("rescheduling copies", tenantId, owner, retries, Retry::id,
                r -> new DeliveryLog.Outcome(r.id(), DeliveryLog.Ending.RETRY, r.at().toEpochMilli(), r.error(), null, 1), now);
        return logged + updateEach("rescheduling rows", rescheduleSql, tenantId, owner, outboxIds(retries, Retry::id), (ps, r) -> {
            ps.setLong(1, r.at().toEpochMilli());
            ps.setString(2, r.error());
            ps.setLong(3, now.toEpochMilli());
            return 4;
        }, Retry::id);
    }

    @Override
    public int deadLetter(String tenantId, String owner, List<Dead> dead, Instant now) {
        int logged = settleLogged("dead-lettering copies", tenantId, owner, dead, Dead::id,
                d -> new DeliveryLog.Outcome(d.id(), DeliveryLog.Ending.DEAD, 0, d.reason(), d.platformCode().orElse(null),
                        d.attempted() ? 1 : 0), now);
        return logged + updateEach("dead-lettering rows", deadSql, tenantId, owner, outboxIds(dead, Dead::id), (ps, d) -> {
            ps.setInt(1, d.attempted() ? 1 : 0);
            ps.setString(2, d.reason());
            ps.setString(3, d.platformCode().orElse(null));
            ps.setLong(4, now.toEpochMilli());
            return 5;
        }, Dead::id);
    }

    @Override
    public int release(String tenantId, String owner, List<Long> ids, Instant now) {
        int logged = settleLogged("releasing copies", tenantId, owner, ids, id -> id,
                id -> DeliveryLog.Outcome.of(id, DeliveryLog.Ending.RELEASED), now);
        return logged + updateAll("releasing rows", releaseSql, tenantId, owner, outboxIds(ids, id -> id), ps -> {
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
            // Claims held in memory belong to no running dispatcher yet (this runs before delivery
            // starts); rows an older version claimed in the table are handed back too.
            int inMemory = memory.clear() + log.clear();
            return inMemory + connections.inTransaction(c -> {
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
    public int deliverFromLog(java.util.Map<String, Set<String>> destinations, Instant now) {
        if (log == null) {
            return 0;
        }
        try {
            return log.register(destinations, now);
        } catch (SQLException e) {
            throw failure("registering the delivery log's destinations failed", e);
        }
    }

    /** The destinations whose copies ingest writes to the delivery log; empty on PostgreSQL. */
    Set<TenantDestination> logged() {
        return log == null ? Set.of() : log.logged();
    }

    /** The items that are outbox rows, not delivery log copies. */
    private static <T> List<T> outboxIds(List<T> items, java.util.function.ToLongFunction<T> idOf) {
        for (T item : items) {
            if (DeliveryLog.isLogId(idOf.applyAsLong(item))) {
                return items.stream().filter(i -> !DeliveryLog.isLogId(idOf.applyAsLong(i))).toList();
            }
        }
        return items;
    }

    /** Settles the items that are delivery log copies (SQLite); returns how many it settled. */
    private <T> int settleLogged(String what, String tenantId, String owner, List<T> items,
                                 java.util.function.ToLongFunction<T> idOf,
                                 java.util.function.Function<T, DeliveryLog.Outcome> outcome, Instant now) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(owner, "owner");
        if (log == null) {
            return 0;
        }
        List<DeliveryLog.Outcome> outcomes = new ArrayList<>();
        for (T item : items) {
            if (DeliveryLog.isLogId(idOf.applyAsLong(item))) {
                outcomes.add(outcome.apply(item));
            }
        }
        if (outcomes.isEmpty()) {
            return 0;
        }
        try {
            return log.settle(tenantId, owner, outcomes, now);
        } catch (SQLException e) {
            throw failure(what + " failed", e);
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
    public ReplayResult replay(String tenantId, ReplaySelector selector, Instant now) {
        Records.requireText(tenantId, "tenantId");
        Filter filter = new Filter(tenantId, selector.ids(), selector.destinationId(), selector.reasonPrefix(),
                selector.configured().map(d -> List.copyOf(new java.util.TreeSet<>(d))));
        try {
            if (!selector.ids().isEmpty()) {
                // At most MAX_REPLAY_IDS rows, so never chunked: one transaction replays them and
                // reads why the rest were left.
                return connections.inTransaction(c -> ReplayByIds.replay(c, filter, selector, now));
            }
            return new ReplayResult(replayByFilter(filter, now), List.of());
        } catch (SQLException e) {
            throw failure("replaying dead letters failed", e);
        }
    }

    /** A replay by destination and/or reason: in chunks on SQLite (see {@link #replayChunk}). */
    private int replayByFilter(Filter filter, Instant now) throws SQLException {
        if (replayChunk <= 0) {
            return connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(REPLAY + filter.sql())) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setLong(2, now.toEpochMilli());
                    ps.setLong(3, now.toEpochMilli());
                    filter.bind(ps, 4);
                    return ps.executeUpdate();
                }
            });
        }
        // In chunks: the next chunk's ids in id order (outbox_dead), read outside any
        // transaction, then made pending by id if they are still dead.
        String next = "SELECT id FROM outbox WHERE state = 'dead'" + filter.sql() + " AND id > ? ORDER BY id LIMIT " + replayChunk;
        int replayed = 0;
        long after = 0;
        while (true) {
            long from = after;
            List<Long> ids = connections.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(next)) {
                    ps.setLong(filter.bind(ps, 1), from);
                    List<Long> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getLong(1));
                        }
                    }
                    return out;
                }
            });
            if (ids.isEmpty()) {
                return replayed;
            }
            long started = System.nanoTime();
            replayed += connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(REPLAY + " AND id IN (" + "?,".repeat(ids.size() - 1) + "?)")) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setLong(2, now.toEpochMilli());
                    ps.setLong(3, now.toEpochMilli());
                    for (int i = 0; i < ids.size(); i++) {
                        ps.setLong(i + 4, ids.get(i));
                    }
                    return ps.executeUpdate();
                }
            });
            if (ids.size() < replayChunk) {
                return replayed;
            }
            after = ids.getLast();
            replayPause.accept(Duration.ofNanos(System.nanoTime() - started));
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
                    if (log != null) {
                        return merged(out, log.backlog(c, tenantId));
                    }
                    return List.copyOf(out);
                }
            });
        } catch (SQLException e) {
            throw failure("reading the backlog failed", e);
        }
    }

    /** The outbox's backlog plus the log's unsettled copies, per destination in id order. */
    private static List<Backlog> merged(List<Backlog> outbox, List<Backlog> logged) {
        java.util.Map<String, Backlog> byDestination = new java.util.TreeMap<>();
        for (Backlog b : outbox) {
            byDestination.put(b.destinationId(), b);
        }
        for (Backlog b : logged) {
            byDestination.merge(b.destinationId(), b, (x, y) -> new Backlog(x.destinationId(), x.pending() + y.pending(),
                    earliest(x.oldestPending(), y.oldestPending()), x.dead() + y.dead()));
        }
        return List.copyOf(byDestination.values());
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().isBefore(b.get()) ? a : b;
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
    private int updateAll(String what, String sqlTemplate, String tenantId, String owner, List<Long> requested,
                          CommonBinder binder) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(owner, "owner");
        List<Long> ids = memory == null ? requested : memory.ownedBy(owner, requested);
        if (ids.isEmpty()) {
            return 0;
        }
        try {
            int changed = connections.inTransaction(c -> {
                int n = 0;
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
                        n += ps.executeUpdate();
                    }
                }
                return n;
            });
            settled(owner, ids);
            return changed;
        } catch (SQLException e) {
            throw failure(what + " failed", e);
        }
    }

    /** SQLite: the settled rows' leases go only now that their new state is committed. */
    private void settled(String owner, List<Long> ids) {
        if (memory != null) {
            memory.drop(owner, ids);
        }
    }

    private <T> int updateEach(String what, String sql, String tenantId, String owner, List<T> requested, Binder<T> binder,
                               java.util.function.ToLongFunction<T> idOf) {
        Records.requireText(tenantId, "tenantId");
        Records.requireText(owner, "owner");
        List<T> items = requested;
        if (memory != null) {
            Set<Long> owned = Set.copyOf(memory.ownedBy(owner, requested.stream().map(idOf::applyAsLong).toList()));
            items = requested.stream().filter(item -> owned.contains(idOf.applyAsLong(item))).toList();
        }
        if (items.isEmpty()) {
            return 0;
        }
        List<T> chosen = items;
        try {
            int changed = connections.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (T item : chosen) {
                        int next = binder.bind(ps, item);
                        ps.setString(next, tenantId);
                        ps.setLong(next + 1, idOf.applyAsLong(item));
                        ps.setString(next + 2, owner);
                        ps.addBatch();
                    }
                    int n = 0;
                    for (int count : ps.executeBatch()) {
                        n += Math.max(count, 0);
                    }
                    return n;
                }
            });
            settled(owner, chosen.stream().map(idOf::applyAsLong).toList());
            return changed;
        } catch (SQLException e) {
            throw failure(what + " failed", e);
        }
    }

    /** The conditions of a dead-letter listing or replay; {@code within}: only these destinations, when present. */
    record Filter(String tenantId, List<Long> ids, Optional<String> destinationId, Optional<String> reasonPrefix,
                          Optional<List<String>> within) {
        static Filter of(String tenantId, List<Long> ids, Optional<String> destinationId, Optional<String> reasonPrefix) {
            return new Filter(tenantId, ids, destinationId, reasonPrefix, Optional.empty());
        }

        String sql() {
            StringBuilder sql = new StringBuilder(" AND tenant_id = ?");
            if (!ids.isEmpty()) {
                sql.append(" AND id IN (").append("?,".repeat(ids.size() - 1)).append("?)");
            }
            destinationId.ifPresent(d -> sql.append(" AND destination_id = ?"));
            // substr, not LIKE: a reason may contain % or _ and should match literally.
            reasonPrefix.ifPresent(r -> sql.append(" AND substr(last_error, 1, ?) = ?"));
            within.ifPresent(w -> sql.append(w.isEmpty() ? " AND 1 = 0"
                    : " AND destination_id IN (" + "?,".repeat(w.size() - 1) + "?)"));
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
                ps.setInt(i++, reasonPrefix.get().codePointCount(0, reasonPrefix.get().length()));
                ps.setString(i++, reasonPrefix.get());
            }
            for (String destination : within.orElse(List.of())) {
                ps.setString(i++, destination);
            }
            return i;
        }
    }

    private static StoreException failure(String message, SQLException e) {
        return StoreException.of(message, e);
    }
}
