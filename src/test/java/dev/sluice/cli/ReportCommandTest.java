package dev.sluice.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import dev.sluice.config.LedgerSettings;
import dev.sluice.ledger.Ledger;
import dev.sluice.ledger.SpendRow;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice report kpis}: the report's table, CSV and JSON, read from the configured store. */
final class ReportCommandTest {

    @TempDir
    Path dir;

    @Test
    void kpis_printsTheTableWithTotalsAndNullsAsDashes() throws Exception {
        Path config = CommandRuns.config(dir.resolve("sluice.yaml"), dir.resolve("data"), "shop", "google_ads",
                "  ledger:\n    reporting-currency: EUR\n");
        try (Store store = Stores.open(StoreConfig.sqlite(dir.resolve("data").resolve("sluice.db")))) {
            Ledger.create(store, LedgerSettings.defaults()).importSpend("shop", List.of(new SpendRow(
                    LocalDate.parse("2026-11-02"), "meta", "c1", "BF", new BigDecimal("40.00"), "EUR", 100, 10_000)),
                    Instant.EPOCH);
        }

        String table = run("report", "kpis", "--config", config.toString(), "--tenant", "shop",
                "--from", "2026-11-01", "--to", "2026-11-30", "--group-by", "campaign");
        String csv = run("report", "kpis", "--config", config.toString(), "--tenant", "shop",
                "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv");

        assertThat(table, containsString("platform  campaign  campaign_name  spend  revenue"));
        // No purchases yet: CPA is null ("-"); CPC 40/100 = 0.4; CTR 100/10000 = 0.01.
        assertThat(table, containsString("meta      c1        BF             40.00     0.00"));
        assertThat(table, containsString("0.4000  0.0100"));
        assertThat(table, containsString("TOTAL"));
        assertThat(csv.lines().toList().get(1), is("meta,40.00,0.00,0.00,0,0,0,100,10000,0,0.0000,,,0.4000,0.0100,0.0000,,,"));
    }

    /**
     * A report only reads: without a database it says so (exit code 1) and creates none; until
     * session 39 it created an empty one and reported zeros. A file that is no database is one
     * line naming the store's problem, not a stack trace.
     */
    @Test
    void kpis_withoutADatabase_saysSo_andCreatesNone() throws Exception {
        Path data = dir.resolve("data");
        Path config = CommandRuns.config(dir.resolve("sluice.yaml"), data, "shop", "google_ads", "");
        String err = CommandRuns.err(1, "report", "kpis", "--config", config.toString(), "--tenant", "shop",
                "--from", "2026-11-01", "--to", "2026-11-30");
        assertThat(err, containsString("sluice: store: no SQLite database at " + data.resolve("sluice.db").toAbsolutePath()));
        assertThat(Files.exists(data.resolve("sluice.db")), is(false));

        Files.createDirectories(data);
        Files.write(data.resolve("sluice.db"), new byte[4096]);
        String notADatabase = CommandRuns.err(1, "report", "kpis", "--config", config.toString(), "--tenant", "shop",
                "--from", "2026-11-01", "--to", "2026-11-30");
        assertThat(notADatabase, containsString("sluice: store: "));
        assertThat(notADatabase.contains("\tat "), is(false));
    }

    @Test
    void kpis_inACodeThatIsNoCurrency_isRefused() throws Exception {
        Path config = CommandRuns.config(dir.resolve("sluice.yaml"), dir.resolve("data"), "shop", "google_ads", "");
        // Three capitals but no ISO 4217 currency: until session 35 a report every amount of which was unconverted.
        String err = CommandRuns.err(2, "report", "kpis", "--config", config.toString(), "--tenant", "shop",
                "--from", "2026-11-01", "--to", "2026-11-30", "--currency", "ABC");
        assertThat(err, containsString("sluice report kpis: currency must be an ISO 4217 code such as EUR"));
    }

    @Test
    void kpis_onADayThatIsNoDate_saysSoWithoutTheJdksException() throws Exception {
        Path config = CommandRuns.config(dir.resolve("sluice.yaml"), dir.resolve("data"), "shop", "google_ads", "");
        String err = CommandRuns.err(2, "report", "kpis", "--config", config.toString(), "--tenant", "shop",
                "--from", "2026-13-01", "--to", "2026-11-30");
        assertThat(err, containsString("Invalid value for option '--from': '2026-13-01' is not a date such as 2026-11-01"));
        assertThat(err, org.hamcrest.Matchers.not(containsString("Exception")));
    }

    private static String run(String... args) {
        return CommandRuns.out(0, args);
    }
}
