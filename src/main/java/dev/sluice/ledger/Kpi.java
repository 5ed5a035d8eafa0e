package dev.sluice.ledger;

import java.util.Locale;

/**
 * The ratios a KPI report gives per row. Each is {@code null} when its denominator is zero, and
 * when an amount it needs is incomplete because part of it is in a currency without a rate.
 */
public enum Kpi {
    /** Return on ad spend: revenue / spend. */
    ROAS,
    /** Cost per acquisition: spend / purchases. */
    CPA,
    /** Cost per lead: spend / leads. */
    CPL,
    /** Cost per click: spend / clicks. */
    CPC,
    /** Click-through rate: clicks / impressions. */
    CTR,
    /** Conversion rate: conversions / clicks. */
    CVR,
    /** Customer value: revenue / distinct purchasing customers. */
    CLV,
    /** Average order value: revenue / purchases. */
    AOV;

    /** The column name, e.g. {@code roas}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
