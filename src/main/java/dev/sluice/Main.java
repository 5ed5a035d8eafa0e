package dev.sluice;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.observe.Logging;

/** Entry point: {@code java -jar target/sluice.jar [serve|apikey new|--help]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure();
        int code = SluiceCommand.run(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
