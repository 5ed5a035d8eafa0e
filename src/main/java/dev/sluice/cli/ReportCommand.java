package dev.sluice.cli;

import dev.sluice.Gateway;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import dev.sluice.ledger.GroupBy;
import dev.sluice.ledger.KpiFormat;
import dev.sluice.ledger.KpiQuery;
import dev.sluice.ledger.KpiReport;
import dev.sluice.ledger.Ledger;
import dev.sluice.store.Store;
import dev.sluice.store.Stores;
import io.helidon.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sluice report kpis}: the KPI report of {@code GET /v1/reports/kpis}, read from the store directly. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Ledger reports.",
        subcommands = ReportCommand.Kpis.class)
public final class ReportCommand {

    /** Prints one tenant's KPI table (or CSV, or JSON) for a range of days. */
    @Command(name = "kpis", mixinStandardHelpOptions = true,
            description = "Print ROAS, CPA, CPL, CPC, CTR, CVR, CLV and AOV per platform, campaign or day.")
    static final class Kpis implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, description = "Configuration file (default: $SLUICE_CONFIG or conf/application.yaml).")
        Path config;

        @Option(names = "--tenant", required = true, description = "Tenant id.")
        String tenant;

        @Option(names = "--from", required = true, converter = Day.class, description = "First day, e.g. 2026-11-01.")
        LocalDate from;

        @Option(names = "--to", required = true, converter = Day.class, description = "Last day, inclusive.")
        LocalDate to;

        @Option(names = "--group-by", defaultValue = "platform", description = "platform, campaign or day (default: ${DEFAULT-VALUE}).")
        String groupBy;

        @Option(names = "--currency", description = "Reporting currency (default: the tenant's, from sluice.ledger).")
        String currency;

        @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            GroupBy by = GroupBy.parse(groupBy).orElse(null);
            if (by == null || !(format.equals("table") || format.equals("csv") || format.equals("json"))) {
                err.println("sluice report kpis: --group-by must be platform, campaign or day; --format table, csv or json");
                return 2;
            }
            Path file = SluiceCommand.configFile(config);
            Config root = ConfigLoader.load(file, Map.of());
            SluiceConfig sluice = SluiceConfig.load(root, Secrets.system());
            if (!sluice.tenants().containsKey(tenant)) {
                err.println("sluice report kpis: no tenant '" + tenant + "' in " + file);
                return 2;
            }
            KpiQuery query;
            try {
                query = new KpiQuery(tenant, from, to, by, currency != null ? currency : sluice.ledger().currencyOf(tenant));
            } catch (IllegalArgumentException e) {
                err.println("sluice report kpis: " + e.getMessage());
                return 2;
            }
            // A report only reads: without a database (data-dir is relative, so a report run from
            // another directory looks elsewhere) it created an empty one and reported zeros, exit 0,
            // until session 39; openExisting refuses it (StoreException: one line, exit 1).
            try (Store store = Stores.openExisting(Gateway.storeConfig(sluice.store()))) {
                KpiReport report;
                try {
                    report = Ledger.create(store, sluice.ledger()).report(query);
                } catch (Ledger.ReportTooLarge | Ledger.OutOfRange e) {
                    err.println("sluice report kpis: " + e.getMessage());
                    return 2;
                }
                out.print(switch (format) {
                    case "csv" -> new String(KpiFormat.csv(report), StandardCharsets.UTF_8);
                    case "json" -> new String(KpiFormat.json(report), StandardCharsets.UTF_8) + System.lineSeparator();
                    default -> KpiFormat.table(report);
                });
                out.flush();
            }
            return 0;
        }
    }

    /**
     * A day as {@code 2026-11-01}; anything else is said as such, not with the JDK's exception
     * (its class and text were in picocli's message until session 38).
     */
    static final class Day implements picocli.CommandLine.ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String text) {
            try {
                return LocalDate.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + text + "' is not a date such as 2026-11-01");
            }
        }
    }
}
