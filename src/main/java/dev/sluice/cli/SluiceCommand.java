package dev.sluice.cli;

import dev.sluice.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code sluice} command line; without a subcommand it serves. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Privacy-first server-side conversion API gateway.",
        subcommands = {ServeCommand.class, ApiKeyCommand.class, ReceiveCommand.class, AuditCommand.class, ReportCommand.class,
                StoreCommand.class, TrainCommand.class})
public final class SluiceCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return new ServeCommand().call();
    }

    /**
     * Runs the command line and returns the exit code (2 for configuration errors).
     *
     * <p>Without arguments (how the README and the container start the gateway) it serves at once,
     * without building the command line: picocli reads every command's annotations reflectively,
     * and its classes, compiled for Java 5, cannot go into the JVM's ahead-of-time cache, so they
     * are loaded and verified from the jar at every start. What picocli would do for no arguments
     * is the same: {@link #call()}, with a configuration error reported the same way.
     */
    public static int run(String... args) {
        if (args.length == 0) {
            try {
                return new SluiceCommand().call();
            } catch (ConfigException e) {
                System.err.println(configurationError(e));
                return 2;
            } catch (RuntimeException e) {
                ConfigException named = ConfigException.fromHelidon(e).orElseThrow(() -> e);
                System.err.println(configurationError(named));
                return 2;
            }
        }
        CommandLine cli = new CommandLine(new SluiceCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println(configurationError(e));
                return 2;
            }
            // Helidon's config failing on a value of the wrong shape or type, wherever it was read
            // (a stack trace until session 38): the same one line, naming the key.
            java.util.Optional<ConfigException> helidon = ConfigException.fromHelidon(e);
            if (helidon.isPresent()) {
                commandLine.getErr().println(configurationError(helidon.get()));
                return 2;
            }
            if (e instanceof java.nio.file.FileSystemException missing) {
                // A file named on the command line that is not there or cannot be read: say which.
                commandLine.getErr().println("sluice: " + missing.getFile() + ": " + fileProblem(missing));
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /**
     * {@code file}, named on the command line, when it is a file that exists; else a
     * {@link java.nio.file.FileSystemException} naming it, which {@link #run} prints as
     * {@code sluice: <file>: <problem>} (a directory was read as a file and ended in a stack trace
     * until session 36).
     */
    static java.nio.file.Path existingFile(java.nio.file.Path file) throws java.nio.file.FileSystemException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "is a directory, not a file");
        }
        if (!java.nio.file.Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        return file;
    }

    private static String fileProblem(java.nio.file.FileSystemException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getReason() != null ? e.getReason() : "cannot be read";
    }

    private static String configurationError(Exception e) {
        return "sluice: configuration error: " + e.getMessage();
    }
}
