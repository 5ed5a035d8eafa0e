package dev.sluice.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Finds a tenant's audit records by time on the embedded store, which keeps no index on record
 * times (V38__audit_records_time_dropped.sql): there a record's time never falls below the time of
 * the record before it ({@link ChainAppender#appendRendered}), so a time is a place in the
 * sequence, found by bisecting sequence numbers through the primary key, a couple of dozen lookups
 * for a million records.
 *
 * <p>Records written before that guarantee (by versions before V38) have the times their requests
 * arrived, committed in the order the requests finished, so neighbours can be out of order by the
 * time a request takes to be processed: milliseconds. Callers widen every bound by
 * {@link #SLACK_MILLIS} and keep the exact time predicate, so such records are found too as long as
 * none is out of order by more; past a bound, the widening reads that much more of the log.
 */
final class RecordTimes {
    /** How far out of time order records of earlier versions may be, and what every bound is widened by. */
    static final long SLACK_MILLIS = 1_000;

    static final String RANGE = """
            SELECT (SELECT min(seq) FROM audit_records WHERE tenant_id = ?),
                   (SELECT max(seq) FROM audit_records WHERE tenant_id = ?)""";
    static final String FIRST_FROM = """
            SELECT recorded_at FROM audit_records WHERE tenant_id = ? AND seq >= ? ORDER BY seq LIMIT 1""";

    private RecordTimes() {
    }

    /**
     * The sequence number {@code v} such that the tenant's records below {@code v} were recorded
     * before {@code millis} and those from {@code v} on at or after it, given times that do not
     * decrease along the chain: the first record's seq when all are at or after it, one past the
     * last when none is, 0 when the tenant has no records.
     */
    static long firstAtOrAfter(Connection c, String tenantId, long millis) throws SQLException {
        long low;
        long high;
        try (PreparedStatement ps = c.prepareStatement(RANGE)) {
            ps.setString(1, tenantId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                low = rs.getLong(1);
                if (rs.wasNull()) {
                    return 0;
                }
                high = rs.getLong(2) + 1;
            }
        }
        // The answer lies in [low, high]; every seq below low is before, high is at or after (or past the end).
        try (PreparedStatement ps = c.prepareStatement(FIRST_FROM)) {
            ps.setString(1, tenantId);
            while (low < high) {
                long mid = low + (high - low) / 2;
                ps.setLong(2, mid);
                long at;
                try (ResultSet rs = ps.executeQuery()) {
                    // mid < high <= max + 1, so a record at or after mid exists (a purge removes prefixes only,
                    // and a gap takes the time of the record after it, which keeps the order).
                    if (!rs.next()) {
                        return high;
                    }
                    at = rs.getLong(1);
                }
                if (at >= millis) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
        }
        return low;
    }

    /** {@code millis} moved by {@code delta}, saturating at the ends of a long. */
    static long shifted(long millis, long delta) {
        long moved = millis + delta;
        return ((millis ^ moved) & (delta ^ moved)) < 0 ? (delta < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : moved;
    }
}
