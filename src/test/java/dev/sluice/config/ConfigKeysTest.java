package dev.sluice.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key Sluice does not read is reported, and none of the keys it documents or ships is. */
class ConfigKeysTest {

    @TempDir
    Path dir;

    @Test
    void misspeltOrMisplacedKeysAreReported_inKeyOrder() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                server:
                  port: 8080
                  anything-helidon-takes: 1
                sluice:
                  ingest:
                    dedup-windw: 30d
                    max-events: 500
                    retention:
                      events: 30d
                  tenants:
                    - id: shop
                      api-key-hash: "sha256:00"
                      destinations:
                        - id: hook
                          type: webhook
                          settings:
                            url: http://127.0.0.1:9099/
                """);
        assertEquals(List.of("sluice.ingest.dedup-windw", "sluice.ingest.retention.events", "sluice.tenants.0.api-key-hash"),
                ConfigKeys.unknown(file));
    }

    @Test
    void theConfigurationFilesTheProjectShipsSetOnlyKeysSluiceReads() throws Exception {
        for (String shipped : List.of("conf/application.yaml", "k8s/base/application.yaml", "src/load/ingest-load.yaml",
                "src/load/delivery-load.yaml", "src/load/delivery-load-two.yaml", "src/test/resources/test-application.yaml")) {
            assertEquals(List.of(), ConfigKeys.unknown(Path.of(shipped)), shipped);
        }
    }

    @Test
    void everyKeyTheReadmesConfigurationTableNamesIsOneSluiceReads() throws Exception {
        // Rows such as | `sluice.store.postgres.url` / `user` / `password` | ... and
        // | `sluice.tenants[].api-key-hashes[]` | ...: the first cell's keys, siblings completed.
        Pattern row = Pattern.compile("^\\| (`sluice\\.[^|]+)\\|");
        Pattern key = Pattern.compile("`([^`]+)`");
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher r = row.matcher(line);
            if (!r.find()) {
                continue;
            }
            Matcher k = key.matcher(r.group(1));
            String first = null;
            while (k.find()) {
                String name = k.group(1);
                first = first == null ? name : first;
                String full = name.startsWith("sluice.") ? name : first.substring(0, first.lastIndexOf('.') + 1) + name;
                keys.add(full.replace("[]", ".0").replaceAll("<[^>]+>", "x"));
            }
        }
        assertTrue(keys.size() > 30, keys.toString());
        for (String k : keys) {
            // A list or a destination is documented by its own name: its first entry's key is what is read.
            assertTrue(ConfigKeys.known(k) || ConfigKeys.known(k + ".0") || ConfigKeys.known(k + ".id"), k);
        }
    }
}
