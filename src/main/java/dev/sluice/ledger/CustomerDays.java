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
 * platform and campaign, the sorted set of {@link CustomerIds} of the purchases booked there) and
 * of their one-row fold state ({@code ledger_customer_fold}), shared by {@link CustomerFolder},
 * the reports ({@link CustomerCounts}) and erasure ({@link LedgerCustomers#unlink}). Every method
 * runs on the caller's connection and transaction.
 */
final class CustomerDays {

    private static final String STATE = "SELECT folded_through, version FROM ledger_customer_fold WHERE id = 1";
    private static final String ADVANCE =
            "UPDATE ledger_customer_fold SET folded_through = ?, version = version + 1 WHERE id = 1 AND version = ?";
    private static final String TOUCH = "UPDATE ledger_customer_fold SET version = version + 1 WHERE id = 1";
    private static final String RANGE = """
            SELECT day, platform, campaign, customers FROM ledger_customer_days
            WHERE tenant_id = ? AND day BETWEEN ? AND ?""";
    private static final String STORED_BYTES = """
            SELECT coalesce(sum(octet_length(customers)), 0) FROM ledger_customer_days
            WHERE tenant_id = ? AND day BETWEEN ? AND ?""";
    private static final String SETS = """
            SELECT platform, campaign, customers FROM ledger_customer_days WHERE tenant_id = ? AND day = ? AND (%s)""";
    private static final String ONE_KEY = "platform = ? AND campaign = ?";
    /** Buckets per lookup, at most. */
    private static final int LOOKUP = 200;
    private static final String UPSERT = """
            INSERT INTO ledger_customer_days (tenant_id, day, platform, campaign, customers) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, day, platform, campaign) DO UPDATE SET customers = excluded.customers""";
    private static final String DELETE =
            "DELETE FROM ledger_customer_days WHERE tenant_id = ? AND day = ? AND platform = ? AND campaign = ?";

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
     * The stored sets of {@code buckets} (absent for a bucket without one): one query per tenant
     * and day, naming its buckets. A fold step may touch thousands of buckets over many days;
     * reading whole days would read every set of them, and one query over several days lets
     * PostgreSQL, while the table has no statistics yet, scan the tenant's whole index range.
     */
    static Map<Bucket, byte[]> sets(Connection c, Collection<Bucket> buckets) throws SQLException {
        Map<TenantDay, List<Bucket>> byDay = new HashMap<>();
        for (Bucket b : buckets) {
            byDay.computeIfAbsent(new TenantDay(b.tenant(), b.day()), k -> new ArrayList<>()).add(b);
        }
        Map<Bucket, byte[]> sets = new HashMap<>();
        for (Map.Entry<TenantDay, List<Bucket>> day : byDay.entrySet()) {
            List<Bucket> all = day.getValue();
            for (int from = 0; from < all.size(); from += LOOKUP) {
                List<Bucket> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP));
                String sql = SETS.formatted(String.join(" OR ", Collections.nCopies(chunk.size(), ONE_KEY)));
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, day.getKey().tenant());
                    ps.setLong(2, day.getKey().day());
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(3 + 2 * i, chunk.get(i).platform());
                        ps.setString(4 + 2 * i, chunk.get(i).campaign());
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sets.put(new Bucket(day.getKey().tenant(), day.getKey().day(), rs.getString(1), rs.getString(2)),
                                    rs.getBytes(3));
                        }
                    }
                }
            }
        }
        return sets;
    }

    /** Receives stored sets. */
    @FunctionalInterface
    interface SetSink {
        void accept(long day, String platform, String campaign, byte[] set);
    }

    /** Streams the tenant's stored sets of the days {@code from} to {@code to}, inclusive, in key order. */
    static void range(Connection c, String tenant, long from, long to, SetSink sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RANGE)) {
            ps.setString(1, tenant);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4));
                }
            }
        }
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

    /** Writes whole sets, replacing the stored ones. */
    static void write(Connection c, Map<Bucket, byte[]> sets) throws SQLException {
        if (sets.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Map.Entry<Bucket, byte[]> e : sets.entrySet()) {
                bind(ps, 0, e.getKey());
                ps.setBytes(5, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Removes ids from the stored sets of their buckets (a bucket with none left loses its row);
     * ids a set does not hold are ignored. Returns how many ids were removed.
     */
    static long forget(Connection c, Map<Bucket, long[]> idsByBucket) throws SQLException {
        long removed = 0;
        Map<Bucket, byte[]> changed = new HashMap<>();
        try (PreparedStatement delete = c.prepareStatement(DELETE)) {
            for (Map.Entry<Bucket, byte[]> e : sets(c, idsByBucket.keySet()).entrySet()) {
                long[] stored = CustomerIds.decode(e.getValue());
                long[] left = CustomerIds.minus(stored, idsByBucket.get(e.getKey()));
                removed += stored.length - left.length;
                if (left.length == 0) {
                    bind(delete, 0, e.getKey());
                    delete.addBatch();
                } else if (left.length < stored.length) {
                    changed.put(e.getKey(), CustomerIds.encode(left));
                }
            }
            delete.executeBatch();
        }
        write(c, changed);
        return removed;
    }

    private static void bind(PreparedStatement ps, int offset, Bucket b) throws SQLException {
        ps.setString(offset + 1, b.tenant());
        ps.setLong(offset + 2, b.day());
        ps.setString(offset + 3, b.platform());
        ps.setString(offset + 4, b.campaign());
    }
}
