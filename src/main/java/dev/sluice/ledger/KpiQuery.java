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

    /** Validates the range. */
    public KpiQuery {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("the range must be at most " + MAX_DAYS + " days");
        }
    }
}
