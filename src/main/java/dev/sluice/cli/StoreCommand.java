package dev.sluice.cli;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreException;
import dev.sluice.store.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sluice store}: maintenance of the embedded SQLite store, run with the gateway stopped. */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Embedded store maintenance.",
        subcommands = {StoreCommand.PageSize.class})
public final class StoreCommand {

    /**
     * Rewrites the configured SQLite database with 8 KiB pages (or {@code --size}): new databases
     * get them, one created by an earlier version keeps 4 KiB pages until converted.
     */
    @Command(name = "page-size", mixinStandardHelpOptions = true,
            description = "Rewrite the SQLite database with larger pages (new databases get 8 KiB pages; one created by"
                    + " an earlier version has 4 KiB). Stop the gateway first; needs as much free disk as the file.")
    static final class PageSize implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Configuration file (default: $SLUICE_CONFIG or conf/application.yaml).")
        Path config;

        @Option(names = "--size", defaultValue = "8192", description = "Page size in bytes (default: ${DEFAULT-VALUE}).")
        int size;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path file = SluiceCommand.configFile(config);
            SluiceConfig sluice = SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.system());
            if (!StoreConfig.SQLITE.equals(sluice.store().kind())) {
                err.println("sluice store page-size: the store is " + sluice.store().kind()
                        + "; page sizes apply to the embedded SQLite store only");
                return 2;
            }
            Path database = sluice.store().sqliteFile();
            Stores.PageSizes sizes;
            try {
                sizes = Stores.convertSqlitePageSize(database, size);
            } catch (IllegalArgumentException e) {
                err.println("sluice store page-size: --size: " + e.getMessage());
                return 2;
            } catch (StoreException e) {
                err.println("sluice store page-size: " + e.getMessage());
                return 1;
            }
            if (sizes.before() == sizes.after()) {
                out.println(database + " already has " + sizes.after() + "-byte pages; nothing changed");
            } else {
                out.println(database + ": pages of " + sizes.before() + " bytes rewritten as " + sizes.after());
            }
            out.flush();
            return 0;
        }
    }
}
