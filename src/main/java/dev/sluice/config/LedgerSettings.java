package dev.sluice.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ROAS ledger's settings ({@code sluice.ledger}).
 *
 * @param reportingCurrency default currency of KPI reports (ISO 4217)
 * @param tenantCurrencies  per-tenant reporting currency, overriding the default
 * @param zone              time zone whose calendar days entries and spend rows are booked on
 * @param purchaseEvents    event names booked as purchases (acquisitions, revenue)
 * @param leadEvents        event names booked as leads
 * @param fxRates           configured exchange rates
 * @param customerFoldInterval how often purchases are folded into the distinct-customer rollups
 *                          that CLV counts ({@code customer-fold-interval}); reports also read the
 *                          entries not folded yet, so a longer interval makes reports slower, not wrong
 * @param importWait        how long a spend import waits for the one running before it
 *                          ({@code import-wait}; imports run one at a time) before it is answered
 *                          503 {@code import-busy}
 */
public record LedgerSettings(String reportingCurrency, Map<String, String> tenantCurrencies, ZoneId zone,
                             Set<String> purchaseEvents, Set<String> leadEvents, List<FxRate> fxRates,
                             Duration customerFoldInterval, Duration importWait) {

    /** The default {@code customer-fold-interval}. */
    public static final Duration DEFAULT_CUSTOMER_FOLD_INTERVAL = Duration.ofSeconds(60);

    /** The default {@code import-wait}. */
    public static final Duration DEFAULT_IMPORT_WAIT = Duration.ofSeconds(30);

    /** Copies the collections. */
    public LedgerSettings {
        tenantCurrencies = Map.copyOf(tenantCurrencies);
        purchaseEvents = Set.copyOf(purchaseEvents);
        leadEvents = Set.copyOf(leadEvents);
        fxRates = List.copyOf(fxRates);
    }

    /**
     * The defaults: EUR reports, UTC days, Purchase as purchase, the three standard lead events, no
     * rates, customers folded every minute, a spend import waiting up to 30 s for the one before it.
     */
    public static LedgerSettings defaults() {
        return new LedgerSettings("EUR", Map.of(), ZoneId.of("UTC"), Set.of("Purchase"),
                Set.of("Lead", "CompleteRegistration", "SubmitApplication"), List.of(), DEFAULT_CUSTOMER_FOLD_INTERVAL,
                DEFAULT_IMPORT_WAIT);
    }

    /** The reporting currency of {@code tenantId}. */
    public String currencyOf(String tenantId) {
        return tenantCurrencies.getOrDefault(tenantId, reportingCurrency);
    }

    /**
     * One exchange rate: one unit of {@code from} is {@code rate} units of {@code to}, fixed
     * (no {@code effective} date) or from {@code effective} until the next dated rate of the pair.
     */
    public record FxRate(String from, String to, Optional<LocalDate> effective, BigDecimal rate) {
    }
}
