package dev.sluice.config;

import io.helidon.config.Config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code sluice.ledger}; every failure names its key. */
final class LedgerSettingsReader {

    private LedgerSettingsReader() {
    }

    static LedgerSettings read(Config ledger) {
        LedgerSettings defaults = LedgerSettings.defaults();
        String currency = currency(ledger.get("reporting-currency"), defaults.reportingCurrency());
        Map<String, String> tenantCurrencies = new LinkedHashMap<>();
        for (Config t : ledger.get("tenant-currencies").asNodeList().orElse(List.of())) {
            tenantCurrencies.put(t.name(), currency(t, null));
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(SluiceConfig.single(ledger.get("time-zone")).orElse("UTC"));
        } catch (DateTimeException e) {
            throw new ConfigException(ledger.get("time-zone").key().toString(), "must be a time zone id such as UTC or Europe/Berlin");
        }
        return new LedgerSettings(currency, tenantCurrencies, zone,
                names(ledger.get("purchase-events"), defaults.purchaseEvents()),
                names(ledger.get("lead-events"), defaults.leadEvents()),
                rates(ledger.get("fx-rates")),
                Durations.positive(ledger.get("customer-fold-interval"), defaults.customerFoldInterval()),
                Durations.positive(ledger.get("import-wait"), defaults.importWait()));
    }


    private static Set<String> names(Config node, Set<String> fallback) {
        if (!node.exists()) {
            return fallback;
        }
        // One value (`purchase-events: Purchase, Lead`) was split at its commas into "Purchase"
        // and " Lead", a name no event has.
        if (node.isLeaf()) {
            throw new ConfigException(node.key().toString(), "must be a list or a map, not a single value (e.g. [Purchase, Lead])");
        }
        List<String> names = node.asList(String.class).orElseThrow(
                () -> new ConfigException(node.key().toString(), "must be a list of event names"));
        return new LinkedHashSet<>(names);
    }

    /**
     * {@code fx-rates.<FROM>.<TO>}: a fixed rate, or a map of effective date to rate. Currency keys
     * are read in any case: an environment variable's name reaches the configuration lower-cased
     * ({@code SLUICE_LEDGER_FX_dash_RATES_USD_EUR} is {@code fx-rates.usd.eur}), which stopped
     * startup as no currency code until session 42. Such a rate replaces the file's rate for the
     * same pair (and day), as an environment variable replaces any other key of the file.
     */
    private static List<LedgerSettings.FxRate> rates(Config node) {
        Map<String, LedgerSettings.FxRate> rates = new LinkedHashMap<>();
        Map<String, Boolean> fromEnvironment = new LinkedHashMap<>();
        for (Config from : node.asNodeList().orElse(List.of())) {
            String fromCode = code(from);
            for (Config to : from.asNodeList().orElse(List.of())) {
                String toCode = code(to);
                boolean environment = !from.name().equals(fromCode) || !to.name().equals(toCode);
                if (to.isLeaf()) {
                    put(rates, fromEnvironment, environment,
                            new LedgerSettings.FxRate(fromCode, toCode, Optional.empty(), rate(to)));
                    continue;
                }
                for (Config dated : to.asNodeList().orElse(List.of())) {
                    LocalDate day;
                    try {
                        day = LocalDate.parse(dated.name());
                    } catch (DateTimeParseException e) {
                        throw new ConfigException(dated.key().toString(), "must be keyed by an ISO date such as 2026-01-01");
                    }
                    put(rates, fromEnvironment, environment,
                            new LedgerSettings.FxRate(fromCode, toCode, Optional.of(day), rate(dated)));
                }
            }
        }
        return new ArrayList<>(rates.values());
    }

    /** Keeps one rate per pair and day: the environment's over the file's. */
    private static void put(Map<String, LedgerSettings.FxRate> rates, Map<String, Boolean> fromEnvironment,
                            boolean environment, LedgerSettings.FxRate rate) {
        String key = rate.from() + ">" + rate.to() + " " + rate.effective().map(LocalDate::toString).orElse("fixed");
        if (!rates.containsKey(key) || (environment && !fromEnvironment.get(key))) {
            rates.put(key, rate);
            fromEnvironment.put(key, environment);
        }
    }

    /** The currency code a key names, upper-cased (see {@link #rates}). */
    private static String code(Config node) {
        String code = node.name().toUpperCase(java.util.Locale.ROOT);
        if (!isCurrency(code)) {
            throw new ConfigException(node.key().toString(), "must be keyed by an ISO 4217 currency code such as EUR");
        }
        return code;
    }

    private static BigDecimal rate(Config node) {
        try {
            BigDecimal rate = new BigDecimal(node.asString().get().strip());
            if (rate.signum() <= 0) {
                throw new NumberFormatException();
            }
            return rate;
        } catch (NumberFormatException e) {
            throw new ConfigException(node.key().toString(), "must be a positive decimal rate such as \"1.0825\"");
        }
    }

    private static String currency(Config node, String fallback) {
        Optional<String> value = node.asString().asOptional();
        if (value.isEmpty() && fallback != null) {
            return fallback;
        }
        if (value.isEmpty() || !isCurrency(value.get())) {
            throw new ConfigException(node.key().toString(), "must be an ISO 4217 currency code such as EUR");
        }
        return value.get();
    }

    private static boolean isCurrency(String code) {
        try {
            return code.length() == 3 && Currency.getInstance(code).getCurrencyCode().equals(code);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
