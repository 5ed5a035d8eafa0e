package dev.sluice.ledger;

import dev.sluice.store.StoreConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * Distinct purchasing customers of a report, per group and in total, counted exactly as
 * {@code count(DISTINCT customer_key)} over the period's purchases would count them (up to the
 * 64-bit ids' collision odds, see {@link CustomerIds}): the union of the stored sets of the
 * period's buckets, which hold the folded entries, and of the ids of the entries after
 * {@code folded_through}, which the fold has not reached yet (usually the last minute or two).
 *
 * <p>{@code folded_through} is read first. The fold writes sets and watermark in one transaction,
 * so every entry at or below the watermark read is in the sets read afterwards (unless erased
 * since), and the tail query reads every entry above it; a fold that commits while the report
 * reads only adds ids to sets, which the union absorbs.
 *
 * <p>A report never runs a fold itself: that would turn a read into write transactions, and on
 * SQLite the writer is the ingest group commit's. So until the first fold after an upgrade has
 * caught up, the tail is the whole history and a year report takes seconds, as it did before.
 *
 * <p><b>Memory does not grow with the period.</b> A report first counts the ids it will read (the
 * stored sets' lengths and the tail's rows, without reading either). If there are more than
 * {@code passIds}, it splits the 64-bit id space into as many equal value ranges ("passes") as
 * needed and reads the period once per range, keeping only the ids inside it. Ids are HMAC bits,
 * uniform over that space, so each pass holds about {@code passIds} of them; a customer's id lies
 * in exactly one range, so the distinct counts of the passes add up to the exact count, per group
 * and in total. A pass holds its ids as read (8 bytes each), then each group's sorted copy while
 * that group is counted; the total merges the groups' sorted arrays without copying them. With
 * the default of {@value #PASS_IDS} ids that is at most about 16 MB, which is what lets the
 * gateway run in a 64 MiB heap whatever the history; a busy merchant's year (4 million purchases,
 * folded or not) takes four or five passes, a month or a day one.
 */
final class CustomerCounts {

    /** Days of stored sets per range walk (each walk reads pages of {@link CustomerDays#RANGE_PAGE} segments). */
    static final int WINDOW_DAYS = 31;
    /** Tail entries per query, for the same reason. */
    static final int TAIL_PAGE = 20_000;
    /** Ids one pass holds at most, about (see the class comment). */
    static final long PASS_IDS = 1_000_000;

    private static final String TAIL_WHERE = """
            WHERE id > %d AND tenant_id = ? AND day BETWEEN ? AND ? AND kind = 'purchase' AND customer_key IS NOT NULL""";
    private static final String TAIL = "SELECT id, day, platform, campaign, customer_key FROM ledger_entries%s\n"
            + TAIL_WHERE + "\nORDER BY id LIMIT %d";
    private static final String TAIL_ROWS = "SELECT count(*) FROM ledger_entries%s\n" + TAIL_WHERE;

    private CustomerCounts() {
    }

    /** Customers per group (groups without any are absent) and in total. */
    record Counts(Map<LedgerReader.GroupKey, Long> groups, long total) {
    }

    /**
     * One value range of the ids: pass {@code index} of {@code count} holds the ids whose offset
     * from {@link Long#MIN_VALUE}, times {@code count}, over 2^64 rounds down to {@code index}.
     * The ranges are consecutive in signed order, so each is a contiguous run of a sorted set.
     */
    record Pass(int index, int count) {
        boolean holds(long id) {
            return count == 1 || Math.unsignedMultiplyHigh(id ^ Long.MIN_VALUE, count) == index;
        }
    }

    static Counts count(Connection c, String dialect, KpiQuery q, int tailPage, long passIds) throws SQLException {
        long foldedThrough = CustomerDays.state(c).foldedThrough();
        long ids = storedIds(c, q) + tailRows(c, dialect, q, foldedThrough);
        int passes = ids <= passIds ? 1 : (int) Math.min(Integer.MAX_VALUE, (ids - 1) / passIds + 1);
        Map<LedgerReader.GroupKey, Long> counts = new HashMap<>();
        long total = 0;
        for (int i = 0; i < passes; i++) {
            total += count(c, dialect, q, tailPage, foldedThrough, new Pass(i, passes), counts);
        }
        return new Counts(counts, total);
    }

    /** Adds the pass's distinct customers per group to {@code counts}; returns its total. */
    private static long count(Connection c, String dialect, KpiQuery q, int tailPage, long foldedThrough, Pass pass,
                              Map<LedgerReader.GroupKey, Long> counts) throws SQLException {
        Map<LedgerReader.GroupKey, LongList> groups = new HashMap<>();
        long from = q.from().toEpochDay();
        long to = q.to().toEpochDay();
        for (long start = from; start <= to; start += WINDOW_DAYS) {
            CustomerDays.range(c, q.tenantId(), start, Math.min(to, start + WINDOW_DAYS - 1), (day, platform, campaign, set) -> {
                LongList group = groups.computeIfAbsent(key(q, day, platform, campaign), k -> new LongList());
                CustomerIds.decodeInto(set, pass, group);
            });
        }
        tail(c, dialect, q, foldedThrough, tailPage, pass, groups);
        long[][] sorted = new long[groups.size()][];
        int[] sizes = new int[groups.size()];
        int i = 0;
        for (Map.Entry<LedgerReader.GroupKey, LongList> e : groups.entrySet()) {
            long[] ids = e.getValue().sortedDistinct();
            e.setValue(null);
            if (ids.length > 0) {
                counts.merge(e.getKey(), (long) ids.length, Long::sum);
            }
            sorted[i] = ids;
            sizes[i++] = ids.length;
        }
        return CustomerIds.unionSize(sorted, sizes);
    }

    /** The ids in the period's stored sets, from their lengths (neither store reads a value for that). */
    private static long storedIds(Connection c, KpiQuery q) throws SQLException {
        return CustomerDays.storedBytes(c, q.tenantId(), q.from().toEpochDay(), q.to().toEpochDay()) / Long.BYTES;
    }

    private static long tailRows(Connection c, String dialect, KpiQuery q, long foldedThrough) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAIL_ROWS.formatted(notIndexed(dialect), foldedThrough))) {
            bind(ps, q);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The purchases after the watermark whose ids lie in {@code pass}, by primary-key range, page
     * by page. The bounds are literals, not parameters: with a parameter PostgreSQL may settle on
     * a generic plan that cannot know the range is short and scans the tenant's index instead. On
     * SQLite, NOT INDEXED keeps the planner from reading the whole period through the (tenant,
     * day) index.
     */
    private static void tail(Connection c, String dialect, KpiQuery q, long foldedThrough, int page, Pass pass,
                             Map<LedgerReader.GroupKey, LongList> groups) throws SQLException {
        long after = foldedThrough;
        int rows;
        do {
            rows = 0;
            try (PreparedStatement ps = c.prepareStatement(TAIL.formatted(notIndexed(dialect), after, page))) {
                bind(ps, q);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getLong(1);
                        long id = CustomerIds.of(rs.getString(5));
                        if (pass.holds(id)) {
                            groups.computeIfAbsent(key(q, rs.getLong(2), rs.getString(3), rs.getString(4)),
                                    k -> new LongList()).add(id);
                        }
                    }
                }
            }
        } while (rows == page);
    }

    private static String notIndexed(String dialect) {
        return dialect.equals(StoreConfig.SQLITE) ? " NOT INDEXED" : "";
    }

    private static void bind(PreparedStatement ps, KpiQuery q) throws SQLException {
        ps.setString(1, q.tenantId());
        ps.setLong(2, q.from().toEpochDay());
        ps.setLong(3, q.to().toEpochDay());
    }

    private static LedgerReader.GroupKey key(KpiQuery q, long day, String platform, String campaign) {
        return LedgerReader.GroupKey.of(q.groupBy(), LocalDate.ofEpochDay(day), platform, campaign);
    }
}
