package dev.sluice.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the distinct-customer rollups ({@code ledger_customer_days}: per tenant, day,
 * platform and campaign, the {@link CustomerIds} of the purchases booked there, in numbered
 * segments) and of their one-row fold state ({@code ledger_customer_fold}), shared by
 * {@link CustomerFolder}, the reports ({@link CustomerCounts}) and erasure
 * ({@link LedgerCustomers#unlink}). Every method runs on the caller's connection and transaction.
 *
 * <p><b>Segments.</b> Each row holds a sorted, distinct set of at most {@link #SEGMENT_IDS} ids; a
 * bucket's rows are numbered from 0 ({@code segment}). A fold adds a bucket's new ids to its last
 * segment while that has room and starts the next one when it is full, so it reads and writes at
 * most a segment's worth of a bucket's stored ids per step, however many customers the bucket has:
 * a fold that rewrote a bucket's one set whole ran out of a 64 MiB heap at about 1.5 million
 * customers in one bucket (migration V37). The price is that a customer who buys again after their
 * segment filled is in two segments; the bucket's customers are the union of its segments, and
 * every reader counts an id once. Migration V37 cut the sets stored before it into segments.
 */
final class CustomerDays {

    private static final String STATE = "SELECT folded_through, version FROM ledger_customer_fold WHERE id = 1";
    private static final String ADVANCE =
            "UPDATE ledger_customer_fold SET folded_through = ?, version = version + 1 WHERE id = 1 AND version = ?";
    private static final String TOUCH = "UPDATE ledger_customer_fold SET version = version + 1 WHERE id = 1";
    // A page of a tenant's segments after a key, in key order (KeyPages): RANGE_PAGE segments, 4 MB at most.
    private static final String RANGE = """
            SELECT day, platform, campaign, segment, customers FROM ledger_customer_days
            WHERE tenant_id = ? AND day BETWEEN ? AND ? AND (day, platform, campaign, segment) > (?, ?, ?, ?)
            ORDER BY day, platform, campaign, segment LIMIT %d""";
    /** Segments per page of {@link #range}. */
    static final int RANGE_PAGE = 64;
    private static final String STORED_BYTES = """
            SELECT coalesce(sum(octet_length(customers)), 0) FROM ledger_customer_days
            WHERE tenant_id = ? AND day BETWEEN ? AND ?""";
    /** Ids one segment holds at most: 64 KB. */
    static final int SEGMENT_IDS = 8_192;


    // Each named bucket's last segment: its number, and its ids only while it has room for more
    // (neither store reads a value to measure it, so a full segment's bytes are not read).
    private static final String LAST_SEGMENTS = """
            SELECT platform, campaign, segment, CASE WHEN octet_length(customers) < ? THEN customers END
            FROM ledger_customer_days d WHERE tenant_id = ? AND day = ? AND (%s)
            AND segment = (SELECT max(segment) FROM ledger_customer_days m WHERE m.tenant_id = d.tenant_id
                AND m.day = d.day AND m.platform = d.platform AND m.campaign = d.campaign)""";
    private static final String ONE_KEY = "platform = ? AND campaign = ?";
    /** Buckets per lookup, at most. */
    private static final int LOOKUP = 200;
    private static final String UPSERT = """
            INSERT INTO ledger_customer_days (tenant_id, day, platform, campaign, segment, customers)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, day, platform, campaign, segment) DO UPDATE SET customers = excluded.customers""";
    private static final String BUCKET = "tenant_id = ? AND day = ? AND platform = ? AND campaign = ?";
    private static final String SEGMENTS = "SELECT segment FROM ledger_customer_days WHERE " + BUCKET + " ORDER BY segment";
    private static final String SEGMENT = "SELECT customers FROM ledger_customer_days WHERE " + BUCKET + " AND segment = ?";
    private static final String UPDATE = "UPDATE ledger_customer_days SET customers = ? WHERE " + BUCKET + " AND segment = ?";
    private static final String DELETE = "DELETE FROM ledger_customer_days WHERE " + BUCKET + " AND segment = ?";

    private CustomerDays() {
    }

    /** One rollup row's key. */
    record Bucket(String tenant, long day, String platform, String campaign) {
    }

    private record TenantDay(String tenant, long day) {
    }

    /**
     * The fold state.
     *
     * @param foldedThrough every purchase entry with an id up to this one is in the sets
     * @param version       grows with every change of the sets
     */
    record State(long foldedThrough, long version) {
    }

    static State state(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STATE); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("ledger_customer_fold has no state row");
            }
            return new State(rs.getLong(1), rs.getLong(2));
        }
    }

    /**
     * Sets {@code folded_through} and bumps the version, if the version is still the one
     * {@code read} saw; false when another fold or an erasure changed the sets since. On
     * PostgreSQL the update also locks the state row until commit, so an erasure that starts
     * meanwhile waits for this fold's sets to be written, and then edits them.
     */
    static boolean advance(Connection c, State read, long foldedThrough) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADVANCE)) {
            ps.setLong(1, foldedThrough);
            ps.setLong(2, read.version());
            return ps.executeUpdate() == 1;
        }
    }

    /** Bumps the version: a fold that read entries before this transaction will not write its sets. */
    static void touch(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
            ps.executeUpdate();
        }
    }

    /**
     * A bucket's last segment: its number, and its ids ({@code set}) if it has room for more, else
     * null (the ids of a full segment are not read).
     */
    record LastSegment(int segment, byte[] set) {
    }

    /**
     * The last segments of {@code buckets} (absent for a bucket without any), a segment being full
     * at {@code segmentIds} ids: one query per tenant
     * and day, naming its buckets. A fold step may touch hundreds of buckets over many days;
     * reading whole days would read every segment of them, and one query over several days lets
     * PostgreSQL, while the table has no statistics yet, scan the tenant's whole index range.
     */
    static Map<Bucket, LastSegment> lastSegments(Connection c, Collection<Bucket> buckets, int segmentIds)
            throws SQLException {
        Map<TenantDay, List<Bucket>> byDay = new HashMap<>();
        for (Bucket b : buckets) {
            byDay.computeIfAbsent(new TenantDay(b.tenant(), b.day()), k -> new ArrayList<>()).add(b);
        }
        Map<Bucket, LastSegment> last = new HashMap<>();
        for (Map.Entry<TenantDay, List<Bucket>> day : byDay.entrySet()) {
            List<Bucket> all = day.getValue();
            for (int from = 0; from < all.size(); from += LOOKUP) {
                List<Bucket> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP));
                String sql = LAST_SEGMENTS.formatted(String.join(" OR ", Collections.nCopies(chunk.size(), ONE_KEY)));
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, (long) segmentIds * Long.BYTES);
                    ps.setString(2, day.getKey().tenant());
                    ps.setLong(3, day.getKey().day());
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(4 + 2 * i, chunk.get(i).platform());
                        ps.setString(5 + 2 * i, chunk.get(i).campaign());
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            last.put(new Bucket(day.getKey().tenant(), day.getKey().day(), rs.getString(1), rs.getString(2)),
                                    new LastSegment(rs.getInt(3), rs.getBytes(4)));
                        }
                    }
                }
            }
        }
        return last;
    }

    /** Receives stored sets, one segment at a time. */
    @FunctionalInterface
    interface SetSink {
        void accept(long day, String platform, String campaign, byte[] set);
    }

    /**
     * Streams the tenant's stored segments of the days {@code from} to {@code to}, inclusive, in
     * key order; a bucket with several segments comes once per segment.
     */
    static void range(Connection c, String tenant, long from, long to, SetSink sink) throws SQLException {
        range(c, tenant, from, to, RANGE_PAGE, sink);
    }

    /** As {@link #range(Connection, String, long, long, SetSink)}, {@code page} segments per query. */
    static void range(Connection c, String tenant, long from, long to, int page, SetSink sink) throws SQLException {
        KeyPages.walk(c, RANGE, tenant, from, to, new Object[] {from - 1, "", "", -1}, page,
                rs -> sink.accept(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(5)));
    }

    /**
     * The bytes of the tenant's stored sets of the days {@code from} to {@code to}, inclusive:
     * 8 per id. Neither store reads a value to measure it (SQLite reads a record's header,
     * PostgreSQL a TOAST pointer's size).
     */
    static long storedBytes(Connection c, String tenant, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STORED_BYTES)) {
            ps.setString(1, tenant);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One segment's ids, to be written. */
    record Segment(Bucket bucket, int segment, byte[] set) {
    }

    /** Writes segments, replacing the stored ones with the same bucket and number. */
    static void write(Connection c, List<Segment> segments) throws SQLException {
        if (segments.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Segment s : segments) {
                bind(ps, 0, s.bucket());
                ps.setInt(5, s.segment());
                ps.setBytes(6, s.set());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Removes ids from the segments of their buckets (a segment with none left loses its row); ids
     * a bucket does not hold are ignored. Reads one segment at a time. Returns how many ids were
     * removed (an id in two segments of a bucket counts twice).
     */
    static long forget(Connection c, Map<Bucket, long[]> idsByBucket) throws SQLException {
        long removed = 0;
        for (Map.Entry<Bucket, long[]> e : idsByBucket.entrySet()) {
            Bucket bucket = e.getKey();
            List<Integer> numbers = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SEGMENTS)) {
                bind(ps, 0, bucket);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        numbers.add(rs.getInt(1));
                    }
                }
            }
            for (int number : numbers) {
                long[] stored;
                try (PreparedStatement ps = c.prepareStatement(SEGMENT)) {
                    bind(ps, 0, bucket);
                    ps.setInt(5, number);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        stored = CustomerIds.decode(rs.getBytes(1));
                    }
                }
                long[] left = CustomerIds.minus(stored, e.getValue());
                if (left.length == stored.length) {
                    continue;
                }
                removed += stored.length - left.length;
                if (left.length == 0) {
                    try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                        bind(ps, 0, bucket);
                        ps.setInt(5, number);
                        ps.executeUpdate();
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                        ps.setBytes(1, CustomerIds.encode(left));
                        bind(ps, 1, bucket);
                        ps.setInt(6, number);
                        ps.executeUpdate();
                    }
                }
            }
        }
        return removed;
    }

    private static void bind(PreparedStatement ps, int offset, Bucket b) throws SQLException {
        ps.setString(offset + 1, b.tenant());
        ps.setLong(offset + 2, b.day());
        ps.setString(offset + 3, b.platform());
        ps.setString(offset + 4, b.campaign());
    }
}
