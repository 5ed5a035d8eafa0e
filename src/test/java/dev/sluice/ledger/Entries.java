package dev.sluice.ledger;

import dev.sluice.store.EventRecord;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Builds ledger entries as {@link LedgerSource} would, wrapped in the event records that carry them. */
final class Entries {
    private static final AtomicLong IDS = new AtomicLong();

    private final EntryKind kind;
    private final LocalDate day;
    private Attribution attribution = new Attribution(Attribution.UNATTRIBUTED, "");
    private Optional<Long> micros = Optional.empty();
    private String currency = "";
    private Optional<String> orderId = Optional.empty();
    private Optional<String> customer = Optional.empty();

    private Entries(EntryKind kind, LocalDate day) {
        this.kind = kind;
        this.day = day;
    }

    static Entries purchase(String day) {
        return new Entries(EntryKind.PURCHASE, LocalDate.parse(day));
    }

    static Entries lead(String day) {
        return new Entries(EntryKind.LEAD, LocalDate.parse(day));
    }

    static Entries refund(String day) {
        return new Entries(EntryKind.REFUND, LocalDate.parse(day));
    }

    Entries on(String platform, String campaign) {
        attribution = new Attribution(platform, campaign);
        return this;
    }

    Entries value(String amount, String code) {
        micros = Micros.of(new BigDecimal(amount));
        currency = code;
        return this;
    }

    Entries order(String id) {
        orderId = Optional.of(id);
        return this;
    }

    Entries customer(String key) {
        customer = Optional.of(key);
        return this;
    }

    /** The event record (new event id) carrying this entry for {@code tenant}. */
    EventRecord record(String tenant) {
        Instant at = day.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC);
        String name = switch (kind) {
            case PURCHASE -> "Purchase";
            case LEAD -> "Lead";
            case REFUND -> "Refund";
        };
        LedgerEntry entry = new LedgerEntry(kind, orderId, at, day, attribution, micros, currency, customer);
        return new EventRecord(tenant, name, "e-" + IDS.incrementAndGet(), at, at, at.plus(Duration.ofDays(1)),
                List.of(), List.of(entry));
    }
}
