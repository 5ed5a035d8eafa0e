package dev.sluice.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One day of one campaign's spend, clicks and impressions on one platform. Its key is
 * {@code (tenant, day, platform, campaign)}: importing the key again replaces the row.
 *
 * @param day          the day, in the ad account's time zone (keep it the same as the ledger's)
 * @param platform     e.g. {@code meta}, {@code google_ads}
 * @param campaign     the platform's campaign id
 * @param campaignName the campaign's name, possibly empty
 * @param spend        amount spent, not negative, at most 6 fraction digits
 * @param currency     ISO 4217 code of {@code spend}
 * @param clicks       clicks
 * @param impressions  impressions
 */
public record SpendRow(LocalDate day, String platform, String campaign, String campaignName, BigDecimal spend,
                       String currency, long clicks, long impressions) {

    /** The idempotency key within a tenant. */
    record Key(LocalDate day, String platform, String campaign) {
    }

    Key key() {
        return new Key(day, platform, campaign);
    }
}
