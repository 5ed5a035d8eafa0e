package dev.sluice.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SluiceConfigTest {
    private static final String HASH = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;

    /** The ingest benchmark is specified with two destinations; its configuration must keep loading. */
    @Test
    void ingestLoadConfigurationHasTwoDestinationsOnDifferentProfiles() {
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(Path.of("src/load/ingest-load.yaml"), Map.of()),
                Secrets.of(Map.of("BENCH_META_TOKEN", "t", "BENCH_WEBHOOK_SECRET", "s".repeat(32)), dir));
        assertTrue(config.loopbackOnly());
        TenantConfig demo = config.tenants().get("demo");
        assertEquals(List.of("meta", "webhook"), demo.destinations().stream().map(d -> d.type()).toList());
        assertEquals("google", demo.destinations().get(1).settings().get("hashing-profile"));
    }

    /**
     * A section whose settings are all commented out is empty, not refused: only a section
     * written as a value ({@code store: postgres}) is (SluiceCommandTest).
     */
    @Test
    void sectionsWithEverySettingCommentedOutKeepTheirDefaults() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("empty-sections.yaml"), """
                sluice:
                  data-dir: %s
                  crypto:
                    generate-demo-key: true
                  ledger:
                    # time-zone: Europe/Berlin
                  store:
                  tenants:
                    - id: t
                      api-key-hashes: ["sha256:%s"]
                      destinations:
                        - id: d
                          type: webhook
                """.formatted(dir.resolve("data"), "ab".repeat(32)));
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir));
        assertEquals("sqlite", config.store().kind());
        assertEquals(java.time.ZoneOffset.UTC.normalized(), config.ledger().zone().normalized());
        ConfigException section = assertThrows(ConfigException.class, () -> SluiceConfig.load(ConfigLoader.load(
                java.nio.file.Files.writeString(dir.resolve("value-section.yaml"), java.nio.file.Files.readString(file)
                        .replace("  store:\n", "  store: postgres\n")), Map.of()), Secrets.of(Map.of(), dir)));
        assertEquals("sluice.store", section.key());
    }

    /**
     * A secret reference is one value: written as a map it read as "not set" until session 40, so
     * a tenant's signing secret was off and the audit signing key was generated, without an error.
     */
    @Test
    void secretsWrittenAsAMap_areRefusedNamingTheKey() throws Exception {
        String base = """
                sluice:
                  data-dir: %s
                  crypto:
                    generate-demo-key: true
                  audit: {}
                  store:
                    postgres: {}
                  tenants:
                    - id: t
                      api-key-hashes: ["sha256:%s"]
                      destinations:
                        - id: d
                          type: webhook
                """.formatted(dir.resolve("data"), "ab".repeat(32));
        Map<String, String> cases = Map.of(
                "sluice.tenants.0.signing-secret", base + "      signing-secret: {file: /run/secrets/signing}\n",
                "sluice.audit.signing-key", base.replace("  audit: {}", "  audit: {signing-key: {file: /run/k}}"),
                "sluice.store.postgres.password", base.replace("    postgres: {}", "    postgres: {password: [x]}"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = java.nio.file.Files.writeString(dir.resolve("map-secret.yaml"), c.getValue());
            ConfigException refused = assertThrows(ConfigException.class,
                    () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)), c.getKey());
            assertEquals(c.getKey(), refused.key());
            assertTrue(refused.getMessage().contains("must be a single value"), refused.getMessage());
        }
    }

    /**
     * A switch takes true/false, yes/no, on/off or 1/0 in any case (an environment variable is
     * not read as YAML); a typo is refused (SluiceCommandTest), absent is the default.
     */
    @Test
    void switchesTakeTheUsualWordsForOnAndOff() {
        Map<String, Boolean> words = Map.of("TRUE", true, " False ", false, "On", true, "off", false, "1", true, "0", false,
                "yes", true, "No", false);
        words.forEach((word, expected) -> assertEquals(expected, SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"),
                Map.of("sluice.delivery.enabled", word)), Secrets.of(Map.of(), dir)).deliver(), word));
        assertTrue(SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), Map.of()), Secrets.of(Map.of(), dir))
                .deliver(), "absent: delivery runs");
        ConfigException typo = assertThrows(ConfigException.class, () -> SluiceConfig.load(ConfigLoader.load(
                Path.of("conf/application.yaml"), Map.of("sluice.delivery.enabled", "ture")), Secrets.of(Map.of(), dir)));
        assertEquals("sluice.delivery.enabled", typo.key());
    }

    @Test
    void shippedConfigurationLoadsWithTheDemoTenantOnLoopback() {
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), Map.of()),
                Secrets.of(Map.of(), dir));
        assertTrue(config.loopbackOnly());
        assertTrue(config.generateDemoKey());
        TenantConfig demo = config.tenants().get("demo");
        assertTrue(demo.demo());
        assertEquals("US", demo.defaultRegion());
        // Out of the box the demo delivers to a local signed webhook (`sluice receive`).
        assertEquals(List.of("webhook"), demo.destinations().stream().map(d -> d.type()).toList());
        assertEquals(Duration.ofDays(7), config.ingest().dedupWindow());
        assertEquals("sqlite", config.store().kind());
    }

    @Test
    void demoTenantIsRefusedOffLoopback() {
        ConfigException e = assertThrows(ConfigException.class, () -> SluiceConfig.load(
                ConfigLoader.load(Path.of("conf/application.yaml"), Map.of("server.host", "0.0.0.0")),
                Secrets.of(Map.of(), dir)));
        assertEquals("sluice.tenants.demo.demo", e.key());
    }

    /**
     * The admin listener is a listener too: README's example puts it on 0.0.0.0, and with the demo
     * tenant the public admin key {@code slk_demo_admin_local_only} then opened its admin, audit
     * and privacy endpoints from the network while server.host stayed loopback.
     */
    @Test
    void demoTenantIsRefusedWhenAnyListenerIsOffLoopback() throws Exception {
        String shipped = Files.readString(Path.of("conf/application.yaml"));
        Path file = Files.writeString(dir.resolve("admin-listener.yaml"), shipped.replaceFirst("\nserver:\n",
                "\nserver:\n  sockets:\n    - name: admin\n      host: 0.0.0.0\n      port: 8081\n"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)));
        assertEquals("sluice.tenants.demo.demo", e.key());
        Path loopback = Files.writeString(dir.resolve("admin-loopback.yaml"), shipped.replaceFirst("\nserver:\n",
                "\nserver:\n  sockets:\n    - name: admin\n      port: 8081\n"));
        assertTrue(SluiceConfig.load(ConfigLoader.load(loopback, Map.of()), Secrets.of(Map.of(), dir)).tenants().get("demo").demo());
    }

    /**
     * A listener's {@code host} written as a list ({@code host: [127.0.0.1]}) read as "not set"
     * here, so the demo tenant counted as on loopback, while Helidon, finding no single value,
     * bound the listener to every interface: the public demo keys were open to the network.
     */
    @Test
    void aListenerHostWrittenAsAListOrMap_isRefusedNamingIt() throws Exception {
        String shipped = Files.readString(Path.of("conf/application.yaml"));
        assertSingleValue("server.host", shipped.replace("  host: 127.0.0.1\n", "  host: [127.0.0.1]\n"));
        assertSingleValue("server.sockets.0.host", shipped.replaceFirst("\nserver:\n",
                "\nserver:\n  sockets:\n    - name: admin\n      host: {a: 127.0.0.1}\n      port: 8081\n"));
    }

    /**
     * Sluice routes one named listener, {@code admin}; a listener named otherwise ({@code admn})
     * started and answered 404 to everything, the admin endpoints left on the main listener.
     */
    @Test
    void aListenerNamedOtherThanAdmin_isRefusedNamingIt() throws Exception {
        String shipped = Files.readString(Path.of("conf/application.yaml"));
        Path file = Files.writeString(dir.resolve("admn.yaml"), shipped.replaceFirst("\nserver:\n",
                "\nserver:\n  sockets:\n    - name: admn\n      port: 8081\n"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)));
        assertEquals("server.sockets.0.name", e.key(), e.getMessage());
    }

    /**
     * Single values read with a default: written as a list or map they read as "not set" and the
     * default was used without a word (the shipped consent policy, UTC, an empty database URL),
     * where README promises a refusal naming the key.
     */
    @Test
    void otherSingleValuesWrittenAsAListOrMap_areRefusedNamingThem() throws Exception {
        String shipped = Files.readString(Path.of("conf/application.yaml"));
        assertSingleValue("sluice.consent.policy-file",
                shipped.replace("\n  delivery:\n", "\n  consent:\n    policy-file: [a.yaml]\n  delivery:\n"));
        assertSingleValue("sluice.ledger.time-zone", shipped.replace("time-zone: UTC", "time-zone: [Europe/Berlin]"));
        assertSingleValue("sluice.store.postgres.url",
                shipped.replace("url: jdbc:postgresql://127.0.0.1:5432/sluice", "url: {a: b}"));
        assertSingleValue("sluice.store.postgres.user", shipped.replace("user: sluice", "user: [sluice]"));
        assertSingleValue("sluice.crypto.active-key",
                shipped.replace("    generate-demo-key: true\n", "    generate-demo-key: true\n    active-key: [k1]\n"));
    }

    /**
     * An event-name list written as one value ({@code purchase-events: Purchase, Lead}) was split
     * at the commas into {@code "Purchase"} and {@code " Lead"}, which no event is named, so leads
     * were not booked, with only a warning that the key was unknown.
     */
    @Test
    void anEventNameListWrittenAsOneValue_isRefusedNamingIt() throws Exception {
        String shipped = Files.readString(Path.of("conf/application.yaml"));
        Path file = Files.writeString(dir.resolve("names.yaml"),
                shipped.replace("purchase-events: [Purchase]", "purchase-events: Purchase, Lead"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)));
        assertEquals("sluice.ledger.purchase-events", e.key());
        assertTrue(e.getMessage().contains("must be a list"), e.getMessage());
    }

    /**
     * Whole numbers read into an int: beyond its range they were cut down, so a
     * {@code rate-limit-per-second} of 3000000000 ended the start in an IllegalArgumentException's
     * stack trace naming no key, and 4294967297 became a limit of 1 request a second.
     */
    @Test
    void requestRatesAndPoolSizesBeyondAnInt_areRefusedNamingTheirKey() {
        for (String big : List.of("3000000000", "4294967297")) {
            assertKey("sluice.tenants.0.rate-limit-per-second", Map.of("sluice.tenants.0.rate-limit-per-second", big));
            assertKey("sluice.store.postgres.pool-size", Map.of("sluice.store.postgres.pool-size", big));
        }
        assertEquals(2147483647, load(Map.of("sluice.tenants.0.rate-limit-per-second", "2147483647"))
                .tenants().get("demo").requestsPerSecond());
        assertEquals(16, load(Map.of("sluice.store.postgres.pool-size", "16")).store().poolSize());
    }

    /**
     * A signature carries whole seconds, so a tolerance under one second refused nearly every
     * signed request (0s: all of them) as 401 bad-signature, with nothing at startup.
     */
    @Test
    void aSignatureToleranceUnderOneSecond_isRefusedNamingItsKey() {
        assertKey("sluice.tenants.0.signature-tolerance", Map.of("sluice.tenants.0.signature-tolerance", "0s"));
        assertKey("sluice.tenants.0.signature-tolerance", Map.of("sluice.tenants.0.signature-tolerance", "500ms"));
        assertEquals(Duration.ofSeconds(1), load(Map.of("sluice.tenants.0.signature-tolerance", "1s"))
                .tenants().get("demo").signatureTolerance());
    }

    /**
     * {@code off} keeps a kind of data, but the purge's {@code interval} is no kind: written
     * {@code interval: off} (to stop purging), it read as the default hour and purged on.
     */
    @Test
    void aRetentionIntervalOfOffOrZero_isRefusedNamingItsKey() {
        assertKey("sluice.retention.interval", Map.of("sluice.retention.interval", "off"));
        assertKey("sluice.retention.interval", Map.of("sluice.retention.interval", "0s"));
        assertEquals(Duration.ofMinutes(10), load(Map.of("sluice.retention.interval", "10m")).retention().interval());
    }

    /**
     * The server-wide body limit is four times {@code max-body-bytes}: at 9223372036854775807 it
     * overflowed to -4, and the gateway started and answered every request 413 "over the server's
     * limit of -4 bytes". A body is held as one array, so more than 1 GiB cannot be read anyway.
     */
    @Test
    void aMaxBodySizeOverOneGibibyte_isRefusedNamingItsKey() {
        assertKey("sluice.ingest.max-body-bytes", Map.of("sluice.ingest.max-body-bytes", "9223372036854775807"));
        assertKey("sluice.ingest.max-body-bytes", Map.of("sluice.ingest.max-body-bytes", "1073741825"));
        assertEquals(1L << 30, load(Map.of("sluice.ingest.max-body-bytes", "1073741824")).ingest().maxBodyBytes());
    }

    private void assertSingleValue(String key, String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("single-value.yaml"), yaml);
        ConfigException e = assertThrows(ConfigException.class,
                () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)), key);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("must be a single value"), e.getMessage());
    }

    @Test
    void overridesWinOverTheFile() {
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"),
                Map.of("sluice.ingest.max-events", "10", "sluice.ingest.dedup-window", "PT1H")), Secrets.of(Map.of(), dir));
        assertEquals(10, config.ingest().maxEvents());
        assertEquals(Duration.ofHours(1), config.ingest().dedupWindow());
    }

    /**
     * A duration beyond a century started the gateway and made every ingest request a 500 when
     * an instant overflowed; a negative one read as a window that ends before it starts (until
     * session 39).
     */
    @Test
    void durationsBeyondACenturyOrNegativeAreRefused() {
        assertKey("sluice.ingest.dedup-window", Map.of("sluice.ingest.dedup-window", "99999999999999d"));
        assertKey("sluice.ingest.max-event-age", Map.of("sluice.ingest.max-event-age", "36501d"));
        assertKey("sluice.ingest.max-future-skew", Map.of("sluice.ingest.max-future-skew", "PT-5M"));
        assertKey("sluice.ingest.dedup-window", Map.of("sluice.ingest.dedup-window", "P9999999999999999999D"));
        assertEquals(Duration.ofDays(36_500), SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"),
                Map.of("sluice.ingest.dedup-window", "36500d")), Secrets.of(Map.of(), dir)).ingest().dedupWindow());
    }

    /**
     * A zero {@code max-event-age} (every event too old) passed the configuration and then ended
     * the start in the parser's IllegalArgumentException with a stack trace and exit code 1.
     */
    @Test
    void aZeroMaxEventAgeIsRefusedNamingItsKey() {
        assertKey("sluice.ingest.max-event-age", Map.of("sluice.ingest.max-event-age", "0s"));
        assertKey("sluice.ingest.max-event-age", Map.of("sluice.ingest.max-event-age", "PT0S"));
        assertEquals(Duration.ZERO, load(Map.of("sluice.ingest.max-future-skew", "0s")).ingest().maxFutureSkew());
    }

    /**
     * A zero {@code dedup-window} started, and then the same event id sent twice in one batch (or
     * twice in the same millisecond) was accepted each time: each copy found the key just
     * written already past its window, superseded it and went out again.
     */
    @Test
    void aZeroDedupWindowIsRefusedNamingItsKey() {
        assertKey("sluice.ingest.dedup-window", Map.of("sluice.ingest.dedup-window", "0s"));
        assertKey("sluice.ingest.dedup-window", Map.of("sluice.ingest.dedup-window", "PT0S"));
        assertEquals(Duration.ofMillis(1), load(Map.of("sluice.ingest.dedup-window", "1ms")).ingest().dedupWindow());
    }

    /** The audit's checkpoint interval is read as the other positive durations are (Durations.positive). */
    @Test
    void aZeroAuditCheckpointIntervalIsRefusedNamingItsKey() {
        assertKey("sluice.audit.checkpoint-interval", Map.of("sluice.audit.checkpoint-interval", "0s"));
        assertEquals(Duration.ofMinutes(2), load(Map.of("sluice.audit.checkpoint-interval", "2m")).audit().checkpointInterval());
    }

    /**
     * A default region that is two capital letters but no country ({@code XX}) started, and then
     * every national phone number of the tenant was rejected as {@code invalid_phone}.
     */
    @Test
    void aDefaultRegionThatIsNoCountryIsRefused() {
        assertKey("sluice.tenants.0.default-region", Map.of("sluice.tenants.0.default-region", "XX"));
        assertKey("sluice.tenants.0.default-region", Map.of("sluice.tenants.0.default-region", "ZZ"));
        assertEquals("DE", load(Map.of("sluice.tenants.0.default-region", "DE")).tenants().get("demo").defaultRegion());
    }

    /**
     * The public demo keys (README) open a tenant only on loopback, whatever its {@code demo}
     * switch says: with {@code demo: false} (or {@code SLUICE_TENANTS_0_DEMO=false}) they opened
     * it on every interface.
     */
    @Test
    void thePublicDemoKeysAreRefusedOffLoopback_evenWithoutTheDemoSwitch() {
        Map<String, String> offLoopback = new HashMap<>(Map.of("server.host", "0.0.0.0",
                "sluice.tenants.0.demo", "false", "sluice.crypto.keys.k1", "env:DATA_KEY",
                "sluice.audit.signing-key", "env:AUDIT_KEY"));
        Secrets secrets = Secrets.of(Map.of("DATA_KEY", "ab".repeat(32),
                "AUDIT_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32])), dir);
        ConfigException ingest = assertThrows(ConfigException.class, () -> SluiceConfig.load(
                ConfigLoader.load(Path.of("conf/application.yaml"), offLoopback), secrets));
        assertEquals("sluice.tenants.0.api-key-hashes.0", ingest.key(), ingest.getMessage());
        offLoopback.put("sluice.tenants.0.api-key-hashes.0", HASH);
        ConfigException admin = assertThrows(ConfigException.class, () -> SluiceConfig.load(
                ConfigLoader.load(Path.of("conf/application.yaml"), offLoopback), secrets));
        assertEquals("sluice.tenants.0.admin-key-hashes.0", admin.key(), admin.getMessage());
        offLoopback.put("sluice.tenants.0.admin-key-hashes.0", "sha256:" + "cd".repeat(32));
        assertFalse(SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), offLoopback), secrets).loopbackOnly());
    }

    @Test
    void badValuesNameTheirKey() {
        assertKey("sluice.ingest.max-events", Map.of("sluice.ingest.max-events", "-3"));
        assertKey("sluice.ingest.max-event-age", Map.of("sluice.ingest.max-event-age", "forever"));
        assertKey("sluice.store.kind", Map.of("sluice.store.kind", "mysql"));
        assertKey("sluice.store.postgres.url", Map.of("sluice.store.kind", "postgres", "sluice.store.postgres.url", "nope"));
        assertKey("sluice.tenants.0.api-key-hashes.0", Map.of("sluice.tenants.0.api-key-hashes.0", "plaintext-key"));
        assertKey("sluice.tenants.0.destinations.0.type", Map.of("sluice.tenants.0.destinations.0.type", "myspace"));
        assertKey("sluice.tenants.0.default-region", Map.of("sluice.tenants.0.default-region", "usa"));
        assertKey("sluice.tenants.0.id", Map.of("sluice.tenants.0.id", ""));
    }

    /**
     * Listener limits that leave a started server refusing every request (or accepting no
     * connection) are refused naming their key; Helidon took them without a word (until session 39).
     */
    @Test
    void listenerLimitsThatRefuseEveryRequestAreRefused_andTheUsualOnesLoad() throws Exception {
        for (String bad : List.of("0", "-2", "-1000")) {
            assertKey("server.max-tcp-connections", Map.of("server.max-tcp-connections", bad));
            assertKey("server.max-concurrent-requests", Map.of("server.max-concurrent-requests", bad));
        }
        assertKey("server.max-tcp-connections", Map.of("server.max-tcp-connections", "lots"));
        // -5 started on a port the system chose; 65536 ended in Helidon's stack trace.
        assertKey("server.port", Map.of("server.port", "-5"));
        assertKey("server.port", Map.of("server.port", "65536"));
        assertKey("server.protocols.http_1_1.max-headers-size", Map.of("server.protocols.http_1_1.max-headers-size", "0"));
        assertKey("server.protocols.http_1_1.max-headers-size", Map.of("server.protocols.http_1_1.max-headers-size", "1023"));
        assertKey("server.protocols.http_1_1.max-prologue-length", Map.of("server.protocols.http_1_1.max-prologue-length", "-1"));
        assertKey("server.protocols.http_1_1.max-prologue-length", Map.of("server.protocols.http_1_1.max-prologue-length", "255"));
        // What the environment variable SERVER_PROTOCOLS_HTTP_1_1_MAX_dash_HEADERS_dash_SIZE becomes.
        assertKey("server.protocols.http", Map.of("server.protocols.http.1.1.max-headers-size", "32768"));
        for (Map<String, String> fine : List.of(
                Map.of("server.max-tcp-connections", "-1", "server.max-concurrent-requests", "-1"),
                Map.of("server.max-tcp-connections", "1", "server.max-concurrent-requests", "1"),
                Map.of("server.protocols.http_1_1.max-headers-size", "1024",
                        "server.protocols.http_1_1.max-prologue-length", "256"))) {
            SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), fine), Secrets.of(Map.of(), dir));
        }
        // The same limits on a listener of server.sockets (the admin listener).
        Path file = Files.writeString(dir.resolve("sockets.yaml"), Files.readString(Path.of("conf/application.yaml"))
                .replaceFirst("\nserver:\n", "\nserver:\n  sockets:\n    - name: admin\n      port: 0\n"
                        + "      max-concurrent-requests: 0\n"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)));
        assertEquals("server.sockets.0.max-concurrent-requests", e.key());
    }

    /**
     * An admin listener on the main listener's port and address is a configuration error naming
     * it: it passed the port probe (each port was free before either bound) and then Helidon logged
     * two SEVERE lines with a stack trace before the start's one line.
     */
    @Test
    void aListenerOnAnotherListenersPortAndAddress_isRefusedNamingIt() throws Exception {
        String shipped = Files.readString(Path.of("conf/application.yaml"));
        Map<String, String> refused = Map.of(
                "sluice.yaml", "      port: 8080\n",
                "wildcard.yaml", "      host: 0.0.0.0\n      port: 8080\n",
                "twice.yaml", "      port: 8081\n    - name: other\n      port: 8081\n");
        for (Map.Entry<String, String> c : refused.entrySet()) {
            Path file = Files.writeString(dir.resolve(c.getKey()), shipped.replaceFirst("\nserver:\n",
                    "\nserver:\n  sockets:\n    - name: admin\n" + c.getValue()));
            ConfigException e = assertThrows(ConfigException.class,
                    () -> SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir)), c.getKey());
            assertEquals(c.getKey().equals("twice.yaml") ? "server.sockets.1.port" : "server.sockets.0.port", e.key(), c.getKey());
        }
        for (String fine : List.of("      port: 8081\n", "      port: 0\n", "      host: 127.0.0.2\n      port: 8080\n")) {
            Path file = Files.writeString(dir.resolve("fine.yaml"), shipped.replaceFirst("\nserver:\n",
                    "\nserver:\n  sockets:\n    - name: admin\n" + fine));
            SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir));
        }
    }

    @Test
    void secretsComeFromReferencesNeverLiterals() throws Exception {
        Files.writeString(dir.resolve("key"), "c2VjcmV0\n");
        Secrets secrets = Secrets.of(Map.of("TOKEN", "t0ken"), dir);
        assertEquals("t0ken", secrets.resolve("k", "env:TOKEN").text());
        assertEquals("c2VjcmV0", secrets.resolve("k", "file:key").text());
        ConfigException literal = assertThrows(ConfigException.class, () -> secrets.resolve("a.b", "hunter2"));
        assertEquals("a.b", literal.key());
        assertFalse(literal.getMessage().contains("hunter2"));
        assertThrows(ConfigException.class, () -> secrets.resolve("a.b", "env:MISSING"));
        assertFalse(secrets.resolve("k", "env:TOKEN").toString().contains("t0ken"));
    }

    @Test
    void productionStyleKeysLoadAndTheActiveKeyMustExist() {
        Map<String, String> base = new HashMap<>();
        base.put("sluice.crypto.generate-demo-key", "false");
        base.put("sluice.crypto.keys.k1", "env:KEY1");
        Secrets secrets = Secrets.of(Map.of("KEY1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), dir);
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), base), secrets);
        assertEquals("k1", config.crypto().activeKeyId());
        assertFalse(config.generateDemoKey());
        assertFalse(config.crypto().toString().contains("AAECAw"));
        // The store's URL may carry the PostgreSQL password; the record printed it until session 40.
        base.put("sluice.store.kind", "postgres");
        base.put("sluice.store.postgres.url", "jdbc:postgresql://db/sluice?user=s&password=pgS3cret&ssl=true");
        SluiceConfig pg = SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), base), secrets);
        assertFalse(pg.toString().contains("pgS3cret"), pg.toString());
        assertTrue(pg.store().toString().contains("password=***&ssl=true"), pg.store().toString());
        base.remove("sluice.store.kind");
        base.remove("sluice.store.postgres.url");
        base.put("sluice.crypto.active-key", "k9");
        ConfigException e = assertThrows(ConfigException.class,
                () -> SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), base), secrets));
        assertEquals("sluice.crypto.active-key", e.key());
    }

    @Test
    void previousAuditPublicKeysAreValuesOrReferences_andAnEmptyOneNamesItsKey() {
        String pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----";
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), Map.of(
                        "sluice.audit.previous-public-keys.0", "GbhECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
                        "sluice.audit.previous-public-keys.1", "env:OLD_AUDIT_KEY")),
                Secrets.of(Map.of("OLD_AUDIT_KEY", pem), dir));
        assertEquals(List.of(
                        new AuditSettings.PublicKeyText("sluice.audit.previous-public-keys.0", "GbhECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="),
                        new AuditSettings.PublicKeyText("sluice.audit.previous-public-keys.1", pem)),
                config.audit().previousPublicKeys());
        assertKey("sluice.audit.previous-public-keys.0", Map.of("sluice.audit.previous-public-keys.0", " "));
        assertKey("sluice.audit.previous-public-keys.0", Map.of("sluice.audit.previous-public-keys.0", "env:NOT_SET"));
    }

    @Test
    void aDestinationSettingThatIsAMapOrList_isRefusedNamingIt() {
        assertKey("sluice.tenants.0.destinations.0.settings.conversion-rules", Map.of(
                "sluice.tenants.0.destinations.0.settings.conversion-rules.Purchase", "123"));
        assertKey("sluice.tenants.0.destinations.0.settings.url", Map.of(
                "sluice.tenants.0.destinations.0.settings.url.0", "http://127.0.0.1:9/"));
    }

    @Test
    void missingDataKeyStopsStartup() {
        Config root = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(ConfigSources.create(Map.of(
                        "sluice.tenants.0.id", "t",
                        "sluice.tenants.0.api-key-hashes.0", HASH,
                        "sluice.tenants.0.destinations.0.id", "m",
                        "sluice.tenants.0.destinations.0.type", "meta")))
                .build();
        ConfigException e = assertThrows(ConfigException.class, () -> SluiceConfig.load(root, Secrets.of(Map.of(), dir)));
        assertEquals("sluice.crypto.keys", e.key());
    }

    @Test
    void sqliteLogSizesDefault_followARaisedRestartSize_andBadOnesNameTheirKey() {
        StoreSettings defaults = load(Map.of()).store();
        assertEquals(32L << 20, defaults.sqliteLog().restartBytes());
        assertEquals(128L << 20, defaults.sqliteLog().backstopBytes());
        // A restart size alone: the backstop stays four times as large.
        StoreSettings raised = load(Map.of("sluice.store.sqlite-wal.restart-bytes", "67108864")).store();
        assertEquals(64L << 20, raised.sqliteLog().restartBytes());
        assertEquals(256L << 20, raised.sqliteLog().backstopBytes());
        StoreSettings small = load(Map.of("sluice.store.sqlite-wal.restart-bytes", "4194304",
                "sluice.store.sqlite-wal.backstop-bytes", "16777216")).store();
        assertEquals(4L << 20, small.sqliteLog().restartBytes());
        assertEquals(16L << 20, small.sqliteLog().backstopBytes());
        assertEquals(new dev.sluice.store.SqliteLogSizes(4L << 20, 16L << 20),
                dev.sluice.Gateway.storeConfig(small).sqliteLog());

        assertKey("sluice.store.sqlite-wal.restart-bytes", Map.of("sluice.store.sqlite-wal.restart-bytes", "1048576"));
        assertKey("sluice.store.sqlite-wal.restart-bytes", Map.of("sluice.store.sqlite-wal.restart-bytes", "32MiB"));
        assertKey("sluice.store.sqlite-wal.restart-bytes", Map.of("sluice.store.sqlite-wal.restart-bytes", "1073741825"));
        // The largest restart size: the backstop it implies is the largest one allowed.
        StoreSettings largest = load(Map.of("sluice.store.sqlite-wal.restart-bytes", "1073741824")).store();
        assertEquals(4L << 30, largest.sqliteLog().backstopBytes());
        assertKey("sluice.store.sqlite-wal.backstop-bytes", Map.of("sluice.store.sqlite-wal.backstop-bytes", "4294967297"));
        assertThrows(IllegalArgumentException.class, () -> new dev.sluice.store.SqliteLogSizes(1L << 20, 128L << 20));
        assertThrows(IllegalArgumentException.class, () -> new dev.sluice.store.SqliteLogSizes(32L << 20, 32L << 20));
        assertKey("sluice.store.sqlite-wal.backstop-bytes", Map.of("sluice.store.sqlite-wal.restart-bytes", "67108864",
                "sluice.store.sqlite-wal.backstop-bytes", "67108864"));
        assertKey("sluice.store.sqlite-wal.backstop-bytes", Map.of("sluice.store.sqlite-wal.backstop-bytes", "0"));
        assertKey("sluice.ingest.body-read-timeout", Map.of("sluice.ingest.body-read-timeout", "50ms"));
        assertKey("sluice.ingest.body-read-timeout", Map.of("sluice.ingest.body-read-timeout", "11m"));
    }

    @Test
    void aBodyHas10SecondsToArrive_orWhatIsConfigured() {
        assertEquals(Duration.ofSeconds(10), load(Map.of()).ingest().bodyReadTimeout());
        assertEquals(Duration.ofMillis(100), load(Map.of("sluice.ingest.body-read-timeout", "100ms")).ingest().bodyReadTimeout());
        assertEquals(Duration.ofMinutes(10), load(Map.of("sluice.ingest.body-read-timeout", "10m")).ingest().bodyReadTimeout());
    }

    @Test
    void aBodyMayHold131072JsonValues_orWhatIsConfigured_andCountsBeyondAnIntAreRefused() {
        assertEquals(131_072, load(Map.of()).ingest().maxBodyValues());
        assertEquals(dev.sluice.event.ParserLimits.defaults().maxValues(), IngestSettings.DEFAULT_BODY_VALUES);
        assertEquals(dev.sluice.event.ParserLimits.MIN_VALUES, IngestSettings.MIN_BODY_VALUES);
        assertEquals(1_024, load(Map.of("sluice.ingest.max-body-values", "1024")).ingest().maxBodyValues());
        // Unset, it follows a raised max-events: 128 values an event.
        assertEquals(640_000, load(Map.of("sluice.ingest.max-events", "5000")).ingest().maxBodyValues());
        assertEquals(131_072, load(Map.of("sluice.ingest.max-events", "10")).ingest().maxBodyValues());
        assertEquals(2_000, load(Map.of("sluice.ingest.max-events", "5000", "sluice.ingest.max-body-values", "2000"))
                .ingest().maxBodyValues());
        assertKey("sluice.ingest.max-body-values", Map.of("sluice.ingest.max-body-values", "1023"));
        assertKey("sluice.ingest.max-body-values", Map.of("sluice.ingest.max-body-values", "2147483648"));
        // Cut down to an int these wrapped (4294967297 to 1, 3000000000 to a negative count).
        assertKey("sluice.ingest.max-events", Map.of("sluice.ingest.max-events", "4294967297"));
        assertKey("sluice.ingest.commit-max-events", Map.of("sluice.ingest.commit-max-events", "3000000000"));
    }

    @Test
    void aKeyHashListedTwice_byTwoTenantsOrForBothRoles_isAConfigurationError() throws Exception {
        String a = "sha256:" + "ab".repeat(32);
        String b = "sha256:" + "cd".repeat(32);
        String c = "sha256:" + "ef".repeat(32);
        assertEquals(2, twoTenants(a, b, c).tenants().size());

        ConfigException bothRoles = assertThrows(ConfigException.class, () -> twoTenants(a, b, b));
        assertEquals("sluice.tenants.1.admin-key-hashes.0", bothRoles.key());
        assertTrue(bothRoles.getMessage().contains("the same key hash as sluice.tenants.1.api-key-hashes.0"),
                bothRoles.getMessage());
        assertFalse(bothRoles.getMessage().contains("cdcd"), "the hash itself is not quoted");

        ConfigException acrossTenants = assertThrows(ConfigException.class, () -> twoTenants(a, a, c));
        assertEquals("sluice.tenants.1.api-key-hashes.0", acrossTenants.key());
        assertTrue(acrossTenants.getMessage().contains("the same key hash as sluice.tenants.0.api-key-hashes.0"),
                acrossTenants.getMessage());
    }

    /**
     * An override that gives a list or section of the file one value
     * ({@code SLUICE_TENANTS_0_API_dash_KEY_dash_HASHES=sha256:...} to rotate a key,
     * {@code SLUICE_LEDGER_PURCHASE_dash_EVENTS=Lead}, {@code SLUICE_STORE=postgres}) was dropped
     * by the merge without a word: the file's list or section stayed in force.
     */
    @Test
    void anOverrideGivingAListOrSectionOneValue_isRefusedNamingItsKey() {
        for (String key : List.of("sluice.tenants.0.api-key-hashes", "sluice.ledger.purchase-events", "sluice.store")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(Path.of("conf/application.yaml"), Map.of(key, "secret-value")), key);
            assertEquals(key, e.key(), e.getMessage());
            assertTrue(e.getMessage().contains("set its entries"), e.getMessage());
            assertFalse(e.getMessage().contains("secret-value"), "the value is not quoted");
        }
        // An entry of the list, or a setting of the section, is an override like any other.
        assertEquals(List.of("Lead"), List.copyOf(load(Map.of("sluice.ledger.purchase-events.0", "Lead")).ledger().purchaseEvents()));
    }

    @Test
    void anOverrideAddingAListEntryTheFileDoesNotHave_isNamedByItsKey_notBlamedOnTheFile() {
        // SLUICE_TENANTS_1_ID=shop with the file's one tenant: until session 35 "conf/application.yaml
        // is not a YAML mapping".
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Path.of("conf/application.yaml"), Map.of("sluice.tenants.1.id", "shop")));
        assertEquals("sluice.tenants.1", e.key());
        assertTrue(e.getMessage().contains("overrides can change the entries of a list but not add to it"), e.getMessage());
        assertFalse(e.getMessage().contains("shop"), "the value is not quoted");
        // Changing an entry the file has is an override like any other.
        assertEquals("US", load(Map.of("sluice.tenants.0.default-region", "US")).tenants().get("demo").defaultRegion());
    }

    /** Tenant "a" with ingest key {@code first}; tenant "b" with ingest key {@code second} and admin key {@code admin}. */
    private SluiceConfig twoTenants(String first, String second, String admin) throws java.io.IOException {
        String destination = """
                      destinations:
                        - id: hook
                          type: webhook
                          settings:
                            url: http://127.0.0.1:9099/
                            secret: "0123456789abcdef0123"
                """;
        Path file = dir.resolve("two-tenants.yaml");
        Files.writeString(file, """
                server:
                  host: 127.0.0.1
                sluice:
                  crypto:
                    generate-demo-key: true
                  tenants:
                    - id: a
                      api-key-hashes: ["%s"]
                %s    - id: b
                      api-key-hashes: ["%s"]
                      admin-key-hashes: ["%s"]
                %s""".formatted(first, destination, second, admin, destination));
        return SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.of(Map.of(), dir));
    }

    private SluiceConfig load(Map<String, String> overrides) {
        return SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), overrides), Secrets.of(Map.of(), dir));
    }

    private void assertKey(String key, Map<String, String> overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> SluiceConfig.load(
                ConfigLoader.load(Path.of("conf/application.yaml"), overrides), Secrets.of(Map.of(), dir)));
        assertEquals(key, e.key(), e.getMessage());
    }
}
