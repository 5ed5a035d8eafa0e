package dev.sluice.cli;

import dev.sluice.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code sluice} command line; without a subcommand it serves. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Privacy-first server-side conversion API gateway.",
        subcommands = {ServeCommand.class, ApiKeyCommand.class, ReceiveCommand.class, AuditCommand.class, ReportCommand.class, TrainCommand.class})
public final class SluiceCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return new ServeCommand().call();
    }

    /** Runs the command line and returns the exit code (2 for configuration errors). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new SluiceCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("sluice: configuration error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
