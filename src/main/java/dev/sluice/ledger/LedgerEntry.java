package dev.sluice.ledger;

import dev.sluice.store.Companion;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A ledger entry drafted from an accepted event, written by {@link LedgerWriter} in the event's
 * own transaction. Holds no personal data: the customer is a tenant-peppered HMAC.
 *
 * @param type         purchase, lead or refund
 * @param orderId      the merchant's order id, when sent
 * @param occurredAt   the event's time
 * @param day          the calendar day it is booked on (ledger time zone)
 * @param attribution  platform and campaign from the event; a refund of a known order books
 *                     against the order's attribution instead
 * @param amountMicros the value in micro-units (a refund's as a positive amount); empty when the
 *                     event had no value
 * @param currency     the value's currency, empty text when there is no value
 * @param customerKey  the customer's peppered key, when the event identifies one
 */
record LedgerEntry(EntryKind type, Optional<String> orderId, Instant occurredAt, LocalDate day,
                   Attribution attribution, Optional<Long> amountMicros, String currency,
                   Optional<String> customerKey) implements Companion {

    @Override
    public Kind kind() {
        return LedgerWriter.INSTANCE;
    }
}
