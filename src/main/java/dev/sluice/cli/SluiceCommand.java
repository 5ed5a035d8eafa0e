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
            if (e instanceof UsageException usage) {
                commandLine.getErr().println("sluice: " + usage.getMessage());
                return 2;
            }
            if (e instanceof dev.sluice.store.StoreException store) {
                // What the store said (its messages name a file, a URL without its password, or a
                // SQLite code); a stack trace until session 39 outside serve.
                commandLine.getErr().println("sluice: store: " + store.getMessage());
                return 1;
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
        if (!java.nio.file.Files.isRegularFile(file)) {
            // A pipe (<(cat export)) read once by a verification that reads its file three
            // times verified an intact export as FAILED (until session 39); a device never ends.
            throw new java.nio.file.FileSystemException(file.toString(), null,
                    "is not a regular file (a pipe or device cannot be read here; save it to a file first)");
        }
        return file;
    }

    /**
     * The configuration file a command reads: {@code --config}, else {@code $SLUICE_CONFIG}, else
     * {@code conf/application.yaml}. A {@code SLUICE_CONFIG} that names no file is refused naming
     * the variable (until session 39 it was named as {@code --config}, and an empty one as a
     * directory with no name).
     */
    static java.nio.file.Path configFile(java.nio.file.Path option) {
        return configFile(option, System.getenv("SLUICE_CONFIG"));
    }

    /** {@link #configFile(java.nio.file.Path)} with {@code SLUICE_CONFIG}'s value (null when unset). */
    static java.nio.file.Path configFile(java.nio.file.Path option, String variable) {
        if (option != null) {
            return option;
        }
        if (variable == null) {
            return java.nio.file.Path.of("conf/application.yaml");
        }
        if (variable.isBlank()) {
            throw new ConfigException("SLUICE_CONFIG", "is set but empty; unset it or name a configuration file");
        }
        java.nio.file.Path file = java.nio.file.Path.of(variable);
        java.util.Optional<String> unusable = dev.sluice.config.ConfigLoader.notAFile(file);
        if (unusable.isPresent()) {
            throw new ConfigException("SLUICE_CONFIG", "names " + file + ", which " + unusable.get());
        }
        return file;
    }

    /**
     * A value given on the command line (or a file it names) that the command cannot use: printed
     * as {@code sluice: <message>}, exit code 2, where it was a stack trace until session 39.
     * The message names the option or file, never a secret's value.
     */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * The text of {@code file}, named on the command line: a regular file (a pipe or a device
     * such as {@code /dev/zero} is refused), at most {@code maxBytes}, UTF-8. Each failure is a
     * {@link UsageException} naming the file, not a stack trace or an exhausted heap.
     */
    static String readText(java.nio.file.Path file, int maxBytes) throws java.io.IOException {
        existingFile(file);
        if (java.nio.file.Files.size(file) > maxBytes) {
            throw new UsageException(file + ": larger than " + maxBytes + " bytes; is it the right file?");
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UsageException(file + ": not UTF-8 text");
        }
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
