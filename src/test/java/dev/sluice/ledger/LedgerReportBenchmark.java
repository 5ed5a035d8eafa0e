package dev.sluice.ledger;

import dev.sluice.store.Sql;

import dev.sluice.store.Store;
import dev.sluice.store.Stores;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * KPI report latency on a year of a busy merchant's ledger: {@code SLUICE_BENCH_LEDGER_ENTRIES}
 * (default 5,000,000) entries over 365 days, 8 platforms x 25 campaigns, 1.5 million customers,
 * 80 % purchases, 15 % leads, 5 % refunds, 10 % in USD, plus 73,000 spend rows. The data is
 * generated in SQL (entries, then their daily rollups by one GROUP BY, as the writer keeps them),
 * because loading is not what is measured. A measurement, not a timed assertion; disabled unless
 * asked for. Run with:
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
                           CASE WHEN k = 'purchase' THEN printf('%%064x', n %% 1500000) END, NULL, 0
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
                           CASE WHEN k = 'purchase' THEN lpad(to_hex(n %% 1500000), 64, '0') END, NULL, 0
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
            measure(store.kind(), ledger, "year by platform", new KpiQuery(TENANT, first, first.plusDays(364), GroupBy.PLATFORM, "EUR"));
            measure(store.kind(), ledger, "year by campaign", new KpiQuery(TENANT, first, first.plusDays(364), GroupBy.CAMPAIGN, "EUR"));
            measure(store.kind(), ledger, "year by day", new KpiQuery(TENANT, first, first.plusDays(364), GroupBy.DAY, "EUR"));
            measure(store.kind(), ledger, "month by campaign", new KpiQuery(TENANT, first.plusDays(304), first.plusDays(333), GroupBy.CAMPAIGN, "EUR"));
            measure(store.kind(), ledger, "one day by campaign", new KpiQuery(TENANT, first.plusDays(330), first.plusDays(330), GroupBy.CAMPAIGN, "EUR"));
        }
    }

    private static void measure(String kind, Ledger ledger, String name, KpiQuery query) {
        ledger.report(query); // warm-up: page cache and JIT
        List<Double> millis = new ArrayList<>();
        KpiReport report = null;
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            report = ledger.report(query);
            millis.add((System.nanoTime() - t) / 1e6);
        }
        millis.sort(Double::compare);
        System.out.printf(Locale.ROOT, "%s: %-20s rows=%4d customers=%,9d median=%8.1f ms min=%8.1f ms max=%8.1f ms%n",
                kind, name, report.rows().size(), report.totals().figures().customers(), millis.get(RUNS / 2),
                millis.get(0), millis.get(RUNS - 1));
    }
}
