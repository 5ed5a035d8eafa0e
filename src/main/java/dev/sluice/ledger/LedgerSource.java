package dev.sluice.ledger;

import dev.sluice.config.LedgerSettings;
import dev.sluice.event.CustomData;
import dev.sluice.event.Event;
import dev.sluice.event.UserData;
import dev.sluice.ingest.CompanionSource;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.Companion;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Books accepted events into the ledger: configured purchase events as purchases, configured
 * lead events as leads, {@code Refund} events as refunds; every other event books nothing. The
 * entry is a {@link Companion}, so it is written in the event's transaction and only when the
 * event is new: a duplicate is never booked twice.
 *
 * <p>The customer is keyed by {@link TenantCrypto#customerKey} of {@code ext:} plus the external
 * id, else of {@code email:} plus the trimmed, lower-cased email; the raw value is never kept.
 */
public final class LedgerSource implements CompanionSource {
    private static final System.Logger LOG = System.getLogger(LedgerSource.class.getName());
    static final String REFUND = "Refund";

    private final LedgerSettings settings;

    /** A source booking by {@code settings}' event names and time zone. */
    public LedgerSource(LedgerSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<Companion> companions(Admitted admitted) {
        Event event = admitted.event();
        Optional<EntryKind> kind = kindOf(event.eventName());
        if (kind.isEmpty()) {
            return List.of();
        }
        CustomData custom = event.custom();
        Optional<Long> micros = Optional.empty();
        if (custom.value().isPresent()) {
            // A refund's sign carries no meaning: its value is the amount refunded.
            BigDecimal value = kind.get() == EntryKind.REFUND ? custom.value().get().abs() : custom.value().get();
            micros = Micros.of(value);
            if (micros.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "event=ledger_amount_out_of_range tenant={0} event_name={1}",
                        admitted.tenant().id(), event.eventName());
            }
        }
        String currency = micros.isPresent() ? custom.currency().orElse("") : "";
        LocalDate day = LocalDate.ofInstant(event.eventTime(), settings.zone());
        return List.of(new LedgerEntry(kind.get(), custom.orderId(), event.eventTime(), day, Attribution.of(event),
                micros, currency, customerKey(event.user(), admitted.crypto())));
    }

    private Optional<EntryKind> kindOf(String eventName) {
        if (settings.purchaseEvents().contains(eventName)) {
            return Optional.of(EntryKind.PURCHASE);
        }
        if (settings.leadEvents().contains(eventName)) {
            return Optional.of(EntryKind.LEAD);
        }
        return REFUND.equals(eventName) ? Optional.of(EntryKind.REFUND) : Optional.empty();
    }

    static Optional<String> customerKey(UserData user, TenantCrypto crypto) {
        // External id first: the same derivation LedgerCustomers.keys uses for erasure.
        return LedgerCustomers.key(crypto, user.email(), user.externalId());
    }
}
