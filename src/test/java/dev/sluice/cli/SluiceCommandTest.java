package dev.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.sluice.config.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SluiceCommandTest {

    @TempDir
    Path dir;

    @Test
    void apikeyNewPrintsAKeyAndTheMatchingHashLine() {
        String out = capture(() -> assertEquals(0, SluiceCommand.run("apikey", "new", "--tenant", "shop")));
        Matcher key = Pattern.compile("\\n  (slk_[A-Za-z0-9_-]{43})\\n").matcher(out);
        assertTrue(key.find(), out);
        assertTrue(out.contains("tenant 'shop'"));
        assertTrue(out.contains("- \"" + ApiKeyCommand.hashLine(key.group(1)) + "\""), out);
    }

    /** The printed hash line is indented as the shipped file's entries, so it can be pasted beside them as printed. */
    @Test
    void apikeyNewPrintsTheHashLineIndentedAsTheShippedFilesEntries() throws Exception {
        String out = capture(() -> assertEquals(0, SluiceCommand.run("apikey", "new")));
        String printed = out.lines().filter(l -> l.contains("\"sha256:")).findFirst().orElseThrow();
        String shipped = Files.readString(Path.of("conf/application.yaml")).lines()
                .filter(l -> l.strip().startsWith("- \"sha256:")).findFirst().orElseThrow();
        assertEquals(shipped.indexOf('-'), printed.indexOf('-'), printed);
    }

    @Test
    void badConfigurationExitsWithCode2AndNamesTheKey() throws Exception {
        Path config = badConfig();
        PrintStream previous = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, SluiceCommand.run("serve", "--config", config.toString()));
        } finally {
            System.setErr(previous);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("sluice.tenants.0.destinations.0.type"), err.toString());
        assertEquals(2, SluiceCommand.run("serve", "--config", dir.resolve("missing.yaml").toString()));
    }

    /**
     * A configuration file that cannot be read as YAML, or is not a file, is exit code 2 with a
     * message naming the file and where the parser stopped, not a stack trace (until session 34);
     * none of the file's text is quoted, since it may hold secrets.
     */
    @Test
    void aFileThatIsNotYamlExitsWithCode2AndSaysWhere() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "sluice:\n  ingest: [s3cr3t-value\n");
        Path plain = Files.writeString(dir.resolve("settings.conf"), "just a sentence\n");
        String brokenErr = serveErr(broken);
        assertTrue(brokenErr.contains("sluice: configuration error: --config: configuration file " + broken
                + " is not a YAML mapping (line "), brokenErr);
        assertTrue(!brokenErr.contains("s3cr3t") && !brokenErr.contains("\tat "), brokenErr);
        assertTrue(serveErr(plain).contains(plain + " is not a YAML mapping"), serveErr(plain));
        assertTrue(serveErr(dir).contains(dir + " is a directory"), serveErr(dir));

        // YAML whatever the name: a ConfigMap key mounted as a file often has no extension.
        Path mounted = Files.copy(Path.of("conf/application.yaml"), dir.resolve("config"));
        assertEquals("EUR", dev.sluice.config.ConfigLoader.load(mounted, java.util.Map.of())
                .get("sluice.ledger.reporting-currency").asString().get());
    }

    private static String serveErr(Path file) {
        return CommandRuns.err(2, "serve", "--config", file.toString());
    }

    /**
     * A value of the wrong shape or type, wherever the configuration is read (Sluice's own
     * settings, a destination's, Helidon's server settings as the web server is built), is exit
     * code 2 naming the key, never a stack trace (until session 38: three of them, found by
     * starting on randomly altered copies of conf/application.yaml), and never the value. A
     * switch takes true or false (or yes/no, on/off, 1/0): Helidon read any other word as false.
     */
    @Test
    void valuesOfTheWrongShapeOrTypeExitWithCode2AndNameTheKey() throws Exception {
        String tenant = """
                  tenants:
                    - id: t
                      api-key-hashes: ["sha256:%s"]
                      admin-key-hashes: %s
                      destinations:
                        - id: d
                          type: webhook
                          settings: %s
                """;
        String hooks = "{url: \"http://127.0.0.1:9/\", secret: \"file:" + dir.resolve("hook.secret") + "\"}";
        Files.writeString(dir.resolve("hook.secret"), "0123456789abcdef0123456789abcdef");
        java.util.function.BiFunction<String, String[], String> start = (name, parts) -> {
            try {
                Path file = Files.writeString(dir.resolve(name + ".yaml"), """
                        server: {port: 0, host: 127.0.0.1%s}
                        sluice:
                          data-dir: %s
                          crypto: {generate-demo-key: %s}
                          delivery: {enabled: %s}
                        %s""".formatted(parts[0], dir.resolve("data-" + name), parts[1], parts[2], parts.length > 5 ? parts[5] : "")
                        + tenant.formatted("ab".repeat(32), parts[3], parts[4]));
                // A value taken by mistake would start the gateway and serve until stopped.
                return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                        () -> serveErr(file).strip(), name + ": the gateway started");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        String[] good = {"", "true", "false", "[]", hooks};
        assertEquals("sluice: configuration error: sluice.tenants.0.admin-key-hashes: must be a list or a map, not a single value",
                start.apply("admins", new String[] {good[0], good[1], good[2], "s3cr3t-value", good[4]}));
        assertEquals("sluice: configuration error: sluice.tenants.0.destinations.0.settings: must be a list or a map, not a single value",
                start.apply("settings", new String[] {good[0], good[1], good[2], good[3], "s3cr3t-value"}));
        assertEquals("sluice: configuration error: server.protocols.http_1_1.max-prologue-length: must be a whole number",
                start.apply("server", new String[] {", protocols: {http_1_1: {max-prologue-length: s3cr3t-value}}", good[1], good[2], good[3], good[4]}));
        // Listener limits Helidon took although the server they made refused every request, or
        // never accepted a connection (until session 39).
        assertEquals("sluice: configuration error: server.max-tcp-connections: must be -1 (no limit) or at least 1:"
                        + " with 0 no connection is ever accepted",
                start.apply("connections", new String[] {", max-tcp-connections: 0", good[1], good[2], good[3], good[4]}));
        // What SERVER_PROTOCOLS_HTTP_1_1_MAX_dash_HEADERS_dash_SIZE=32768 makes: Helidon's stack trace until session 39.
        String protocol = start.apply("protocol", new String[] {", protocols: {http: {1: {1: {max-headers-size: 32768}}}}",
                good[1], good[2], good[3], good[4]});
        assertTrue(protocol.startsWith("sluice: configuration error: server.protocols.http: is not a protocol of this server"
                + " (it has http_1_1); an environment variable cannot set http_1_1's settings"), protocol);
        assertTrue(protocol.contains("-Dserver.protocols.http_1_1.max-headers-size=32768"), protocol);
        assertEquals("sluice: configuration error: sluice.delivery.enabled: must be true or false",
                start.apply("delivery", new String[] {good[0], good[1], "s3cr3t-value", good[3], good[4]}));
        assertEquals("sluice: configuration error: sluice.crypto.generate-demo-key: must be true or false",
                start.apply("crypto", new String[] {good[0], "s3cr3t-value", good[2], good[3], good[4]}));
        // A list or map where a single value belongs read as "not set": the default, silently.
        assertEquals("sluice: configuration error: sluice.ingest.max-future-skew: must be a single value, not a list or a map",
                start.apply("skew", new String[] {good[0], good[1], good[2], good[3], good[4], "  ingest: {max-future-skew: {a: 1}}\n"}));
        assertEquals("sluice: configuration error: sluice.store.kind: must be a single value, not a list or a map",
                start.apply("kind", new String[] {good[0], good[1], good[2], good[3], good[4], "  store: {kind: [postgres]}\n"}));
        // A section written as a single value read as a section with every default in force.
        assertEquals("sluice: configuration error: sluice.store: must be a section of settings, not a single value",
                start.apply("section", new String[] {good[0], good[1], good[2], good[3], good[4], "  store: postgres\n"}));
    }

    /** What stops a start outside the configuration is one line on stderr and exit code 1, not a stack trace (until session 34). */
    @Test
    void aDataDirectoryThatCannotBeCreatedExitsWithCode1AndSaysWhy() throws Exception {
        Path inTheWay = Files.writeString(dir.resolve("data"), "a file, not a directory");
        Path config = CommandRuns.config(dir.resolve("sluice.yaml"), inTheWay, "shop", "webhook", "");
        assertEquals("sluice: cannot start: cannot create the data directory " + inTheWay
                        + " (sluice.data-dir): a file of that name is in the way",
                CommandRuns.err(1, "serve", "--config", config.toString()).strip());
    }

    /** A file named on the command line that is not there: exit code 2 naming it, not a stack trace (until session 34). */
    @Test
    void aMissingFileOnTheCommandLineExitsWithCode2AndNamesIt() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertEquals("sluice: " + missing + ": no such file",
                CommandRuns.err(2, "audit", "verify", "--public-key", missing.toString(), dir.resolve("export.jsonl").toString()).strip());

        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path key = Files.writeString(dir.resolve("audit.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Path export = dir.resolve("export.jsonl");
        assertEquals("sluice: " + export + ": no such file",
                CommandRuns.err(2, "audit", "verify", "--public-key", key.toString(), export.toString()).strip());
    }

    /**
     * What {@code receive} cannot use is one line and exit code 2 (a stack trace until session
     * 39), and an empty secret file is refused: it verified nothing, and every delivery's
     * connection was dropped. A port in use is exit code 1.
     */
    @Test
    void receiveRefusesWhatItCannotUse_inOneLine() {
        // A value taken by mistake would start the receiver, which serves until stopped.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), this::receiveRefusals);
    }

    private void receiveRefusals() throws Exception {
        assertEquals("sluice: --secret-env: environment variable SLUICE_TEST_UNSET_VARIABLE is not set",
                CommandRuns.err(2, "receive", "--secret-env", "SLUICE_TEST_UNSET_VARIABLE").strip());
        Path empty = Files.writeString(dir.resolve("empty.secret"), " \n");
        assertEquals("sluice: " + empty + ": the secret file is empty",
                CommandRuns.err(2, "receive", "--secret-file", empty.toString(), "--port", "0").strip());
        Path binary = Files.write(dir.resolve("binary.secret"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3});
        assertEquals("sluice: " + binary + ": not UTF-8 text",
                CommandRuns.err(2, "receive", "--secret-file", binary.toString(), "--port", "0").strip());
        assertTrue(CommandRuns.err(2, "receive", "--secret-file", "/dev/null", "--port", "0").strip()
                .startsWith("sluice: /dev/null: is not a regular file"));
        Path secret = Files.writeString(dir.resolve("ok.secret"), "0123456789abcdef0123456789abcdef");
        for (String port : new String[] {"-1", "65536"}) {
            assertEquals("sluice: --port: must be from 0 to 65535",
                    CommandRuns.err(2, "receive", "--secret-file", secret.toString(), "--port", port).strip());
        }
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals("sluice: cannot listen on 127.0.0.1 port " + taken.getLocalPort() + " (address in use?)",
                    CommandRuns.err(1, "receive", "--secret-file", secret.toString(), "--port",
                            Integer.toString(taken.getLocalPort())).strip());
        }
    }

    /**
     * {@code audit verify} tells a file it cannot read as an export (exit code 2) from a tampered
     * export (exit code 1): a pipe, read three times, verified an intact export as FAILED; a
     * binary file was a stack trace; a line without end ran the heap out (until session 39).
     */
    @Test
    void auditVerifyRefusesWhatIsNoExportFile_withExitCode2() throws Exception {
        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path key = Files.writeString(dir.resolve("audit.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Path binary = Files.write(dir.resolve("binary.jsonl"), new byte[] {(byte) 0xff, (byte) 0xfe, '\n', (byte) 0xc3});
        assertEquals("sluice: " + binary + ": not UTF-8 text, not a Sluice audit export",
                CommandRuns.err(2, "audit", "verify", "--public-key", key.toString(), binary.toString()).strip());
        assertEquals("sluice: " + binary + ": not UTF-8 text",
                CommandRuns.err(2, "audit", "verify", "--public-key", binary.toString(), binary.toString()).strip());
        Path endless = Files.writeString(dir.resolve("endless.jsonl"), "x".repeat(dev.sluice.audit.ExportVerifier.MAX_LINE_CHARS + 1));
        assertEquals("sluice: " + endless + ": a line is longer than " + dev.sluice.audit.ExportVerifier.MAX_LINE_CHARS
                        + " characters: not a Sluice audit export",
                CommandRuns.err(2, "audit", "verify", "--public-key", key.toString(), endless.toString()).strip());
        assertTrue(CommandRuns.err(2, "audit", "verify", "--public-key", key.toString(), "/dev/null").strip()
                .startsWith("sluice: /dev/null: is not a regular file"));
    }

    /** A SLUICE_CONFIG that names no file is named as the variable, not as --config (until session 39). */
    @Test
    void aConfigurationFileFromSluiceConfigIsNamedByTheVariable() throws Exception {
        Path file = Files.writeString(dir.resolve("sluice.yaml"), "sluice: {}\n");
        assertEquals(file, SluiceCommand.configFile(null, file.toString()));
        assertEquals(dir.resolve("other.yaml"), SluiceCommand.configFile(dir.resolve("other.yaml"), file.toString()));
        assertEquals(Path.of("conf/application.yaml"), SluiceCommand.configFile(null, null));
        ConfigException missing = assertThrows(ConfigException.class, () -> SluiceCommand.configFile(null, dir.resolve("no.yaml").toString()));
        assertEquals("SLUICE_CONFIG: names " + dir.resolve("no.yaml") + ", which does not exist", missing.getMessage());
        assertEquals("SLUICE_CONFIG: is set but empty; unset it or name a configuration file",
                assertThrows(ConfigException.class, () -> SluiceCommand.configFile(null, " ")).getMessage());
        assertEquals("SLUICE_CONFIG: names " + dir + ", which is a directory",
                assertThrows(ConfigException.class, () -> SluiceCommand.configFile(null, dir.toString())).getMessage());
        assertEquals("sluice: configuration error: --config: configuration file /dev/null is not a regular file",
                CommandRuns.err(2, "serve", "--config", "/dev/null").strip());
    }

    /** A directory named where a file goes: exit code 2 naming it, not a stack trace (until session 36). */
    @Test
    void aDirectoryWhereAFileGoesExitsWithCode2AndNamesIt() throws Exception {
        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path key = Files.writeString(dir.resolve("audit.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        assertEquals("sluice: " + dir + ": is a directory, not a file",
                CommandRuns.err(2, "audit", "verify", "--public-key", key.toString(), dir.toString()).strip());
        assertEquals("sluice: " + dir + ": is a directory, not a file",
                CommandRuns.err(2, "audit", "verify", "--public-key", dir.toString(), key.toString()).strip());
        assertEquals("sluice: " + dir + ": is a directory, not a file",
                CommandRuns.err(2, "receive", "--secret-file", dir.toString(), "--port", "0").strip());
    }

    /**
     * No arguments (the README's and the container's start) serve without building picocli's
     * command line, whose classes cannot go into the AOT cache; a configuration error is still
     * exit code 2 with the same message. In a child JVM, because serving reads the environment.
     */
    @Test
    void withoutArguments_itServesWithoutPicocli_andReportsABadConfigurationTheSameWay() throws Exception {
        Path out = dir.resolve("out.txt");
        String errors = serveWithoutArguments(badConfig(), out);
        assertTrue(errors.contains("sluice: configuration error:") && errors.contains("sluice.tenants.0.destinations.0.type"),
                errors);
        assertTrue(Files.readString(out).contains(" dev.sluice.cli.ServeCommand "), "the class log is read");
        assertTrue(!Files.readString(out).contains(" picocli."), "no picocli class was loaded");
        // A value Helidon's config cannot read as what it is asked for: the same one line.
        Path shape = Files.writeString(dir.resolve("shape.yaml"), Files.readString(badConfig())
                .replace("type: myspace", "type: webhook")
                .replace("      destinations:", "      admin-key-hashes: s3cr3t-value\n      destinations:"));
        String shapeErrors = serveWithoutArguments(shape, out);
        assertTrue(shapeErrors.strip().endsWith("sluice: configuration error: sluice.tenants.0.admin-key-hashes: must be a list or a map, not a single value"),
                shapeErrors);
        assertFalse(shapeErrors.contains("s3cr3t-value") || shapeErrors.contains("\tat "), shapeErrors);
    }

    /** Runs {@code dev.sluice.Main} without arguments on {@code config} in a child JVM; asserts exit code 2 and returns its stderr. */
    private String serveWithoutArguments(Path config, Path out) throws Exception {
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"), "dev.sluice.Main")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("SLUICE_CONFIG", config.toString());
        Process child = builder.start();
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the child exits");
        String errors = Files.readString(err);
        assertEquals(2, child.exitValue(), errors);
        return errors;
    }

    private Path badConfig() throws Exception {
        return CommandRuns.config(dir.resolve("bad.yaml"), dir.resolve("data"), "t", "myspace", "");
    }

    private static String capture(Runnable action) {
        PrintStream previous = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(previous);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
