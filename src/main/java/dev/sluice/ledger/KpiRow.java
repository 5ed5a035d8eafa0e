package dev.sluice.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One row of a KPI report (a group, or the totals).
 *
 * @param platform     the platform, in platform and campaign reports
 * @param campaign     the campaign id (empty text when unknown), in campaign reports
 * @param campaignName the campaign's name from the latest imported spend row, when there is one
 * @param day          the day, in day reports
 * @param figures      the amounts and counts
 * @param kpis         the ratios; a missing key is {@code null} (zero denominator or incomplete amount)
 * @param unconverted  amounts in currencies without a rate, kept in their own currency
 */
public record KpiRow(Optional<String> platform, Optional<String> campaign, Optional<String> campaignName,
                     Optional<LocalDate> day, Figures figures, Map<Kpi, BigDecimal> kpis, List<Unconverted> unconverted) {

    /** Copies the collections. */
    public KpiRow {
        kpis = Map.copyOf(kpis);
        unconverted = List.copyOf(unconverted);
    }

    /** The KPI's value, empty for {@code null}. */
    public Optional<BigDecimal> kpi(Kpi kpi) {
        return Optional.ofNullable(kpis.get(kpi));
    }

    /**
     * Amounts and counts, money in the reporting currency rounded to its minor unit.
     *
     * @param spend       ad spend (converted part)
     * @param revenue     purchase revenue net of refunds (converted part)
     * @param refunds     refunds booked in the period (converted part, positive)
     * @param purchases   purchases (acquisitions)
     * @param leads       leads
     * @param clicks      clicks from imported spend rows
     * @param impressions impressions from imported spend rows
     * @param customers   distinct purchasing customers
     */
    public record Figures(BigDecimal spend, BigDecimal revenue, BigDecimal refunds, long purchases, long leads,
                          long clicks, long impressions, long customers) {
        /** Purchases plus leads. */
        public long conversions() {
            return purchases + leads;
        }
    }

    /**
     * Amounts in one currency that has no rate into the reporting currency on some day, exactly as
     * booked, not part of {@link Figures}.
     *
     * @param currency the currency
     * @param revenue  net revenue in it
     * @param refunds  refunds in it
     * @param spend    spend in it
     */
    public record Unconverted(String currency, BigDecimal revenue, BigDecimal refunds, BigDecimal spend) {
    }
}
