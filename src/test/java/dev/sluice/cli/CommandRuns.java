package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Runs the command line in tests: its output, and a configuration to run it with. */
final class CommandRuns {
    private CommandRuns() {
    }

    /** Runs {@code args}, expects {@code exitCode}, returns what it printed on standard output. */
    static String out(int exitCode, String... args) {
        return captured(() -> System.out, System::setOut, exitCode, args);
    }

    /** Runs {@code args}, expects {@code exitCode}, returns what it printed on standard error. */
    static String err(int exitCode, String... args) {
        return captured(() -> System.err, System::setErr, exitCode, args);
    }

    private static String captured(Supplier<PrintStream> current, Consumer<PrintStream> set, int exitCode, String... args) {
        PrintStream previous = current.get();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        set.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(exitCode, SluiceCommand.run(args));
        } finally {
            set.accept(previous);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes a configuration with one tenant and one destination of {@code destinationType}, its
     * data under {@code dataDir} with a generated demo key, and {@code extra} YAML under
     * {@code sluice:} (indented two spaces, or empty).
     */
    static Path config(Path file, Path dataDir, String tenant, String destinationType, String extra) throws IOException {
        Files.writeString(file, """
                sluice:
                  data-dir: %s
                  crypto:
                    generate-demo-key: true
                %s  tenants:
                    - id: %s
                      api-key-hashes: ["sha256:%s"]
                      destinations:
                        - id: d
                          type: %s
                """.formatted(dataDir, extra, tenant, "ab".repeat(32), destinationType));
        return file;
    }
}
