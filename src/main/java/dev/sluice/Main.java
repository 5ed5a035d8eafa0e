package dev.sluice;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.observe.Logging;

/** Entry point: {@code java -jar target/sluice.jar [serve|apikey new|--help]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before anything touches java.util.logging: keeps the shutdown lines (Logging.ShutdownSafeManager).
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", Logging.ShutdownSafeManager.class.getName());
        }
        Logging.configure();
        int code = SluiceCommand.run(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
