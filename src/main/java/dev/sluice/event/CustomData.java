package dev.sluice.event;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Commerce data of an event. Money is a {@link BigDecimal}, never a double.
 *
 * @param value       monetary value, with {@code currency} when present
 * @param currency    ISO 4217 code, upper case
 * @param orderId     merchant order id
 * @param contentIds  product ids
 * @param numItems    number of items
 */
public record CustomData(Optional<BigDecimal> value,
                         Optional<String> currency,
                         Optional<String> orderId,
                         List<String> contentIds,
                         Optional<Integer> numItems) {

    /**
     * The largest amount the ROAS ledger books, a trillion units, so that a day's sums of many
     * stay within a long of micro-units; a larger value is accepted, delivered, and answered with
     * a {@code beyond_ledger} warning.
     */
    public static final BigDecimal LEDGER_MAX_AMOUNT = new BigDecimal("1000000000000");

    public CustomData {
        contentIds = List.copyOf(contentIds);
    }

    /** No commerce data. */
    public static CustomData empty() {
        return new CustomData(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty());
    }
}
