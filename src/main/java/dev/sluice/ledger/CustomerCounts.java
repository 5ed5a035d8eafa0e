package dev.sluice.ledger;

import dev.sluice.store.StoreConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * <p>Memory is about the ids read, 8 bytes each (a busy merchant's year: about 4 million, 32 MB):
 * the stored sets are kept as read until their group is counted, then replaced by that group's
 * sorted {@code long[]}; the total merges the groups' sorted arrays without copying them.
 */
final class CustomerCounts {

    /** Days of stored sets per query: PostgreSQL's driver holds a whole result in memory. */
    static final int WINDOW_DAYS = 31;
    /** Tail entries per query, for the same reason. */
    static final int TAIL_PAGE = 50_000;

    private static final String TAIL = """
            SELECT id, day, platform, campaign, customer_key FROM ledger_entries%s
            WHERE id > %d AND tenant_id = ? AND day BETWEEN ? AND ? AND kind = 'purchase' AND customer_key IS NOT NULL
            ORDER BY id LIMIT %d""";

    private CustomerCounts() {
    }

    /** Customers per group (groups without any are absent) and in total. */
    record Counts(Map<LedgerReader.GroupKey, Long> groups, long total) {
    }

    /** The ids of one group as read: stored sets and tail ids, then sorted and distinct. */
    private static final class Group {
        List<byte[]> sets = new ArrayList<>();
        int setIds;
        final LongList tail = new LongList();
        long[] ids;
        int size;

        /** Replaces the sets and tail by one sorted, distinct array. */
        void finish() {
            ids = new long[setIds + tail.size()];
            int n = 0;
            for (byte[] set : sets) {
                n = CustomerIds.decodeInto(set, ids, n);
            }
            sets = null;
            n = tail.copyInto(ids, n);
            size = CustomerIds.sortDistinct(ids, n);
        }
    }

    static Counts count(Connection c, String dialect, KpiQuery q, int tailPage) throws SQLException {
        long foldedThrough = CustomerDays.state(c).foldedThrough();
        Map<LedgerReader.GroupKey, Group> groups = new HashMap<>();
        long from = q.from().toEpochDay();
        long to = q.to().toEpochDay();
        for (long start = from; start <= to; start += WINDOW_DAYS) {
            CustomerDays.range(c, q.tenantId(), start, Math.min(to, start + WINDOW_DAYS - 1), (day, platform, campaign, set) -> {
                Group g = groups.computeIfAbsent(key(q, day, platform, campaign), k -> new Group());
                g.sets.add(set);
                g.setIds += CustomerIds.size(set);
            });
        }
        tail(c, dialect, q, foldedThrough, tailPage, groups);
        Map<LedgerReader.GroupKey, Long> counts = new HashMap<>();
        long[][] sorted = new long[groups.size()][];
        int[] sizes = new int[groups.size()];
        int i = 0;
        for (Map.Entry<LedgerReader.GroupKey, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            g.finish();
            if (g.size > 0) {
                counts.put(e.getKey(), (long) g.size);
            }
            sorted[i] = g.ids;
            sizes[i++] = g.size;
        }
        return new Counts(counts, CustomerIds.unionSize(sorted, sizes));
    }

    /**
     * The purchases after the watermark, by primary-key range, page by page. The bounds are
     * literals, not parameters: with a parameter PostgreSQL may settle on a generic plan that
     * cannot know the range is short and scans the tenant's index instead. On SQLite, NOT INDEXED
     * keeps the planner from reading the whole period through the (tenant, day) index.
     */
    private static void tail(Connection c, String dialect, KpiQuery q, long foldedThrough, int page,
                             Map<LedgerReader.GroupKey, Group> groups) throws SQLException {
        String notIndexed = dialect.equals(StoreConfig.SQLITE) ? " NOT INDEXED" : "";
        long after = foldedThrough;
        int rows;
        do {
            rows = 0;
            try (PreparedStatement ps = c.prepareStatement(TAIL.formatted(notIndexed, after, page))) {
                ps.setString(1, q.tenantId());
                ps.setLong(2, q.from().toEpochDay());
                ps.setLong(3, q.to().toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getLong(1);
                        groups.computeIfAbsent(key(q, rs.getLong(2), rs.getString(3), rs.getString(4)), k -> new Group())
                                .tail.add(CustomerIds.of(rs.getString(5)));
                    }
                }
            }
        } while (rows == page);
    }

    private static LedgerReader.GroupKey key(KpiQuery q, long day, String platform, String campaign) {
        return LedgerReader.GroupKey.of(q.groupBy(), LocalDate.ofEpochDay(day), platform, campaign);
    }
}
