package dev.sluice.ledger;

import dev.sluice.store.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The report's reads, all scoped to one tenant and a day range, all served by a primary key:
 * daily rollup rows, spend rows, and distinct purchasing customers ({@link CustomerCounts}).
 */
final class LedgerReader {

    /**
     * Reports at a time in this JVM. Counting a year of a busy merchant's customers holds its
     * 64-bit ids in memory (about 32 MB); the gateway runs in a small heap, so a second report
     * waits (less than a second) instead of doubling that. One per JVM, because the heap is.
     */
    private static final Semaphore REPORTS = new Semaphore(1, true);

    private static final String ROLLUPS = """
            SELECT day, platform, campaign, currency, revenue_micros, refund_micros, purchases, leads
            FROM ledger_daily WHERE tenant_id = ? AND day BETWEEN ? AND ?""";
    private static final String SPEND = """
            SELECT day, platform, campaign, campaign_name, currency, spend_micros, clicks, impressions
            FROM ledger_spend WHERE tenant_id = ? AND day BETWEEN ? AND ?""";
    /** A daily rollup row. */
    record Revenue(LocalDate day, String platform, String campaign, String currency, long revenueMicros,
                   long refundMicros, long purchases, long leads) {
    }

    /** An imported spend row. */
    record Spend(LocalDate day, String platform, String campaign, String campaignName, String currency,
                 long spendMicros, long clicks, long impressions) {
    }

    /** What a report reads. */
    record Facts(List<Revenue> revenue, List<Spend> spend, Map<GroupKey, Long> customers, long allCustomers) {
    }

    private final Sql sql;
    private final int tailPage;

    LedgerReader(Sql sql) {
        this(sql, CustomerCounts.TAIL_PAGE);
    }

    LedgerReader(Sql sql, int tailPage) {
        this.sql = sql;
        this.tailPage = tailPage;
    }

    Facts read(KpiQuery q) {
        REPORTS.acquireUninterruptibly();
        try {
            return sql.read(c -> {
                CustomerCounts.Counts customers = CustomerCounts.count(c, sql.dialect(), q, tailPage);
                return new Facts(revenue(c, q), spend(c, q), customers.groups(), customers.total());
            });
        } finally {
            REPORTS.release();
        }
    }

    private static List<Revenue> revenue(Connection c, KpiQuery q) throws SQLException {
        List<Revenue> rows = new ArrayList<>();
        try (PreparedStatement ps = range(c, ROLLUPS, q); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Revenue(LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
            }
        }
        return rows;
    }

    private static List<Spend> spend(Connection c, KpiQuery q) throws SQLException {
        List<Spend> rows = new ArrayList<>();
        try (PreparedStatement ps = range(c, SPEND, q); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Spend(LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
            }
        }
        return rows;
    }

    private static PreparedStatement range(Connection c, String sql, KpiQuery q) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setString(1, q.tenantId());
        ps.setLong(2, q.from().toEpochDay());
        ps.setLong(3, q.to().toEpochDay());
        return ps;
    }

    /** A report group: a platform, a platform and campaign, or a day. */
    record GroupKey(Optional<String> platform, Optional<String> campaign, Optional<LocalDate> day)
            implements Comparable<GroupKey> {

        static GroupKey platform(String platform) {
            return new GroupKey(Optional.of(platform), Optional.empty(), Optional.empty());
        }

        static GroupKey campaign(String platform, String campaign) {
            return new GroupKey(Optional.of(platform), Optional.of(campaign), Optional.empty());
        }

        static GroupKey day(LocalDate day) {
            return new GroupKey(Optional.empty(), Optional.empty(), Optional.of(day));
        }

        static GroupKey of(GroupBy by, LocalDate day, String platform, String campaign) {
            return switch (by) {
                case PLATFORM -> platform(platform);
                case CAMPAIGN -> campaign(platform, campaign);
                case DAY -> day(day);
            };
        }

        @Override
        public int compareTo(GroupKey o) {
            int c = platform.orElse("").compareTo(o.platform.orElse(""));
            if (c == 0) {
                c = campaign.orElse("").compareTo(o.campaign.orElse(""));
            }
            return c != 0 ? c : day.orElse(LocalDate.MIN).compareTo(o.day.orElse(LocalDate.MIN));
        }
    }
}
