package dev.sluice.ledger;

import dev.sluice.config.LedgerSettings;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Folds the facts a report read into rows: each day's amounts are converted at that day's rate
 * (exactly: a decimal rate times an exact amount), or kept aside as unconverted when the currency
 * has no rate that day; then each row is rounded once (see {@link KpiReport#ROUNDING}).
 */
final class KpiReports {

    private static final Comparator<LedgerSettings.FxRate> RATE_ORDER = Comparator
            .comparing(LedgerSettings.FxRate::from)
            .thenComparing(LedgerSettings.FxRate::to)
            .thenComparing(r -> r.effective().orElse(LocalDate.MIN));

    private KpiReports() {
    }

    /**
     * Groups one report may have: each costs a tally, a row, its customers' ids while they are
     * counted and its lines of the answer, about 2.5 KB in all, so 5,000 stay within a few MB of a
     * 64 MiB heap. A report past it is refused ({@link Ledger.ReportTooLarge}) rather than built:
     * grouped by campaign, a long period of a merchant whose {@code utm_campaign} values are ad
     * ids could otherwise have run the gateway out of memory.
     */
    static final int MAX_GROUPS = 5_000;

    /** Tallies rows as they are read; keeps one tally (and one campaign name) per group, not the rows. */
    static final class Builder implements LedgerReader.FactSink {
        private final KpiQuery q;
        private final FxRates fx;
        private final int maxGroups;
        private final TreeMap<LedgerReader.GroupKey, Tally> groups = new TreeMap<>();
        private final TreeSet<LedgerSettings.FxRate> used = new TreeSet<>(RATE_ORDER);
        private final Map<LedgerReader.GroupKey, LedgerReader.Spend> latestName = new HashMap<>();

        Builder(KpiQuery q, FxRates fx) {
            this(q, fx, MAX_GROUPS);
        }

        Builder(KpiQuery q, FxRates fx, int maxGroups) {
            this.q = q;
            this.fx = fx;
            this.maxGroups = maxGroups;
        }

        private Tally group(LedgerReader.GroupKey key) {
            Tally t = groups.get(key);
            if (t == null) {
                if (groups.size() >= maxGroups) {
                    throw new Ledger.ReportTooLarge(maxGroups);
                }
                t = new Tally();
                groups.put(key, t);
            }
            return t;
        }

        @Override
        public void revenue(LedgerReader.Revenue r) {
            if (r.revenueMicros() == Ledger.SATURATED || r.refundMicros() == Ledger.SATURATED) {
                throw new Ledger.OutOfRange("the " + r.currency() + " revenue or refunds of " + r.platform() + " on " + r.day());
            }
            Tally t = group(LedgerReader.GroupKey.of(q.groupBy(), r.day(), r.platform(), r.campaign()));
            t.purchases = Tally.count(t.purchases, r.purchases());
            t.leads = Tally.count(t.leads, r.leads());
            if (r.currency().isEmpty()) {
                return;
            }
            BigDecimal gross = Micros.toAmount(r.revenueMicros());
            BigDecimal refunds = Micros.toAmount(r.refundMicros());
            Optional<LedgerSettings.FxRate> rate = rate(fx, r.currency(), q.currency(), r.day(), used);
            if (rate.isPresent()) {
                t.addRevenue(gross.multiply(rate.get().rate()), refunds.multiply(rate.get().rate()));
            } else {
                t.addUnconverted(r.currency(), gross, refunds, BigDecimal.ZERO);
            }
        }

        @Override
        public void spend(LedgerReader.Spend s) {
            LedgerReader.GroupKey key = LedgerReader.GroupKey.of(q.groupBy(), s.day(), s.platform(), s.campaign());
            Tally t = group(key);
            t.clicks = Tally.count(t.clicks, s.clicks());
            t.impressions = Tally.count(t.impressions, s.impressions());
            BigDecimal spend = Micros.toAmount(s.spendMicros());
            Optional<LedgerSettings.FxRate> rate = rate(fx, s.currency(), q.currency(), s.day(), used);
            if (rate.isPresent()) {
                t.addSpend(spend.multiply(rate.get().rate()));
            } else {
                t.addUnconverted(s.currency(), BigDecimal.ZERO, BigDecimal.ZERO, spend);
            }
            if (q.groupBy() == GroupBy.CAMPAIGN) {
                latestName.merge(key, s, (a, b) -> b.day().isAfter(a.day()) ? b : a);
            }
        }

        /** The report, with the customers counted per group and in total. */
        KpiReport build(CustomerCounts.Counts customers) {
            List<KpiRow> rows = new ArrayList<>(groups.size());
            Tally totals = new Tally();
            groups.forEach((key, t) -> {
                t.customers = customers.groups().getOrDefault(key, 0L);
                totals.addAll(t);
                Optional<String> name = q.groupBy() == GroupBy.CAMPAIGN
                        ? Optional.ofNullable(latestName.get(key)).map(LedgerReader.Spend::campaignName).filter(n -> !n.isEmpty())
                        : Optional.empty();
                rows.add(row(key, name, t, q.currency()));
            });
            totals.customers = customers.total();
            KpiRow total = row(new LedgerReader.GroupKey(Optional.empty(), Optional.empty(), Optional.empty()),
                    Optional.empty(), totals, q.currency());
            return new KpiReport(q, rows, total, List.copyOf(used));
        }
    }

    private static Optional<LedgerSettings.FxRate> rate(FxRates fx, String from, String to, LocalDate day,
                                                         TreeSet<LedgerSettings.FxRate> used) {
        Optional<LedgerSettings.FxRate> rate = fx.rate(from, to, day);
        if (rate.isPresent() && !from.equals(to)) {
            used.add(rate.get());
        }
        return rate;
    }

    private static KpiRow row(LedgerReader.GroupKey key, Optional<String> name, Tally t, String currency) {
        return new KpiRow(key.platform(), key.campaign(), name, key.day(), t.figures(currency), t.kpis(), t.unconverted());
    }
}
