package dev.sluice.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sluice.ledger}: defaults, rates fixed and by day, and errors that name their key. */
final class LedgerSettingsTest {

    @Test
    void shippedConfiguration_hasTheDefaults() {
        LedgerSettings ledger = load(Map.of()).ledger();

        assertThat(ledger.reportingCurrency(), is("EUR"));
        assertThat(ledger.leadEvents().containsAll(java.util.List.of("Lead", "CompleteRegistration", "SubmitApplication")), is(true));
        assertThat(ledger.fxRates().isEmpty(), is(true));
        assertThat(ledger.customerFoldInterval(), is(java.time.Duration.ofSeconds(60)));
        assertThat(ledger.importWait(), is(java.time.Duration.ofSeconds(30)));
    }

    @Test
    void importWait_isADuration() {
        assertThat(load(Map.of("sluice.ledger.import-wait", "2m")).ledger().importWait(), is(java.time.Duration.ofMinutes(2)));
    }

    @Test
    void customerFoldInterval_isADuration() {
        assertThat(load(Map.of("sluice.ledger.customer-fold-interval", "5m")).ledger().customerFoldInterval(),
                is(java.time.Duration.ofMinutes(5)));
    }

    @Test
    void ratesFixedAndByDay_andATenantCurrency() {
        LedgerSettings ledger = load(Map.of("sluice.ledger.fx-rates.USD.EUR", "0.92",
                "sluice.ledger.fx-rates.GBP.EUR.2026-01-01", "1.17",
                "sluice.ledger.tenant-currencies.demo", "USD")).ledger();

        assertThat(ledger.fxRates().stream().map(r -> r.from() + ">" + r.to() + " " + r.rate() + " "
                + r.effective().map(Object::toString).orElse("fixed")).sorted().toList(),
                contains("GBP>EUR 1.17 2026-01-01", "USD>EUR 0.92 fixed"));
        assertThat(ledger.currencyOf("demo"), is("USD"));
        assertThat(ledger.currencyOf("other"), is("EUR"));
    }

    /**
     * Rates set by environment variable (as on Kubernetes) stopped startup: the variable's name
     * reaches the configuration lower-cased, {@code fx-rates.usd.eur}, which was no currency code.
     * Helidon's own expansion of the variables makes the keys here, as at startup.
     */
    @Test
    void ratesByEnvironmentVariable_areRead_andReplaceTheFilesRateForThatPairAndDay() {
        Map<String, String> environment = io.helidon.config.EnvironmentVariables.expand(Map.of(
                "SLUICE_LEDGER_FX_dash_RATES_USD_EUR", "0.95",
                "SLUICE_LEDGER_FX_dash_RATES_GBP_EUR_2026_dash_11_dash_15", "1.1"));
        Map<String, String> overrides = new HashMap<>(environment);
        overrides.put("sluice.ledger.fx-rates.USD.EUR", "0.92");   // the file's spelling
        overrides.put("sluice.ledger.fx-rates.GBP.EUR.2026-11-01", "1.2");
        LedgerSettings ledger = load(overrides).ledger();

        assertThat(ledger.fxRates().stream().map(r -> r.from() + ">" + r.to() + " " + r.rate() + " "
                + r.effective().map(Object::toString).orElse("fixed")).sorted().toList(),
                contains("GBP>EUR 1.1 2026-11-15", "GBP>EUR 1.2 2026-11-01", "USD>EUR 0.95 fixed"));
    }

    @Test
    void badValues_nameTheirKey() {
        assertThat(error("sluice.ledger.reporting-currency", "EURO"), is("sluice.ledger.reporting-currency"));
        assertThat(error("sluice.ledger.fx-rates.USD.EUR", "-1"), is("sluice.ledger.fx-rates.USD.EUR"));
        assertThat(error("sluice.ledger.fx-rates.USD.EUR.yesterday", "1"), is("sluice.ledger.fx-rates.USD.EUR.yesterday"));
        assertThat(error("sluice.ledger.fx-rates.XXY.EUR", "1"), is("sluice.ledger.fx-rates.XXY"));
        assertThat(error("sluice.ledger.time-zone", "Mars/Olympus"), is("sluice.ledger.time-zone"));
        assertThat(error("sluice.ledger.customer-fold-interval", "0s"), is("sluice.ledger.customer-fold-interval"));
        assertThat(error("sluice.ledger.customer-fold-interval", "often"), is("sluice.ledger.customer-fold-interval"));
        assertThat(error("sluice.ledger.import-wait", "0s"), is("sluice.ledger.import-wait"));
        assertThat(error("sluice.ledger.import-wait", "-5s"), is("sluice.ledger.import-wait"));
        // A tenant id that names no tenant was ignored, the tenant's reports left in the default currency.
        assertThat(error("sluice.ledger.tenant-currencies.demoo", "USD"), is("sluice.ledger.tenant-currencies.demoo"));
    }

    private static String error(String key, String value) {
        return assertThrows(ConfigException.class, () -> load(Map.of(key, value))).key();
    }

    private static SluiceConfig load(Map<String, String> overrides) {
        return SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), new HashMap<>(overrides)),
                Secrets.of(Map.of(), Path.of("data")));
    }
}
