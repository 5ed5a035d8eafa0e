package dev.sluice.ledger;

import dev.sluice.store.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The report's reads, all scoped to one tenant and a day range, all served by a primary key:
 * daily rollup rows, spend rows, and distinct purchasing customers ({@link CustomerCounts}).
 */
final class LedgerReader {

    /**
     * Reports at a time in this JVM. A report counts customers in passes of up to about
     * {@link CustomerCounts#PASS_IDS} ids (up to about 16 MB while a pass is sorted); the gateway
     * runs in a small heap, so a second report waits instead of doubling that. One per JVM,
     * because the heap is.
     */
    private static final Semaphore REPORTS = new Semaphore(1, true);

    // Pages by primary key (KeyPages): a month of a merchant with thousands of campaigns a day is large.
    private static final String ROLLUPS = """
            SELECT day, platform, campaign, currency, revenue_micros, refund_micros, purchases, leads
            FROM ledger_daily WHERE tenant_id = ? AND day BETWEEN ? AND ?
            AND (day, platform, campaign, currency) > (?, ?, ?, ?)
            ORDER BY day, platform, campaign, currency LIMIT %d""";
    private static final String SPEND = """
            SELECT day, platform, campaign, campaign_name, currency, spend_micros, clicks, impressions
            FROM ledger_spend WHERE tenant_id = ? AND day BETWEEN ? AND ?
            AND (day, platform, campaign) > (?, ?, ?)
            ORDER BY day, platform, campaign LIMIT %d""";
    /** A daily rollup row. */
    record Revenue(LocalDate day, String platform, String campaign, String currency, long revenueMicros,
                   long refundMicros, long purchases, long leads) {
    }

    /** An imported spend row. */
    record Spend(LocalDate day, String platform, String campaign, String campaignName, String currency,
                 long spendMicros, long clicks, long impressions) {
    }

    /** Receives the rows a report reads, window by window, in no particular order. */
    interface FactSink {
        void revenue(Revenue row);

        void spend(Spend row);
    }

    private final Sql sql;
    private final int tailPage;
    private final long passIds;

    LedgerReader(Sql sql) {
        this(sql, CustomerCounts.TAIL_PAGE, CustomerCounts.PASS_IDS);
    }

    LedgerReader(Sql sql, int tailPage, long passIds) {
        this.sql = sql;
        this.tailPage = tailPage;
        this.passIds = passIds;
    }

    /**
     * Streams the period's daily rollups and spend rows into {@code sink}, {@link
     * CustomerCounts#WINDOW_DAYS} days at a time and at most {@code tailPage} rows per query
     * (PostgreSQL's driver holds a whole result in memory, and a busy merchant's month can be
     * hundreds of thousands of rows), then counts the customers. Nothing read is kept here:
     * memory is what the sink keeps, per group.
     */
    CustomerCounts.Counts read(KpiQuery q, FactSink sink) {
        REPORTS.acquireUninterruptibly();
        try {
            return sql.read(c -> {
                long from = q.from().toEpochDay();
                long to = q.to().toEpochDay();
                for (long start = from; start <= to; start += CustomerCounts.WINDOW_DAYS) {
                    long end = Math.min(to, start + CustomerCounts.WINDOW_DAYS - 1);
                    revenue(c, q.tenantId(), start, end, tailPage, sink);
                    spend(c, q.tenantId(), start, end, tailPage, sink);
                }
                return CustomerCounts.count(c, sql.dialect(), q, tailPage, passIds);
            });
        } finally {
            REPORTS.release();
        }
    }

    private static void revenue(Connection c, String tenant, long from, long to, int page, FactSink sink)
            throws SQLException {
        KeyPages.walk(c, ROLLUPS, tenant, from, to, new Object[] {from - 1, "", "", ""}, page,
                rs -> sink.revenue(new Revenue(LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8))));
    }

    private static void spend(Connection c, String tenant, long from, long to, int page, FactSink sink)
            throws SQLException {
        KeyPages.walk(c, SPEND, tenant, from, to, new Object[] {from - 1, "", ""}, page,
                rs -> sink.spend(new Spend(LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8))));
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
