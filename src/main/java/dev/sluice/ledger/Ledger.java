package dev.sluice.ledger;

import dev.sluice.config.LedgerSettings;
import dev.sluice.store.Sql;
import dev.sluice.store.Store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ROAS ledger's operations beside booking (which {@link LedgerSource} does at ingest): spend
 * import, KPI reports and refund adjustments. Every operation is scoped to one tenant.
 */
public final class Ledger {

    private static final String DELETE_SPEND =
            "DELETE FROM ledger_spend WHERE tenant_id = ? AND day = ? AND platform = ? AND campaign = ?";
    private static final String INSERT_SPEND = """
            INSERT INTO ledger_spend (tenant_id, day, platform, campaign, campaign_name, currency, spend_micros,
                                      clicks, impressions, imported_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String ADJUSTMENTS = """
            SELECT id, platform, order_id, occurred_at, order_value_after, currency FROM ledger_entries
            WHERE tenant_id = ? AND kind = 'refund' AND id > ? AND order_value_after IS NOT NULL
            ORDER BY id LIMIT ?""";

    private final Sql sql;
    private final LedgerSettings settings;
    private final FxRates rates;
    private final LedgerReader reader;

    /** The PostgreSQL advisory lock key that serializes spend imports across replicas ("sluice:spend"). */
    static final long SPEND_IMPORT_LOCK = 0x736c_7569_6365_7370L;

    private Ledger(Sql sql, LedgerSettings settings, LedgerReader reader) {
        this.sql = sql;
        this.settings = settings;
        this.rates = new FxRates(settings.fxRates());
        this.reader = reader;
    }

    /** The ledger over {@code store}'s tables. */
    public static Ledger create(Store store, LedgerSettings settings) {
        return create(store, settings, CustomerCounts.TAIL_PAGE, CustomerCounts.PASS_IDS);
    }

    /**
     * The ledger, reading unfolded entries, daily rollups and spend rows {@code tailPage} rows per
     * query and counting customers in passes of about {@code passIds} ids (tests use small pages
     * and passes).
     */
    static Ledger create(Store store, LedgerSettings settings, int tailPage, long passIds) {
        Sql sql = Sql.of(store.sql());
        return new Ledger(sql, settings, new LedgerReader(sql, tailPage, passIds));
    }

    /** The settings, e.g. for a tenant's reporting currency. */
    public LedgerSettings settings() {
        return settings;
    }

    /** The KPI report for {@code query}. */
    public KpiReport report(KpiQuery query) {
        return report(query, KpiReports.MAX_GROUPS);
    }

    KpiReport report(KpiQuery query, int maxGroups) {
        KpiReports.Builder builder = new KpiReports.Builder(query, rates, maxGroups);
        return builder.build(reader.read(query, builder));
    }

    /** A report with more groups than one answer may hold; nothing was built. */
    public static final class ReportTooLarge extends RuntimeException {
        private final int maxGroups;

        ReportTooLarge(int maxGroups) {
            super("the report has more than " + maxGroups + " groups: ask for a shorter period, or group by day or platform",
                    null, false, false);
            this.maxGroups = maxGroups;
        }

        public int maxGroups() {
            return maxGroups;
        }
    }

    /**
     * Where the ledger's sums stop: a long's largest value, in micro-units about 9.2 x 10^12 units
     * of a currency. A day's rollup that reached it holds no true sum, and a report over it is
     * refused ({@link OutOfRange}) rather than shown clamped or wrapped.
     */
    static final long SATURATED = Long.MAX_VALUE;

    /** A report whose sums pass what the ledger holds exactly; nothing was built. */
    public static final class OutOfRange extends RuntimeException {
        OutOfRange(String what) {
            super(what + " passes what the ledger sums exactly (about 9.2 x 10^12 units), so no report that includes"
                    + " that day is made; README, For marketers, Limits", null, false, false);
        }
    }

    /** What one spend import did. */
    public record Imported(int rows, int replaced) {
    }

    /**
     * Imports spend rows in one transaction: a row whose (day, platform, campaign) the tenant
     * already has replaces it, so importing the same export twice changes nothing.
     */
    public Imported importSpend(String tenantId, List<SpendRow> rows, Instant now) {
        boolean postgres = dev.sluice.store.StoreConfig.POSTGRES.equals(sql.dialect());
        int replaced = sql.inTransaction(c -> {
            if (postgres) {
                // Replicas sharing the database import one at a time, as one gateway's imports do:
                // two replacing the same (day, platform, campaign) at once met in the primary key
                // or a deadlock, and one was answered 503 (until session 39). Released at commit.
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, SPEND_IMPORT_LOCK);
                    lock.execute();
                }
            }
            try (PreparedStatement delete = c.prepareStatement(DELETE_SPEND);
                 PreparedStatement insert = c.prepareStatement(INSERT_SPEND)) {
                for (SpendRow row : rows) {
                    delete.setString(1, tenantId);
                    delete.setLong(2, row.day().toEpochDay());
                    delete.setString(3, row.platform());
                    delete.setString(4, row.campaign());
                    delete.addBatch();
                    insert.setString(1, tenantId);
                    insert.setLong(2, row.day().toEpochDay());
                    insert.setString(3, row.platform());
                    insert.setString(4, row.campaign());
                    insert.setString(5, row.campaignName());
                    insert.setString(6, row.currency());
                    insert.setLong(7, Micros.of(row.spend()).orElseThrow());
                    insert.setLong(8, row.clicks());
                    insert.setLong(9, row.impressions());
                    insert.setLong(10, now.toEpochMilli());
                    insert.addBatch();
                }
                int deleted = 0;
                for (int count : delete.executeBatch()) {
                    deleted += Math.max(count, 0);
                }
                insert.executeBatch();
                return deleted;
            }
        });
        return new Imported(rows.size(), replaced);
    }

    /**
     * Refunds of known orders after entry id {@code after}, oldest first, at most {@code limit}:
     * the hook from which a connector (Google Ads, later) sends retractions and restatements.
     */
    public List<Adjustment> adjustments(String tenantId, long after, int limit) {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(ADJUSTMENTS)) {
                ps.setString(1, tenantId);
                ps.setLong(2, after);
                ps.setInt(3, limit);
                List<Adjustment> list = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        var left = Micros.toAmount(rs.getLong(5));
                        list.add(new Adjustment(rs.getLong(1), rs.getString(2), rs.getString(3),
                                Instant.ofEpochMilli(rs.getLong(4)), Adjustment.typeFor(left), left, rs.getString(6)));
                    }
                }
                return list;
            }
        });
    }
}
