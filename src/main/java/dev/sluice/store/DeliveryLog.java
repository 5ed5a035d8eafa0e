package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded store's delivery log (docs/storage-log.md, step 4): an accepted event is one
 * {@code delivery_log} row holding every logged destination's sealed copy, instead of one outbox
 * row per destination; each destination (a "lane") reads the log in id order from its cursor,
 * the highest event row id through which its copies are settled ({@code delivery_cursors}).
 * Delivering a round advances the cursor with one write instead of a delete per row; a copy to
 * retry later or a dead letter becomes an outbox row, where retries, dead letters and replay work
 * as before. A log row is deleted, payloads and all, once every cursor of its tenant has passed it.
 *
 * <p>Why this is safe on SQLite only: its single writer commits event row ids in increasing order,
 * so a reader that has seen row {@code n} will never see a row below {@code n} commit later, and a
 * cursor cannot pass a row still to come. (PostgreSQL takes ids from a sequence and commits in any
 * order; it keeps one outbox row per destination.)
 *
 * <p>Claims and leases are this process's memory, as {@link MemoryLeases} keeps them for outbox
 * rows: a claimed copy is "in flight" with an owner and a lease; the cursor stops below the lowest
 * copy in flight or handed back, so a crash re-delivers from the cursor (at-least-once; the event
 * id lets the platform deduplicate). A lease that runs out makes its copy claimable again by
 * another owner, and only the current owner can settle it.
 *
 * <p>Claim ids of log copies are negative, {@code -(eventRowId * 256 + copy index)}, so they never
 * meet an outbox row's id; dead letters and retries get outbox ids of their own.
 */
final class DeliveryLog {

    static final String READ_FROM = """
            SELECT l.id, l.destinations, l.copies, e.event_name, e.event_id, e.received_at
            FROM delivery_log l JOIN events e ON e.id = l.id
            WHERE l.tenant_id = ? AND l.id > ? ORDER BY l.id LIMIT ?""";
    private static final String READ_IDS = """
            SELECT l.id, l.destinations, l.copies, e.event_name, e.event_id, e.received_at
            FROM delivery_log l JOIN events e ON e.id = l.id
            WHERE l.tenant_id = ? AND l.id IN (%s)""";
    static final String READ_LANE = """
            SELECT l.id, l.destinations, l.copies, e.event_name, e.event_id, e.received_at
            FROM delivery_log l JOIN events e ON e.id = l.id
            WHERE l.tenant_id = ? AND l.id > ? AND instr(l.destinations, ?) > 0 ORDER BY l.id LIMIT ?""";
    private static final String UPSERT_CURSOR = """
            INSERT INTO delivery_cursors (tenant_id, destination_id, settled_through) VALUES (?, ?, ?)
            ON CONFLICT (tenant_id, destination_id) DO UPDATE SET settled_through = excluded.settled_through""";
    // A rowid range from the tenant's last purge: there is no index on the tenant (V33), and rows
    // of other tenants below the range (a backlog of theirs) are not walked again at every purge.
    static final String PURGE = "DELETE FROM delivery_log WHERE id > ? AND id <= ? AND tenant_id = ?";
    private static final String NEWEST_ROW = "SELECT id FROM delivery_log WHERE tenant_id = ? ORDER BY id DESC LIMIT 1";
    static final String LANE_BACKLOG = """
            SELECT count(*), min(e.received_at) FROM delivery_log l JOIN events e ON e.id = l.id
            WHERE l.tenant_id = ? AND l.id > ? AND instr(l.destinations, ?) > 0""";
    /** An exception row: a copy to retry or a dead letter, written to the outbox. */
    private static final MultiRowInsert<ExceptionRow> INSERT_OUTBOX = new MultiRowInsert<>("outbox",
            List.of("tenant_id", "event_row_id", "event_name", "event_id", "destination_id", "state", "attempts",
                    "next_attempt_at", "payload", "key_id", "last_error", "platform_code", "created_at", "updated_at"),
            DeliveryLog::bindException);
    private static final int PAGE = 500;

    /** Claim id of a log copy. */
    static long claimId(long eventRowId, int index) {
        return -(eventRowId * DeliveryCopies.MAX_COPIES + index);
    }

    static boolean isLogId(long id) {
        return id < 0;
    }

    private static long rowOf(long claimId) {
        return -claimId / DeliveryCopies.MAX_COPIES;
    }

    private static int indexOf(long claimId) {
        return (int) (-claimId % DeliveryCopies.MAX_COPIES);
    }

    /** A log row as read, with the event's name, id and receipt time. */
    private record Entry(long id, String destinations, byte[] copies, String eventName, String eventId, long receivedAt) {
        Optional<DeliveryCopies.Copy> copy(int index) {
            return DeliveryCopies.copyAt(copies, index);
        }
    }

    /** A claimed copy: which copy of its row, who holds it and until when (epoch ms). */
    private record Flight(int index, String owner, long until) {
    }

    /** One destination's reading of the log. Guarded by {@link #lock}, except {@link #settled}. */
    private static final class Lane {
        final String tenantId;
        final String destinationId;
        final String marker;
        final ReentrantLock lock = new ReentrantLock();
        /** The cursor as committed. */
        volatile long settled;
        /**
         * What the lane has passed: settled, or read and holding no copy for it. The tenant's log
         * rows are deleted through the lowest of its lanes' values: a lane that skips rows (none
         * of its copies) need not commit a cursor for them, and after a restart it reads on from
         * its committed cursor past rows that are gone.
         */
        volatile long passed;
        /** The highest event row id this lane has read (handed out or skipped). */
        long read;
        final TreeMap<Long, Flight> inFlight = new TreeMap<>();
        /** Copies handed back unsettled (released), to be claimed again first. */
        final TreeSet<Long> returned = new TreeSet<>();

        Lane(String tenantId, String destinationId, long settled) {
            this.tenantId = tenantId;
            this.destinationId = destinationId;
            this.marker = DeliveryCopies.marker(destinationId);
            this.settled = settled;
            this.passed = settled;
            this.read = settled;
        }

        /** The cursor: just below the lowest copy in flight or handed back, else what was read. */
        long settledThrough() {
            return settledThrough(Set.of(), List.of());
        }

        /**
         * The cursor once the copies of rows {@code leaving} have left the flight and those of
         * {@code handedBack} have been handed back. Settled rounds are the lowest rows in flight,
         * so this reads about as many entries as are leaving.
         */
        long settledThrough(Set<Long> leaving, List<Long> handedBack) {
            long open = Long.MAX_VALUE;
            for (long row : inFlight.keySet()) {
                if (!leaving.contains(row)) {
                    open = row;
                    break;
                }
            }
            if (!returned.isEmpty()) {
                open = Math.min(open, returned.first());
            }
            for (long row : handedBack) {
                open = Math.min(open, row);
            }
            return open == Long.MAX_VALUE ? read : open - 1;
        }
    }

    private final Connections connections;
    /**
     * Per tenant, the bound of its last committed purge: none of its rows is at or below it (a
     * purge deletes every row of the tenant through its bound, and rows only come with higher
     * ids). Recorded after the commit, so a purge that rolled back leaves it where it was; 0 after
     * a start, when the first purge reads the log from its start once.
     */
    private final Map<String, Long> purgedThrough = new java.util.concurrent.ConcurrentHashMap<>();
    /** Lanes by tenant, then destination; replaced whole by {@link #register}. */
    private volatile Map<String, Map<String, Lane>> lanes = Map.of();
    private volatile Set<TenantDestination> logged = Set.of();

    DeliveryLog(Connections connections) {
        this.connections = connections;
    }

    /** The destinations whose copies the writer puts in the log (the rest get outbox rows). */
    Set<TenantDestination> logged() {
        return logged;
    }

    /**
     * Makes {@code destinations} (by tenant) the logged ones, before ingest and delivery start. A
     * logged destination without a cursor gets one at its tenant's newest log row (it has no copy
     * in the log yet). A destination of a listed tenant that was logged and is no longer listed
     * (removed from the configuration, or its connector gone) has its unsettled copies moved to
     * the outbox, due now, as earlier versions would have kept them, and its cursor dropped, so
     * that it no longer holds the tenant's log. A tenant not listed (removed from the configuration
     * as a whole) is treated as one whose every destination was removed. A tenant left without a
     * logged destination has its log rows deleted: each of its copies is either settled or, moved,
     * an outbox row of its own, and nothing would ever purge those rows (they kept their events
     * rows, and so their sealed copies, from every retention).
     *
     * @return the copies moved to the outbox
     */
    int register(Map<String, Set<String>> destinations, Instant now) throws SQLException {
        destinations.forEach((tenant, ids) -> {
            if (ids.size() > DeliveryCopies.MAX_COPIES) {
                throw new IllegalArgumentException("at most " + DeliveryCopies.MAX_COPIES + " destinations per tenant");
            }
        });
        Map<String, Map<String, Lane>> built = new LinkedHashMap<>();
        Map<String, Long> purged = new HashMap<>();
        int moved = connections.inTransaction(c -> {
            Map<TenantDestination, Long> cursors = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tenant_id, destination_id, settled_through FROM delivery_cursors");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cursors.put(new TenantDestination(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
            int n = 0;
            Set<String> unlogged = new java.util.TreeSet<>();
            for (Map.Entry<TenantDestination, Long> cursor : cursors.entrySet()) {
                TenantDestination td = cursor.getKey();
                Set<String> listed = destinations.get(td.tenantId());
                if (listed == null || !listed.contains(td.destinationId())) {
                    unlogged.add(td.tenantId());
                    n += moveToOutbox(c, td, cursor.getValue(), now);
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM delivery_cursors WHERE tenant_id = ? AND destination_id = ?")) {
                        ps.setString(1, td.tenantId());
                        ps.setString(2, td.destinationId());
                        ps.executeUpdate();
                    }
                }
            }
            for (Map.Entry<String, Set<String>> tenant : destinations.entrySet()) {
                Map<String, Lane> forTenant = new LinkedHashMap<>();
                for (String destinationId : tenant.getValue()) {
                    TenantDestination td = new TenantDestination(tenant.getKey(), destinationId);
                    Long settled = cursors.get(td);
                    if (settled == null) {
                        settled = newestRow(c, tenant.getKey());
                        upsertCursor(c, td.tenantId(), destinationId, settled);
                    }
                    forTenant.put(destinationId, new Lane(td.tenantId(), destinationId, settled));
                }
                if (!forTenant.isEmpty()) {
                    built.put(tenant.getKey(), forTenant);
                    long bound = forTenant.values().stream().mapToLong(l -> l.settled).min().orElseThrow();
                    purge(c, tenant.getKey(), bound);
                    purged.put(tenant.getKey(), bound);
                }
            }
            for (String tenantId : unlogged) {
                if (!built.containsKey(tenantId)) {
                    // Once, at the start that drops its last cursor; not recorded as a bound, since
                    // the tenant may come back in this process's next registration (tests do).
                    purge(c, tenantId, Long.MAX_VALUE);
                }
            }
            return n;
        });
        purged.forEach(this::purged);
        Set<TenantDestination> keys = new java.util.HashSet<>();
        built.forEach((tenant, byDestination) -> byDestination.keySet().forEach(d -> keys.add(new TenantDestination(tenant, d))));
        lanes = Map.copyOf(built);
        logged = Set.copyOf(keys);
        return moved;
    }

    /** Writes a lane's unsettled copies as pending outbox rows, due {@code now}. */
    private static int moveToOutbox(Connection c, TenantDestination td, long settled, Instant now) throws SQLException {
        int moved = 0;
        long after = settled;
        while (true) {
            List<ExceptionRow> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(READ_LANE)) {
                ps.setString(1, td.tenantId());
                ps.setLong(2, after);
                ps.setString(3, DeliveryCopies.marker(td.destinationId()));
                ps.setInt(4, PAGE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Entry entry = entry(rs);
                        after = entry.id();
                        rows.add(ExceptionRow.pending(td, entry, DeliveryCopies.indexOf(entry.destinations(), td.destinationId()),
                                now.toEpochMilli()));
                    }
                }
            }
            INSERT_OUTBOX.insert(c, rows);
            moved += rows.size();
            if (rows.size() < PAGE) {
                return moved;
            }
        }
    }

    /** The tenant's newest log row, 0 if none: read from the log's end back to the tenant's first row. */
    private static long newestRow(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NEWEST_ROW)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private Optional<Lane> lane(String tenantId, String destinationId) {
        return Optional.ofNullable(lanes.getOrDefault(tenantId, Map.of()).get(destinationId));
    }

    /**
     * Claims up to {@code limit} copies of a logged destination: first those handed back or whose
     * lease ran out, then the log's next rows after what the lane has read.
     */
    List<DeliveryStore.Claimed> claim(String tenantId, String destinationId, int limit, Instant now, Duration lease,
                                      String owner) throws SQLException {
        Optional<Lane> found = lane(tenantId, destinationId);
        if (found.isEmpty()) {
            return List.of();
        }
        Lane lane = found.get();
        long at = now.toEpochMilli();
        long until = now.plus(lease).toEpochMilli();
        lane.lock.lock();
        try {
            List<DeliveryStore.Claimed> out = new ArrayList<>(limit);
            TreeSet<Long> again = new TreeSet<>(lane.returned);
            lane.inFlight.forEach((row, flight) -> {
                if (flight.until() <= at) {
                    again.add(row);
                }
            });
            if (!again.isEmpty()) {
                List<Long> redo = again.stream().limit(limit).toList();
                Map<Long, Entry> entries = connections.read(c -> byIds(c, tenantId, redo));
                for (long row : redo) {
                    Entry entry = entries.get(row);
                    int index = entry == null ? -1 : DeliveryCopies.indexOf(entry.destinations(), destinationId);
                    if (index < 0) {
                        // Erased since it was handed out: nothing left to deliver.
                        lane.returned.remove(row);
                        lane.inFlight.remove(row);
                        continue;
                    }
                    out.add(claimed(entry, index));
                    lane.returned.remove(row);
                    lane.inFlight.put(row, new Flight(index, owner, until));
                }
            }
            while (out.size() < limit) {
                int want = limit - out.size();
                long after = lane.read;
                int[] seen = {0};
                boolean[] later = {false};
                // Row by row, so that a row's copies (all destinations') are garbage as soon as
                // this destination's copy is out of them, and a row without one is not copied out.
                connections.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement(READ_FROM)) {
                        ps.setString(1, tenantId);
                        ps.setLong(2, after);
                        ps.setInt(3, want);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                seen[0]++;
                                long receivedAt = rs.getLong(6);
                                if (receivedAt > at) {
                                    // Not due yet (a clock that stepped back): neither claimed nor passed.
                                    later[0] = true;
                                    break;
                                }
                                long id = rs.getLong(1);
                                lane.read = id;
                                String destinations = rs.getString(2);
                                int index = DeliveryCopies.indexOf(destinations, destinationId);
                                if (index >= 0) {
                                    out.add(claimed(new Entry(id, destinations, rs.getBytes(3), rs.getString(4),
                                            rs.getString(5), receivedAt), index));
                                    lane.inFlight.put(id, new Flight(index, owner, until));
                                }
                            }
                        }
                        return null;
                    }
                });
                if (later[0] || seen[0] < want) {
                    break;
                }
            }
            lane.passed = lane.settledThrough();
            return List.copyOf(out);
        } finally {
            lane.lock.unlock();
        }
    }

    private static DeliveryStore.Claimed claimed(Entry entry, int index) {
        // A copy that does not decode is handed out empty; the dispatcher dead-letters what it cannot open.
        DeliveryCopies.Copy copy = entry.copy(index).orElse(new DeliveryCopies.Copy("unreadable", new byte[0]));
        return new DeliveryStore.Claimed(claimId(entry.id(), index), entry.eventName(), entry.eventId(), 0,
                Instant.ofEpochMilli(entry.receivedAt()), copy.payload(), copy.keyId());
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getString(4), rs.getString(5), rs.getLong(6));
    }

    private static Map<Long, Entry> byIds(Connection c, String tenantId, List<Long> rows) throws SQLException {
        Map<Long, Entry> out = new HashMap<>();
        for (int from = 0; from < rows.size(); from += PAGE) {
            List<Long> chunk = rows.subList(from, Math.min(rows.size(), from + PAGE));
            try (PreparedStatement ps = c.prepareStatement(READ_IDS.formatted("?,".repeat(chunk.size() - 1) + "?"))) {
                ps.setString(1, tenantId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setLong(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Entry entry = entry(rs);
                        out.put(entry.id(), entry);
                    }
                }
            }
        }
        return out;
    }

    /** How a settlement ends a copy. */
    enum Ending {
        /** Delivered: nothing is written for it; the cursor passes it. */
        DELIVERED,
        /** Retry later: an outbox row, pending, due then, one attempt counted. */
        RETRY,
        /** Dead letter: an outbox row, dead, with its reason. */
        DEAD,
        /** Handed back unsettled: claimed again first, the cursor stays below it. */
        RELEASED
    }

    /**
     * A copy's settlement.
     *
     * @param id       the claim id
     * @param at       retries: when it is due again
     * @param error    retries and dead letters: the reason
     * @param code     dead letters: the platform's code
     * @param attempts attempts the outbox row starts with
     */
    record Outcome(long id, Ending ending, long at, String error, String code, int attempts) {
        static Outcome of(long id, Ending ending) {
            return new Outcome(id, ending, 0, null, null, 0);
        }
    }

    /**
     * Settles copies {@code owner} holds (others are skipped, as after an expired lease another
     * owner may have taken them) and advances the cursors past what is settled, in one transaction
     * per destination; leases go only after it committed.
     *
     * @return how many copies were settled (a retry or dead letter whose row was erased meanwhile
     *         counts as none)
     */
    int settle(String tenantId, String owner, List<Outcome> outcomes, Instant now) throws SQLException {
        Map<String, Lane> forTenant = lanes.getOrDefault(tenantId, Map.of());
        int changed = 0;
        for (Lane lane : forTenant.values()) {
            lane.lock.lock();
            try {
                List<Outcome> mine = new ArrayList<>();
                for (Outcome o : outcomes) {
                    Flight flight = lane.inFlight.get(rowOf(o.id()));
                    if (flight != null && flight.index() == indexOf(o.id()) && flight.owner().equals(owner)) {
                        mine.add(o);
                    }
                }
                if (!mine.isEmpty()) {
                    changed += settleLane(lane, mine, forTenant, now);
                }
            } finally {
                lane.lock.unlock();
            }
        }
        return changed;
    }

    private int settleLane(Lane lane, List<Outcome> mine, Map<String, Lane> forTenant, Instant now) throws SQLException {
        Set<Long> leaving = new java.util.HashSet<>(mine.size() * 2);
        List<Long> handedBack = new ArrayList<>();
        List<Outcome> written = new ArrayList<>();
        for (Outcome o : mine) {
            leaving.add(rowOf(o.id()));
            if (o.ending() == Ending.RELEASED) {
                handedBack.add(rowOf(o.id()));
            } else if (o.ending() != Ending.DELIVERED) {
                written.add(o);
            }
        }
        // The cursor as it will be once these copies are settled; memory changes only after commit.
        long settled = lane.settledThrough(leaving, handedBack);
        long[] purgedTo = {-1};
        int inserted = connections.inTransaction(c -> {
            int n = 0;
            if (!written.isEmpty()) {
                Map<Long, Entry> entries = byIds(c, lane.tenantId, written.stream().map(o -> rowOf(o.id())).toList());
                List<ExceptionRow> rows = new ArrayList<>(written.size());
                for (Outcome o : written) {
                    Entry entry = entries.get(rowOf(o.id()));
                    if (entry != null) {
                        rows.add(ExceptionRow.of(lane, entry, o, now.toEpochMilli()));
                    }
                }
                INSERT_OUTBOX.insert(c, rows);
                n = rows.size();
            }
            if (settled > lane.settled) {
                upsertCursor(c, lane.tenantId, lane.destinationId, settled);
                long bound = settled;
                for (Lane other : forTenant.values()) {
                    if (other != lane) {
                        bound = Math.min(bound, other.passed);
                    }
                }
                purge(c, lane.tenantId, bound);
                purgedTo[0] = bound;
            }
            return n;
        });
        if (purgedTo[0] >= 0) {
            purged(lane.tenantId, purgedTo[0]);
        }
        leaving.forEach(lane.inFlight::remove);
        lane.returned.addAll(handedBack);
        lane.settled = Math.max(lane.settled, settled);
        lane.passed = lane.settledThrough();
        long settledOrReleased = mine.stream().filter(o -> o.ending() == Ending.DELIVERED || o.ending() == Ending.RELEASED).count();
        return (int) settledOrReleased + inserted;
    }

    private static void upsertCursor(Connection c, String tenantId, String destinationId, long settled) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_CURSOR)) {
            ps.setString(1, tenantId);
            ps.setString(2, destinationId);
            ps.setLong(3, settled);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes the tenant's log rows every cursor has passed: those above its last committed purge
     * and through {@code through}. The caller records the bound once the transaction committed.
     */
    private void purge(Connection c, String tenantId, long through) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PURGE)) {
            ps.setLong(1, purgedThrough.getOrDefault(tenantId, 0L));
            ps.setLong(2, through);
            ps.setString(3, tenantId);
            ps.executeUpdate();
        }
    }

    /** Records a committed purge of the tenant's rows through {@code through}. */
    private void purged(String tenantId, long through) {
        purgedThrough.merge(tenantId, through, Math::max);
    }

    /** Forgets every claim (startup: nothing can be in flight); returns how many there were. */
    int clear() {
        int n = 0;
        for (Map<String, Lane> forTenant : lanes.values()) {
            for (Lane lane : forTenant.values()) {
                lane.lock.lock();
                try {
                    n += lane.inFlight.size() + lane.returned.size();
                    lane.inFlight.clear();
                    lane.returned.clear();
                    lane.read = lane.settled;
                    lane.passed = lane.settled;
                } finally {
                    lane.lock.unlock();
                }
            }
        }
        return n;
    }

    /** Unsettled copies per logged destination of the tenant: count and oldest receipt time. */
    List<DeliveryStore.Backlog> backlog(Connection c, String tenantId) throws SQLException {
        List<DeliveryStore.Backlog> out = new ArrayList<>();
        for (Lane lane : lanes.getOrDefault(tenantId, Map.of()).values()) {
            try (PreparedStatement ps = c.prepareStatement(LANE_BACKLOG)) {
                ps.setString(1, tenantId);
                ps.setLong(2, lane.settled);
                ps.setString(3, lane.marker);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long count = rs.getLong(1);
                    long oldest = rs.getLong(2);
                    Optional<Instant> oldestPending = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
                    if (count > 0) {
                        out.add(new DeliveryStore.Backlog(lane.destinationId, count, oldestPending, 0));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The tenant's unsettled copies as pending outbox rows (for {@link Store#outbox}), in event
     * order, up to {@code limit}; read against the committed cursors.
     */
    static List<OutboxRow> pendingCopies(Connection c, String tenantId, int limit) throws SQLException {
        Map<String, Long> cursors = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT destination_id, settled_through FROM delivery_cursors WHERE tenant_id = ?")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cursors.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        List<OutboxRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(READ_FROM)) {
            ps.setString(1, tenantId);
            // Every cursor has passed the rows at or below the lowest: read from there.
            ps.setLong(2, cursors.values().stream().mapToLong(Long::longValue).min().orElse(0));
            ps.setInt(3, Integer.MAX_VALUE);
            try (ResultSet rs = ps.executeQuery()) {
                while (out.size() < limit && rs.next()) {
                    Entry entry = entry(rs);
                    int copies = DeliveryCopies.count(entry.destinations());
                    for (int i = 0; i < copies && out.size() < limit; i++) {
                        String destinationId = DeliveryCopies.destinationAt(entry.destinations(), i);
                        Long cursor = cursors.get(destinationId);
                        // No cursor: a destination no longer logged, whose copies moved to the outbox.
                        if (cursor == null || entry.id() <= cursor) {
                            continue;
                        }
                        DeliveryCopies.Copy copy = entry.copy(i).orElse(new DeliveryCopies.Copy("unreadable", new byte[0]));
                        out.add(new OutboxRow(claimId(entry.id(), i), tenantId, entry.eventName(), entry.eventId(),
                                destinationId, "pending", 0, Instant.ofEpochMilli(entry.receivedAt()), copy.payload(),
                                copy.keyId()));
                    }
                }
            }
        }
        return out;
    }

    /** An outbox row written for a log copy: a retry, a dead letter, or a copy moved at {@link #register}. */
    private record ExceptionRow(String tenantId, long eventRowId, String eventName, String eventId, String destinationId,
                                String state, int attempts, long nextAttemptAt, DeliveryCopies.Copy copy, String error,
                                String code, long createdAt, long updatedAt) {
        static ExceptionRow of(Lane lane, Entry entry, Outcome o, long now) {
            DeliveryCopies.Copy copy = entry.copy(indexOf(o.id())).orElse(new DeliveryCopies.Copy("unreadable", new byte[0]));
            boolean dead = o.ending() == Ending.DEAD;
            return new ExceptionRow(lane.tenantId, entry.id(), entry.eventName(), entry.eventId(), lane.destinationId,
                    dead ? "dead" : "pending", o.attempts(), dead ? now : o.at(), copy, o.error(), o.code(),
                    entry.receivedAt(), now);
        }

        static ExceptionRow pending(TenantDestination td, Entry entry, int index, long now) {
            DeliveryCopies.Copy copy = entry.copy(index).orElse(new DeliveryCopies.Copy("unreadable", new byte[0]));
            return new ExceptionRow(td.tenantId(), entry.id(), entry.eventName(), entry.eventId(), td.destinationId(),
                    "pending", 0, now, copy, null, null, entry.receivedAt(), now);
        }
    }

    private static void bindException(MultiRowInsert.Values v, ExceptionRow row) throws SQLException {
        v.setString(1, row.tenantId());
        v.setLong(2, row.eventRowId());
        v.setString(3, row.eventName());
        v.setString(4, row.eventId());
        v.setString(5, row.destinationId());
        v.setString(6, row.state());
        v.setInt(7, row.attempts());
        v.setLong(8, row.nextAttemptAt());
        v.setBytes(9, row.copy().payload());
        v.setString(10, row.copy().keyId());
        v.setString(11, row.error());
        v.setString(12, row.code());
        v.setLong(13, row.createdAt());
        v.setLong(14, row.updatedAt());
    }
}
