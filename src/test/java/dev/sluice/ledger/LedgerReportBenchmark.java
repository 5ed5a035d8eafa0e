package dev.sluice.ledger;

import dev.sluice.store.Sql;

import dev.sluice.store.Store;
import dev.sluice.store.Stores;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * KPI report latency on a year of a busy merchant's ledger: {@code SLUICE_BENCH_LEDGER_ENTRIES}
 * (default 5,000,000) entries over 365 days, 8 platforms x 25 campaigns, 1.5 million customers,
 * 80 % purchases, 15 % leads, 5 % refunds, 10 % in USD, plus 73,000 spend rows. The data is
 * generated in SQL (entries, then their daily rollups by one GROUP BY, as the writer keeps them),
 * because loading is not what is measured. Customer keys are 64 hex digits whose first 16 (the
 * 64-bit id the customer sets hold) differ per customer, as the HMAC's do.
 *
 * <p>Measured: one year report before any fold (as right after the upgrade), the fold of the whole
 * year into the customer sets, every report fully folded, and every report again with an hour of
 * entries above the watermark (the realistic tail is a minute or three). A measurement, not a timed
 * assertion; disabled unless asked for. Run with:
 * <pre>
 * SLUICE_BENCH=true SLUICE_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:5432/test?user=postgres' \
 *   ./mvnw -q -B test -Dtest=LedgerReportBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * and read {@code target/surefire-reports/dev.sluice.ledger.LedgerReportBenchmark-output.txt}.
 */
@EnabledIfEnvironmentVariable(named = "SLUICE_BENCH", matches = "true")
final class LedgerReportBenchmark {
    private static final String TENANT = "busy";
    private static final long FIRST_DAY = LocalDate.parse("2026-01-01").toEpochDay();
    private static final int RUNS = 5;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    @TempDir
    Path tempDir;

    @Test
    void sqlite() throws Exception {
        try (LedgerDatabase db = LedgerDatabase.sqlite(tempDir)) {
            run(db, """
                    WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < %d - 1)
                    INSERT INTO ledger_entries (tenant_id, event_row_id, kind, event_name, event_id, order_id, occurred_at,
                        day, platform, campaign, currency, amount_micros, customer_key, order_value_after, recorded_at)
                    SELECT 'busy', n, k, k, 'e' || n, 'o' || n, 0, %d + n %% 365, 'p' || ((n / 365) %% 8),
                           'c' || ((n / 2920) %% 25), CASE WHEN n %% 10 = 3 THEN 'USD' ELSE 'EUR' END,
                           CASE k WHEN 'purchase' THEN 49000000 + n %% 100000000 WHEN 'refund' THEN -20000000 ELSE 0 END,
                           CASE WHEN k = 'purchase' THEN printf('%%08x%%08x%%048d', ((n %% 1500000) * 2654435761) %% 4294967291,
                               n %% 1500000, 0) END, NULL, 0
                    FROM (SELECT n, CASE WHEN n %% 20 = 0 THEN 'refund' WHEN n %% 20 < 4 THEN 'lead' ELSE 'purchase' END AS k
                          FROM seq)""");
        }
    }

    @Test
    void postgres() throws Exception {
        try (LedgerDatabase db = LedgerDatabase.postgres()) {
            run(db, """
                    INSERT INTO ledger_entries (tenant_id, event_row_id, kind, event_name, event_id, order_id, occurred_at,
                        day, platform, campaign, currency, amount_micros, customer_key, order_value_after, recorded_at)
                    SELECT 'busy', n, k, k, 'e' || n, 'o' || n, 0, %d + n %% 365, 'p' || ((n / 365) %% 8),
                           'c' || ((n / 2920) %% 25), CASE WHEN n %% 10 = 3 THEN 'USD' ELSE 'EUR' END,
                           CASE k WHEN 'purchase' THEN 49000000 + n %% 100000000 WHEN 'refund' THEN -20000000 ELSE 0 END,
                           CASE WHEN k = 'purchase' THEN lpad(to_hex(((n %% 1500000)::bigint * 2654435761) %% 4294967291), 8, '0')
                               || lpad(to_hex(n %% 1500000), 8, '0') || repeat('0', 48) END, NULL, 0
                    FROM (SELECT n, CASE WHEN n %% 20 = 0 THEN 'refund' WHEN n %% 20 < 4 THEN 'lead' ELSE 'purchase' END AS k
                          FROM generate_series(0, %d - 1) AS n) s""".replace("%d - 1) AS n", "%2$d - 1) AS n")
                    .replace("%d + n", "%1$d + n"));
        }
    }

    private static void run(LedgerDatabase db, String generate) throws Exception {
        int entries = Integer.parseInt(System.getenv().getOrDefault("SLUICE_BENCH_LEDGER_ENTRIES", "5000000"));
        try (Store store = Stores.open(db.config())) {
            long t0 = System.nanoTime();
            String sql = store.kind().equals("sqlite") ? generate.formatted(entries, FIRST_DAY) : generate.formatted(FIRST_DAY, entries);
            Sql.of(store.sql()).inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    s.execute("""
                            INSERT INTO ledger_daily (tenant_id, day, platform, campaign, currency, revenue_micros,
                                                      refund_micros, purchases, leads)
                            SELECT tenant_id, day, platform, campaign, currency,
                                   sum(CASE WHEN kind = 'purchase' THEN amount_micros ELSE 0 END),
                                   sum(CASE WHEN kind = 'refund' THEN -amount_micros ELSE 0 END),
                                   sum(CASE WHEN kind = 'purchase' THEN 1 ELSE 0 END),
                                   sum(CASE WHEN kind = 'lead' THEN 1 ELSE 0 END)
                            FROM ledger_entries GROUP BY tenant_id, day, platform, campaign, currency""");
                    s.execute("""
                            INSERT INTO ledger_spend (tenant_id, day, platform, campaign, campaign_name, currency, spend_micros,
                                                      clicks, impressions, imported_at)
                            SELECT DISTINCT tenant_id, day, platform, campaign, 'Campaign ' || campaign, 'EUR', 150000000,
                                   400, 40000, 0 FROM ledger_entries""");
                }
                return null;
            });
            if (store.kind().equals("postgres")) {
                Sql.of(store.sql()).read(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("VACUUM ANALYZE ledger_entries");
                        s.execute("VACUUM ANALYZE ledger_daily");
                        s.execute("VACUUM ANALYZE ledger_spend");
                    }
                    return null;
                });
            } else {
                Sql.of(store.sql()).inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("ANALYZE");
                    }
                    return null;
                });
            }
            System.out.printf(Locale.ROOT, "%s: generated %,d entries in %.1f s%n", store.kind(), entries,
                    (System.nanoTime() - t0) / 1e9);
            Ledger ledger = Ledger.create(store, AbstractLedgerTest.SETTINGS);
            LocalDate first = LocalDate.ofEpochDay(FIRST_DAY);
            List<Map.Entry<String, KpiQuery>> queries = List.of(
                    Map.entry("year by platform", new KpiQuery(TENANT, first, first.plusDays(364), GroupBy.PLATFORM, "EUR")),
                    Map.entry("year by campaign", new KpiQuery(TENANT, first, first.plusDays(364), GroupBy.CAMPAIGN, "EUR")),
                    Map.entry("year by day", new KpiQuery(TENANT, first, first.plusDays(364), GroupBy.DAY, "EUR")),
                    Map.entry("month by campaign", new KpiQuery(TENANT, first.plusDays(304), first.plusDays(333), GroupBy.CAMPAIGN, "EUR")),
                    Map.entry("one day by campaign", new KpiQuery(TENANT, first.plusDays(330), first.plusDays(330), GroupBy.CAMPAIGN, "EUR")));

            // The count(DISTINCT) queries reports ran before the customer sets, once, as the reference.
            KpiQuery yearByPlatform = queries.getFirst().getValue();
            long t1 = System.nanoTime();
            Map<String, Long> reference = countDistinct(store, yearByPlatform);
            System.out.printf(Locale.ROOT, "%s: %-32s customers=%,9d %8.1f ms (one run)%n", store.kind(),
                    "year by platform, count(DISTINCT)", reference.get(""), (System.nanoTime() - t1) / 1e6);
            // Before the first fold (right after the upgrade) every purchase is in the tail: once.
            long t2 = System.nanoTime();
            KpiReport unfolded = ledger.report(yearByPlatform);
            System.out.printf(Locale.ROOT, "%s: %-32s customers=%,9d %8.1f ms (one run)%n", store.kind(),
                    "year by platform, nothing folded", unfolded.totals().figures().customers(), (System.nanoTime() - t2) / 1e6);
            check(reference, unfolded);

            long t3 = System.nanoTime();
            CustomerFolder.Folded folded = CustomerFolder.create(store, InstantSource.system()).fold();
            double foldSeconds = (System.nanoTime() - t3) / 1e9;
            Sql access = Sql.of(store.sql());
            if (store.kind().equals("postgres")) {
                // As autovacuum would have by then, after 73,000 new rows.
                access.read(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("VACUUM ANALYZE ledger_customer_days");
                    }
                    return null;
                });
            }
            long[] sets = access.read(c -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*), sum(length(customers)) FROM ledger_customer_days")) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            });
            System.out.printf(Locale.ROOT, "%s: fold of %,d entries in %.1f s (%,.0f entries/s): %,d set writes, "
                    + "%,d sets of %,d ids (%.1f MB)%n", store.kind(), folded.entriesRead(), foldSeconds,
                    folded.entriesRead() / foldSeconds, folded.setsWritten(), sets[0], sets[1] / 8, sets[1] / 1e6);
            for (Map.Entry<String, KpiQuery> q : queries) {
                measure(store.kind(), ledger, q.getKey() + ", folded", q.getValue());
            }
            check(reference, ledger.report(yearByPlatform));

            // An hour of entries (1/8760 of the year) above the watermark, read from ledger_entries.
            long tail = Math.max(1, entries / (365 * 24));
            System.out.printf(Locale.ROOT, "%s: watermark moved back by %,d entries (an hour)%n", store.kind(), tail);
            long through = folded.foldedThrough() - tail;
            access.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE ledger_customer_fold SET folded_through = " + through);
                }
                return null;
            });
            for (Map.Entry<String, KpiQuery> q : queries) {
                measure(store.kind(), ledger, q.getKey() + ", +1 h tail", q.getValue());
            }
        }
    }

    /** Customers per platform ("" for the total) by the queries reports ran before the customer sets. */
    private static Map<String, Long> countDistinct(Store store, KpiQuery q) {
        String where = " FROM ledger_entries WHERE tenant_id = ? AND day BETWEEN ? AND ? AND kind = 'purchase'"
                + " AND customer_key IS NOT NULL";
        return Sql.of(store.sql()).read(c -> {
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (String query : List.of("SELECT platform, count(DISTINCT customer_key)" + where + " GROUP BY platform",
                    "SELECT '', count(DISTINCT customer_key)" + where)) {
                try (java.sql.PreparedStatement ps = c.prepareStatement(query)) {
                    ps.setString(1, q.tenantId());
                    ps.setLong(2, q.from().toEpochDay());
                    ps.setLong(3, q.to().toEpochDay());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
            }
            return counts;
        });
    }

    /** Fails the run when a report's customers differ from count(DISTINCT)'s. */
    private static void check(Map<String, Long> reference, KpiReport report) {
        Map<String, Long> counted = new java.util.TreeMap<>();
        report.rows().forEach(r -> counted.put(r.platform().orElseThrow(), r.figures().customers()));
        counted.put("", report.totals().figures().customers());
        if (!counted.equals(reference)) {
            throw new AssertionError("customers " + counted + " differ from count(DISTINCT) " + reference);
        }
    }

    private static void measure(String kind, Ledger ledger, String name, KpiQuery query) {
        ledger.report(query); // warm-up: page cache and JIT
        List<Double> millis = new ArrayList<>();
        KpiReport report = null;
        long allocated = 0;
        for (int i = 0; i < RUNS; i++) {
            long a = THREADS.getCurrentThreadAllocatedBytes();
            long t = System.nanoTime();
            report = ledger.report(query);
            millis.add((System.nanoTime() - t) / 1e6);
            allocated = THREADS.getCurrentThreadAllocatedBytes() - a;
        }
        millis.sort(Double::compare);
        System.out.printf(Locale.ROOT, "%s: %-32s rows=%4d customers=%,9d median=%8.1f ms min=%8.1f ms max=%8.1f ms"
                + " allocated=%6.1f MB%n", kind, name, report.rows().size(), report.totals().figures().customers(),
                millis.get(RUNS / 2), millis.get(0), millis.get(RUNS - 1), allocated / 1e6);
    }
}
