package dev.sluice.ledger;

import dev.sluice.config.LedgerSettings;

import java.util.List;

/**
 * A KPI report: rows in group order, the totals over all of them, and every exchange rate used.
 *
 * @param query     what was asked
 * @param rows      one row per group with data in the range; none for an empty period
 * @param totals    the whole range (customers counted once even when in several groups)
 * @param ratesUsed the configured rates that converted something, in currency and date order
 */
public record KpiReport(KpiQuery query, List<KpiRow> rows, KpiRow totals, List<LedgerSettings.FxRate> ratesUsed) {

    /** The rounding rule, stated in every report. */
    public static final String ROUNDING = "exact decimal sums; each amount converted at its day's rate; money rounded "
            + "half-even to the reporting currency's minor unit, ratios to 4 decimal places, from unrounded sums";

    /** Copies the lists. */
    public KpiReport {
        rows = List.copyOf(rows);
        ratesUsed = List.copyOf(ratesUsed);
    }
}
