package dev.sluice.ledger;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Money as an exact count of micro-units (amount x 10^6), the form the ledger stores and sums.
 * Ingest accepts at most 6 fraction digits, so every accepted amount converts without rounding.
 */
final class Micros {

    /** The largest amount the ledger books: a trillion units, so sums of many stay within a long. */
    static final BigDecimal MAX_AMOUNT = dev.sluice.event.CustomData.LEDGER_MAX_AMOUNT;

    private Micros() {
    }

    /** The micro-units of {@code amount}, or empty when it is out of range or finer than a micro-unit. */
    static Optional<Long> of(BigDecimal amount) {
        if (amount.abs().compareTo(MAX_AMOUNT) > 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(amount.movePointRight(6).longValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** The amount of {@code micros} micro-units, exactly. */
    static BigDecimal toAmount(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    /** The amount of a sum that may exceed a long (PostgreSQL sums bigints into numeric). */
    static BigDecimal toAmount(BigDecimal micros) {
        return micros.movePointLeft(6);
    }
}
