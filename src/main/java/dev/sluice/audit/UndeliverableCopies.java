package dev.sluice.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of {@link RetentionPurge}'s purge of open outbox rows (pending copies, dead letters)
 * of destinations that nothing delivers (removed from their tenant's configuration, or of a type
 * without a connector): a replay refuses to name a removed one, so without it they kept their sealed client IPs,
 * user agents and click ids for good (until session 40).
 *
 * <p>Rows are found by reads and deleted by id: the rows of a removed destination younger than
 * the cutoff stay, and a delete that looked for the older ones itself would read them again in
 * every chunk, on SQLite while holding the writer that ingest shares. A read holds no writer.
 * Each delete repeats the read's conditions, so a row that changed in between (delivered by a
 * replica still configured with the destination, erased) is left to whoever changed it.
 */
final class UndeliverableCopies {
    /** Ids read per pass: bounds the memory a large removed backlog takes (8 bytes an id). */
    static final int PASS = 50_000;

    /** The open states, each read through its own partial index (outbox_due, outbox_dead). */
    static final List<String> STATES = List.of("pending", "dead");

    // The state is written into the statement, not bound: SQLite uses a partial index (state =
    // 'pending', state = 'dead') only for a query that names its condition.
    /** The next destination with pending rows after a given id: one index lookup. */
    static final String NEXT_PENDING_DESTINATION =
            "SELECT min(destination_id) FROM outbox WHERE tenant_id = ? AND state = 'pending' AND destination_id > ?";
    static final String DEAD_DESTINATIONS = "SELECT DISTINCT destination_id FROM outbox WHERE tenant_id = ? AND state = 'dead'";
    /** Formatted with the state. */
    static final String CANDIDATES = "SELECT id FROM outbox WHERE tenant_id = ? AND destination_id = ? AND state = '%s'"
            + " AND created_at < ? LIMIT ?";
    /** Formatted with the ids' placeholders and the state. */
    static final String DELETE = "DELETE FROM outbox WHERE id IN (%s) AND tenant_id = ? AND destination_id = ?"
            + " AND state = '%s' AND created_at < ?";

    private UndeliverableCopies() {
    }

    /**
     * The ids, sorted, of destinations of the tenant that are not in {@code configured} and hold
     * open rows. Pending rows' destinations are read by skipping through the due index (one
     * lookup per destination, however large a backlog); dead letters, which are few, by a scan.
     */
    static List<String> destinations(Connection c, String tenantId, Set<String> configured) throws SQLException {
        TreeSet<String> found = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(NEXT_PENDING_DESTINATION)) {
            String after = "";
            while (true) {
                ps.setString(1, tenantId);
                ps.setString(2, after);
                try (ResultSet rs = ps.executeQuery()) {
                    String next = rs.next() ? rs.getString(1) : null;
                    if (next == null) {
                        break;
                    }
                    found.add(next);
                    after = next;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(DEAD_DESTINATIONS)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        found.removeAll(configured);
        return List.copyOf(found);
    }

    /**
     * Up to {@code max} ids, sorted, of the destination's rows in {@code state} committed before
     * {@code cutoff} ({@code created_at}: for copies the delivery log moved to the outbox at a
     * start, their event's commit, not the move).
     */
    static long[] candidates(Connection c, String tenantId, String destinationId, String state, long cutoff, int max)
            throws SQLException {
        long[] ids = new long[Math.min(max, 1024)];
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement(CANDIDATES.formatted(known(state)))) {
            ps.setString(1, tenantId);
            ps.setString(2, destinationId);
            ps.setLong(3, cutoff);
            ps.setInt(4, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == ids.length) {
                        ids = Arrays.copyOf(ids, Math.min(max, ids.length * 2));
                    }
                    ids[n++] = rs.getLong(1);
                }
            }
        }
        long[] found = Arrays.copyOf(ids, n);
        Arrays.sort(found);
        return found;
    }

    /** Deletes {@code ids[from, to)} where they still are the destination's rows in {@code state} before the cutoff. */
    static int delete(Connection c, String tenantId, String destinationId, String state, long cutoff, long[] ids,
                      int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE.formatted("?,".repeat(to - from - 1) + "?", known(state)))) {
            int i = 1;
            for (int k = from; k < to; k++) {
                ps.setLong(i++, ids[k]);
            }
            ps.setString(i++, tenantId);
            ps.setString(i++, destinationId);
            ps.setLong(i, cutoff);
            return ps.executeUpdate();
        }
    }

    /** {@code state}, once it is known to be one of {@link #STATES} (it is written into SQL). */
    private static String known(String state) {
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException("not an open state: " + state);
        }
        return state;
    }
}
