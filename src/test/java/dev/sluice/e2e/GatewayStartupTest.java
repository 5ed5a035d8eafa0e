package dev.sluice.e2e;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.config.ConfigException;
import dev.sluice.store.StoreException;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Startup opens the store beside the rest of the setup (Gateway.start): whatever fails, the store
 * it opened is closed again before the failure propagates, and the training run the build uses
 * for the ahead-of-time cache works on the shipped demo configuration and leaves nothing behind.
 */
class GatewayStartupTest {

    @TempDir
    Path dir;

    @Test
    void aBadConsentPolicyStopsStartupAndClosesTheStoreOpenedBesideIt() throws IOException {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "version: [not, a, policy\n");
        Path data = dir.resolve("data");

        assertThrows(ConfigException.class, () -> TestGateway.start(data, InstantSource.system(),
                Map.of("sluice.consent.policy-file", policy.toString())));

        assertStoreClosed(data);
    }

    /** A TLS key file that is not there is a configuration error naming it (a stack trace until session 34). */
    @Test
    void aMissingTlsKeyFileIsAConfigurationErrorAndClosesTheStore() {
        Path data = dir.resolve("data");
        Path key = dir.resolve("missing/tls.key");
        ConfigException e = assertThrows(ConfigException.class, () -> TestGateway.start(data, InstantSource.system(), Map.of(
                "server.tls.private-key.pem.key.resource.path", key.toString(),
                "server.tls.private-key.pem.cert-chain.resource.path", dir.resolve("missing/tls.crt").toString())));
        assertEquals("server", e.key());
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        assertStoreClosed(data);
    }

    /** A server setting of the wrong type is named by its key. */
    @Test
    void aPortThatIsNotANumberIsAConfigurationErrorNamingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> TestGateway.start(dir.resolve("data"),
                InstantSource.system(), Map.of("server.port", "eighty")));
        assertEquals("server.port", e.key());
    }

    /** A data key of the wrong form names its key and not its value (a stack trace until session 34). */
    @Test
    void aMalformedDataKeyIsAConfigurationErrorNamingItsKey() throws IOException {
        Path key = Files.writeString(dir.resolve("data.key"), "not-32-bytes-s3cr3t");
        ConfigException e = assertThrows(ConfigException.class, () -> TestGateway.start(dir.resolve("data"),
                InstantSource.system(), Map.of("sluice.crypto.keys.k1", "file:" + key)));
        assertEquals("sluice.crypto.keys.k1", e.key());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void aTakenPortStopsStartupAndClosesTheStore() throws IOException {
        Path data = dir.resolve("data");
        // Helidon's own SEVERE lines (with a stack trace) for the port came before Sluice's one
        // line until session 39; the port is probed first now.
        java.util.List<java.util.logging.LogRecord> severe = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger helidon = java.util.logging.Logger.getLogger("io.helidon");
        java.util.logging.Handler recorder = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    severe.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        helidon.addHandler(recorder);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TestGateway.start(data,
                    InstantSource.system(), Map.of("server.port", Integer.toString(taken.getLocalPort()))));
            assertEquals("the web server did not start on 127.0.0.1 port " + taken.getLocalPort() + " (address in use?)",
                    refused.getMessage());
        } finally {
            helidon.removeHandler(recorder);
        }
        assertTrue(severe.isEmpty(), "Helidon logged: " + severe.stream().map(java.util.logging.LogRecord::getMessage).toList());
        // Refused before anything was created (a data directory and database were, until session 40).
        assertFalse(Files.exists(data), "the data directory was created");
        // The failed start gave the database's lock up too.
        TestGateway.start(data).close();
    }

    /**
     * A webhook's unknown hashing profile stops startup before anything is written: the data
     * directory, the database and a policy record in the audit chain were, until session 42.
     */
    @Test
    void anUnknownHashingProfileStopsStartupBeforeAnythingIsWritten() {
        Path data = dir.resolve("data");
        ConfigException e = assertThrows(ConfigException.class, () -> TestGateway.start(data, InstantSource.system(),
                Map.of("sluice.tenants.0.destinations.2.settings.hashing-profile", "myspace")));
        assertEquals("sluice.tenants.acme.destinations.warehouse.settings.hashing-profile", e.key());
        assertFalse(Files.exists(data), "the data directory was created");
    }

    /** A data directory the gateway creates is its user's alone: keys, secrets and the database live there. */
    @Test
    void aNewDataDirectoryIsTheOwnersAlone() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
                .contains("posix"), "POSIX permissions only");
        Path data = dir.resolve("fresh");
        TestGateway.start(data).close();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    }

    /**
     * A start that fails on its listener (here a TLS key file that is not there) delivers nothing: the dispatchers
     * start only once the web server is up. They started first until session 40, and a start that
     * then failed (a TLS keystore with the wrong passphrase, say) had sent events on its way out.
     */
    @Test
    void aStartThatFailsOnItsListener_deliversNothing() throws Exception {
        Path data = dir.resolve("pending");
        try (TestGateway first = TestGateway.start(data)) {
            assertEquals(202, first.postEvents(TestGateway.ACME_KEY, dev.sluice.testing.Events.batch(
                    dev.sluice.testing.Events.purchase("o-1"), dev.sluice.testing.Events.purchase("o-2"))).statusCode());
        }
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        try (mockwebserver3.MockWebServer hook = new mockwebserver3.MockWebServer();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            hook.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                    received.incrementAndGet();
                    return new mockwebserver3.MockResponse.Builder().code(200).body("{}").build();
                }
            });
            hook.start();
            assertThrows(ConfigException.class, () -> TestGateway.start(data, InstantSource.system(), Map.of(
                    "server.tls.private-key.pem.key.resource.path", dir.resolve("missing/tls.key").toString(),
                    "server.tls.private-key.pem.cert-chain.resource.path", dir.resolve("missing/tls.crt").toString(),
                    "sluice.delivery.enabled", "true",
                    "sluice.tenants.0.destinations.2.settings.url", hook.url("/hook").toString(),
                    "sluice.tenants.0.destinations.2.settings.poll-interval", "20ms")));
            Thread.sleep(300);
            assertEquals(0, received.get());
        }
    }

    /**
     * One serving gateway per SQLite database: a second one on the same data directory stops at
     * startup, naming the database and the holder, and touches nothing; once the first has
     * stopped, it starts. (Across processes the lock is the operating system's, released however
     * the holder ends: CrashRecoveryTest restarts on the data of a gateway killed with SIGKILL.)
     */
    @Test
    void aSecondGatewayOnTheSameDatabaseStopsAtStartup() throws Exception {
        Path data = dir.resolve("data");
        try (TestGateway first = TestGateway.start(data)) {
            StoreException refused = assertThrows(StoreException.class, () -> TestGateway.start(data));
            assertTrue(refused.getMessage().contains("sluice.db is in use by another Sluice process (pid "
                    + ProcessHandle.current().pid() + ")"), refused.getMessage());
            assertEquals(202, first.postEvents(TestGateway.ACME_KEY, dev.sluice.testing.Events.purchase("still-served")).statusCode());
        }
        try (TestGateway second = TestGateway.start(data)) {
            assertEquals(1, second.gateway().store().countEvents("acme"));
        }
    }

    /**
     * A SIGTERM drains and says so: the JDK's own shutdown hook used to reset logging while
     * Sluice's was still stopping, and {@code event=stopped} never reached the log (until session 34).
     */
    @Test
    void aStopOnSigtermIsLoggedToTheEnd() throws Exception {
        int port = dev.sluice.testing.ChildGateway.freePort();
        Path log = dir.resolve("child.log");
        Process child = dev.sluice.testing.ChildGateway.start(java.util.List.of("-Xmx128m"), port, dir.resolve("child"), log, Map.of());
        try {
            dev.sluice.testing.ChildGateway.awaitReady(port, child);
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the gateway did not stop");
        } finally {
            child.destroyForcibly();
        }
        String lines = Files.readString(log);
        assertTrue(lines.contains("event=delivery_stopped"), lines);
        assertTrue(lines.contains("\"msg\":\"event=stopped\""), lines);
    }

    @Test
    void theAotTrainingRunServesTheDemoAndDeletesItsDataDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = trainingDirs(tmp);

        assertEquals(0, SluiceCommand.run("aot-train", "--events", "5"));

        assertEquals(before, trainingDirs(tmp));
    }

    /** SQLite removes the write-ahead log when the last connection closes cleanly. */
    private static void assertStoreClosed(Path data) {
        assertTrue(Files.exists(data.resolve("sluice.db")), "the store was opened");
        assertFalse(Files.exists(data.resolve("sluice.db-wal")), "the store was left open");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("sluice-store-open")));
    }

    private static long trainingDirs(Path tmp) throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            return list.filter(p -> p.getFileName().toString().startsWith("sluice-aot-train")).count();
        }
    }
}
