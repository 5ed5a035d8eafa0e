package dev.sluice.ledger;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * A KPI report request: one tenant, an inclusive range of days, a grouping and the currency to
 * report in.
 *
 * @param tenantId the tenant
 * @param from     first day, inclusive
 * @param to       last day, inclusive
 * @param groupBy  the grouping
 * @param currency the reporting currency (ISO 4217)
 */
public record KpiQuery(String tenantId, LocalDate from, LocalDate to, GroupBy groupBy, String currency) {

    /** The longest range one report covers. */
    public static final int MAX_DAYS = 3_660;

    /** Validates the range and the currency. */
    public KpiQuery {
        if (!isoCurrency(currency)) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code such as EUR");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("the range must be at most " + MAX_DAYS + " days");
        }
    }

    /**
     * Whether {@code code} is an ISO 4217 code the JDK knows: {@code ABC} is three capitals and no
     * currency (until session 35 a report was made in it, every amount unconverted).
     */
    public static boolean isoCurrency(String code) {
        if (code == null || code.length() != 3) {
            return false;
        }
        try {
            return java.util.Currency.getInstance(code).getCurrencyCode().equals(code);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
