package dev.sluice.cli;

import dev.sluice.Gateway;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import dev.sluice.store.StoreException;
import io.helidon.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sluice serve}: runs the gateway until SIGTERM/SIGINT, then drains and exits. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the gateway (the default command).")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "Configuration file (default: $SLUICE_CONFIG or conf/application.yaml).")
    Path config;

    @Override
    public Integer call() {
        Path file = SluiceCommand.configFile(config);
        Config root = ConfigLoader.load(file, Map.of());
        SluiceConfig sluice = SluiceConfig.load(root, Secrets.system());
        for (String key : dev.sluice.config.ConfigKeys.unknown(file)) {
            // A warning, not a refusal: a key this list missed must not stop a gateway.
            System.getLogger(ServeCommand.class.getName()).log(System.Logger.Level.WARNING,
                    "event=config_unknown_key key={0} file={1} (Sluice does not read it: misspelt, or in the wrong section?)",
                    key, file);
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(root, sluice, InstantSource.system());
        } catch (Gateway.StartupFailure | StoreException e) {
            // What stops a start outside the configuration (the port taken, the database in use
            // by another gateway, the data directory not writable): one line, no stack trace.
            // A store failure's cause is named by type (a migration's, say), never by its message.
            Throwable cause = e.getCause();
            System.err.println("sluice: cannot start: " + e.getMessage()
                    + (e instanceof StoreException && cause != null ? " [" + cause.getClass().getSimpleName() + "]" : ""));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "sluice-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
