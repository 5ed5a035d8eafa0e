package dev.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void badConfigurationExitsWithCode2AndNamesTheKey() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                sluice:
                  data-dir: %s
                  crypto:
                    generate-demo-key: true
                  tenants:
                    - id: t
                      api-key-hashes: ["sha256:%s"]
                      destinations:
                        - id: m
                          type: myspace
                """.formatted(dir.resolve("data"), "ab".repeat(32)));
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
