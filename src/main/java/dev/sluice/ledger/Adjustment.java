package dev.sluice.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A refund of a known order, as delivery needs it to correct a conversion a platform already
 * counted: a {@link Type#RETRACTION} when nothing of the order is left, else a
 * {@link Type#RESTATEMENT} to the order's new value (Google Ads conversion adjustments take
 * exactly these two). Read in id order after a cursor with {@link Ledger#adjustments}.
 *
 * @param id         the refund entry's id, the cursor for the next page
 * @param platform   the order's platform
 * @param orderId    the merchant's order id
 * @param refundedAt when the refund happened
 * @param type       retraction or restatement
 * @param newValue   the order's value after the refund (zero for a retraction)
 * @param currency   the order's currency
 */
public record Adjustment(long id, String platform, String orderId, Instant refundedAt, Type type,
                         BigDecimal newValue, String currency) {

    /** The correction to send. */
    public enum Type {
        /** The whole order was refunded: withdraw the conversion. */
        RETRACTION,
        /** Part of it was refunded: restate its value. */
        RESTATEMENT
    }

    /** The type for a value left after the refund. */
    static Type typeFor(BigDecimal left) {
        return left.signum() == 0 ? Type.RETRACTION : Type.RESTATEMENT;
    }
}
