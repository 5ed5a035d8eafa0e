package dev.sluice.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Exact running sums for one report row; rounding happens only when the row is built, from the
 * unrounded sums, so a row's KPIs never compound rounding errors.
 */
final class Tally {
    static final int RATIO_SCALE = 4;

    private BigDecimal revenue = BigDecimal.ZERO;
    private BigDecimal refunds = BigDecimal.ZERO;
    private BigDecimal spend = BigDecimal.ZERO;
    private final Map<String, BigDecimal[]> unconverted = new TreeMap<>();
    long purchases;
    long leads;
    long clicks;
    long impressions;
    long customers;

    /** Adds converted gross revenue and refunds (refunds positive). */
    void addRevenue(BigDecimal gross, BigDecimal refunded) {
        revenue = revenue.add(gross);
        refunds = refunds.add(refunded);
    }

    void addSpend(BigDecimal amount) {
        spend = spend.add(amount);
    }

    /** Adds amounts that could not be converted, in their own currency. */
    void addUnconverted(String currency, BigDecimal gross, BigDecimal refunded, BigDecimal spent) {
        BigDecimal[] sums = unconverted.computeIfAbsent(currency,
                c -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
        sums[0] = sums[0].add(gross);
        sums[1] = sums[1].add(refunded);
        sums[2] = sums[2].add(spent);
    }

    /** Adds another tally's sums and counts, but not its customers (those are counted per range). */
    void addAll(Tally other) {
        addRevenue(other.revenue, other.refunds);
        addSpend(other.spend);
        other.unconverted.forEach((c, s) -> addUnconverted(c, s[0], s[1], s[2]));
        purchases = count(purchases, other.purchases);
        leads = count(leads, other.leads);
        clicks = count(clicks, other.clicks);
        impressions = count(impressions, other.impressions);
    }

    /** {@code a + b}, or {@link Ledger.OutOfRange} where a long would wrap (negative clicks, until session 40). */
    static long count(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new Ledger.OutOfRange("a count of purchases, leads, clicks or impressions");
        }
    }

    KpiRow.Figures figures(String currency) {
        int digits = minorDigits(currency);
        return new KpiRow.Figures(money(spend, digits), money(net(), digits), money(refunds, digits), purchases, leads,
                clicks, impressions, customers);
    }

    /** The KPIs; a KPI is absent when its denominator is zero or an amount it needs is incomplete. */
    Map<Kpi, BigDecimal> kpis() {
        boolean revenueComplete = unconverted.values().stream().allMatch(s -> s[0].signum() == 0 && s[1].signum() == 0);
        boolean spendComplete = unconverted.values().stream().allMatch(s -> s[2].signum() == 0);
        BigDecimal net = net();
        Map<Kpi, BigDecimal> kpis = new EnumMap<>(Kpi.class);
        put(kpis, Kpi.ROAS, revenueComplete && spendComplete, net, spend);
        put(kpis, Kpi.CPA, spendComplete, spend, BigDecimal.valueOf(purchases));
        put(kpis, Kpi.CPL, spendComplete, spend, BigDecimal.valueOf(leads));
        put(kpis, Kpi.CPC, spendComplete, spend, BigDecimal.valueOf(clicks));
        put(kpis, Kpi.CTR, true, BigDecimal.valueOf(clicks), BigDecimal.valueOf(impressions));
        put(kpis, Kpi.CVR, true, BigDecimal.valueOf(purchases + leads), BigDecimal.valueOf(clicks));
        put(kpis, Kpi.CLV, revenueComplete, net, BigDecimal.valueOf(customers));
        put(kpis, Kpi.AOV, revenueComplete, net, BigDecimal.valueOf(purchases));
        return kpis;
    }

    List<KpiRow.Unconverted> unconverted() {
        List<KpiRow.Unconverted> list = new ArrayList<>();
        unconverted.forEach((currency, s) -> {
            int digits = minorDigits(currency);
            list.add(new KpiRow.Unconverted(currency, exact(s[0].subtract(s[1]), digits), exact(s[1], digits),
                    exact(s[2], digits)));
        });
        return list;
    }

    private BigDecimal net() {
        return revenue.subtract(refunds);
    }

    private static void put(Map<Kpi, BigDecimal> kpis, Kpi kpi, boolean complete, BigDecimal numerator,
                            BigDecimal denominator) {
        if (complete && denominator.signum() != 0) {
            kpis.put(kpi, numerator.divide(denominator, RATIO_SCALE, RoundingMode.HALF_EVEN));
        }
    }

    /** Digits of the currency's minor unit; 2 for codes without one (e.g. XAU). */
    static int minorDigits(String currency) {
        Optional<Integer> digits;
        try {
            digits = Optional.of(Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = Optional.empty();
        }
        return digits.filter(d -> d >= 0).orElse(2);
    }

    static BigDecimal money(BigDecimal amount, int digits) {
        return amount.setScale(digits, RoundingMode.HALF_EVEN);
    }

    /** An unconverted amount exactly, shown with at least the currency's minor digits. */
    private static BigDecimal exact(BigDecimal amount, int digits) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < digits ? stripped.setScale(digits) : stripped;
    }
}
