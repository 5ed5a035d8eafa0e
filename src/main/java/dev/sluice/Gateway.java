package dev.sluice;

import dev.sluice.audit.AuditKey;
import dev.sluice.audit.AuditLog;
import dev.sluice.audit.AuditScheduler;
import dev.sluice.audit.AuditSigner;
import dev.sluice.audit.RetentionPurge;
import dev.sluice.config.AuditSettings;
import dev.sluice.config.ConfigException;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StoreSettings;
import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.delivery.DeliveryEngine;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParserLimits;
import dev.sluice.http.HelidonReaderFix;
import dev.sluice.http.HttpApi;
import dev.sluice.ingest.CompanionSource;
import dev.sluice.ingest.IngestMetrics;
import dev.sluice.ingest.IngestPipeline;
import dev.sluice.ledger.CustomerFoldScheduler;
import dev.sluice.ledger.CustomerFolder;
import dev.sluice.ledger.Ledger;
import dev.sluice.ledger.LedgerSource;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.SqliteFileLock;
import dev.sluice.store.Stores;
import io.helidon.config.Config;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A running Sluice: store, group-commit writer, ingest pipeline and web server, built from
 * configuration in that order and closed in the reverse order. Used by {@link Main} and by the
 * end-to-end tests.
 */
public final class Gateway implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final Store store;
    private final GroupCommitWriter writer;
    private final WebServer server;
    private final DeliveryEngine delivery;
    private final AuditScheduler auditJobs;
    private final CustomerFoldScheduler ledgerJobs;
    /** The embedded store's one-gateway-per-database lock; null on PostgreSQL. */
    private final SqliteFileLock lock;

    private Gateway(Store store, GroupCommitWriter writer, WebServer server, DeliveryEngine delivery,
                    AuditScheduler auditJobs, CustomerFoldScheduler ledgerJobs, SqliteFileLock lock) {
        this.lock = lock;
        this.store = store;
        this.writer = writer;
        this.server = server;
        this.delivery = delivery;
        this.auditJobs = auditJobs;
        this.ledgerJobs = ledgerJobs;
    }

    /** Boots everything with secrets from the process environment; see {@link #start(Config, SluiceConfig, Secrets, InstantSource)}. */
    public static Gateway start(Config root, SluiceConfig config, InstantSource clock) {
        return start(root, config, Secrets.system(), clock);
    }

    /**
     * Boots everything and starts listening; {@code root} is the whole Helidon config and
     * {@code secrets} resolves destination credentials. Delivery starts once the server listens;
     * {@code sluice.delivery.enabled: false} validates destinations but leaves every row pending
     * (an ingest-only replica).
     *
     * @throws dev.sluice.config.ConfigException naming the key of a bad destination setting
     */
    public static Gateway start(Config root, SluiceConfig config, Secrets secrets, InstantSource clock) {
        long started = System.nanoTime();
        // A port in use is refused before anything is created: the data directory, database,
        // generated keys and the audit's policy record were written first until session 40.
        portsFree(root, config.host());
        dev.sluice.ingest.IngestPipeline.checkRoutes(config.tenants().values());
        createDirectories(config.dataDir());
        // One serving gateway per SQLite database (SqliteFileLock): taken before anything opens
        // the file, released when the gateway closes or its start fails.
        SqliteFileLock lock = config.store().kind().equals(StoreConfig.SQLITE)
                ? SqliteFileLock.acquire(config.store().sqliteFile().toAbsolutePath())
                : null;
        try {
            return start(root, config, secrets, clock, lock, started);
        } catch (RuntimeException | Error e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    private static Gateway start(Config root, SluiceConfig config, Secrets secrets, InstantSource clock,
                                 SqliteFileLock lock, long started) {
        // Opening the store (connections, migrations) is the longest step and needs nothing else,
        // so it runs beside the rest of the setup; startup waits for it before building anything
        // that writes. A failure on either side closes the store before it propagates.
        FutureTask<Store> opening = new FutureTask<>(() -> Stores.open(storeConfig(config.store())));
        Thread openingThread = Thread.ofPlatform().name("sluice-store-open").start(opening);
        ConsentEngine consent;
        DataKeyring keyring;
        AuditSigner auditSigner;
        List<AuditKey> previousAuditKeys;
        PrometheusMeterRegistry registry;
        try {
            // A bad consent policy, key or signer stops startup before any request is served.
            consent = new ConsentEngine(ConsentPolicy.load(config.consentPolicy()));
            keyring = keyring(config);
            auditSigner = auditSigner(config);
            previousAuditKeys = previousAuditKeys(config);
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            if (config.generateDemoKey()) {
                demoSecret(config.dataDir().resolve(DEMO_WEBHOOK_SECRET));
            }
        } catch (RuntimeException | Error e) {
            closeWhenOpened(opening, openingThread);
            throw e;
        }
        Store store = opened(opening, openingThread);
        DeliveryEngine delivery;
        try {
            delivery = DeliveryEngine.create(config.tenants().values(), secrets, keyring, store.delivery(), registry, clock);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            // Before ingest starts: copies for these destinations go to the delivery log (SQLite).
            int moved = store.delivery().deliverFromLog(delivery.deliveredDestinations(), clock.instant());
            if (moved > 0) {
                LOG.log(System.Logger.Level.INFO, "event=delivery_log_copies_moved_to_outbox copies={0}", moved);
            }
        } catch (RuntimeException e) {
            delivery.close();
            store.close();
            throw e;
        }
        boolean deliver = config.deliver();
        Collection<TenantConfig> tenants = config.tenants().values();
        GroupCommitWriter writer = null;
        AuditScheduler auditJobs = null;
        CustomerFoldScheduler ledgerJobs = null;
        WebServer server = null;
        try {
            // Consent audit log: the policy in force is recorded before any event is accepted.
            AuditLog audit = new AuditLog(store.sql(), auditSigner, previousAuditKeys, config.audit().checkpointEvery(),
                    config.audit().checkpointInterval(), clock);
            List<String> tenantIds = tenants.stream().map(TenantConfig::id).sorted().toList();
            audit.recordPolicy(tenantIds, consent.policy());
            // The purge deletes, after the dead-letter retention, the open rows of destinations
            // missing from these: removed ones, and those of a type without a connector
            // (google_ads, microsoft), whose copies nothing of this version delivers. Each of those
            // is named at startup.
            Map<String, java.util.Set<String>> configured = new LinkedHashMap<>();
            for (TenantConfig t : tenants) {
                java.util.Set<String> delivered = new java.util.TreeSet<>();
                for (dev.sluice.config.DestinationConfig d : t.destinations()) {
                    if (dev.sluice.connector.Connectors.types().contains(d.type())) {
                        delivered.add(d.id());
                    } else {
                        LOG.log(System.Logger.Level.WARNING, "event=destination_without_connector tenant={0} destination={1}"
                                + " type={2} copies_purged_after={3}", t.id(), d.id(), d.type(),
                                config.retention().deadLetters().map(Object::toString).orElse("never"));
                    }
                }
                configured.put(t.id(), java.util.Set.copyOf(delivered));
            }
            // A tenant removed from the configuration as a whole still has its rows: purged by the
            // same retention as a configured tenant's, every destination of it undeliverable (its
            // delivery log copies moved to the outbox above). Found by its audit chain, which every
            // tenant that ever had an event or a policy record has.
            java.util.TreeSet<String> purgedTenants = new java.util.TreeSet<>(tenantIds);
            for (String removed : audit.chainTenants()) {
                if (purgedTenants.add(removed)) {
                    configured.put(removed, java.util.Set.of());
                    LOG.log(System.Logger.Level.WARNING, "event=tenant_not_configured tenant={0} copies_purged_after={1}"
                            + " events_purged_after_dedup_window={2} audit_purged_after={3}", removed,
                            config.retention().deadLetters().map(Object::toString).orElse("never"),
                            config.retention().events().map(Object::toString).orElse("never"),
                            config.retention().audit().map(Object::toString).orElse("never"));
                }
            }
            auditJobs = AuditScheduler.start(audit, new RetentionPurge(audit, retention(config), configured),
                    List.copyOf(purgedTenants), config.audit().checkpointInterval(), config.retention().interval());
            ledgerJobs = CustomerFoldScheduler.start(CustomerFolder.create(store, clock), config.ledger().customerFoldInterval());
            writer = new GroupCommitWriter(store, config.ingest().commitMaxEvents(), registry);
            server = webServer(root, config, clock, consent, keyring, registry, store, writer, delivery, audit);
            // Delivery starts once the listeners are up: a start that fails on them (a TLS keystore
            // with the wrong passphrase, a port in use) had already sent events until session 40.
            if (deliver) {
                delivery.start();
            }
        } catch (RuntimeException | Error e) {
            if (server != null) {
                server.stop();
            }
            // Delivery may be sending: stop it before the store it uses, so a failed start leaves no
            // dispatcher running in the background.
            delivery.close();
            if (auditJobs != null) {
                auditJobs.close();
            }
            if (ledgerJobs != null) {
                ledgerJobs.close();
            }
            if (writer != null) {
                writer.close();
            }
            store.close();
            throw e;
        }
        boolean readerFixed = HelidonReaderFix.applied();
        LOG.log(System.Logger.Level.INFO, "event=started host={0} port={1,number,#} store={2} tenants={3} dispatchers={4} startup_ms={5,number,#} reader_fix={6}",
                config.host(), server.port(), store.kind(), tenants.size(), deliver ? delivery.dispatcherCount() : 0,
                (System.nanoTime() - started) / 1_000_000, readerFixed ? "applied" : "absent");
        if (!readerFixed) {
            // Helidon's own reader came first on the class path: long-lived connections will make
            // the serial collector run full collections every few seconds (HelidonReaderFix).
            LOG.log(System.Logger.Level.WARNING, "event=reader_fix_absent see=dev.sluice.http.HelidonReaderFix");
        }
        return new Gateway(store, writer, server, delivery, auditJobs, ledgerJobs, lock);
    }

    private static WebServer webServer(Config root, SluiceConfig config, InstantSource clock, ConsentEngine consent,
                                       DataKeyring keyring, PrometheusMeterRegistry registry, Store store,
                                       GroupCommitWriter writer, DeliveryEngine delivery, AuditLog audit) {
        Collection<TenantConfig> tenants = config.tenants().values();
        // Capabilities that record something in each accepted event's own transaction.
        List<CompanionSource> companions = List.of(
                audit.companions(consent.policy()),
                new LedgerSource(config.ledger()));
        Ledger ledger = Ledger.create(store, config.ledger());
        EventParser parser = new EventParser(new ParserLimits(config.ingest().maxEvents(), config.ingest().maxEventAge(),
                config.ingest().maxFutureSkew(), ParserLimits.defaults().maxNestingDepth(),
                ParserLimits.defaults().maxStringLength(), config.ingest().maxBodyValues()), clock);
        IngestPipeline pipeline = new IngestPipeline(parser, consent, IdentityHasher.create(), keyring, writer,
                new IngestMetrics(registry), clock, config.ingest().dedupWindow(), tenants, companions,
                config.ingest().maxInFlightBytes());
        boolean adminListener = root.get("server.sockets").asNodeList().orElse(List.of()).stream()
                .anyMatch(socket -> socket.get("name").asString().orElse("").equals(HttpApi.ADMIN_SOCKET));
        long maxPayloadBytes = HttpApi.maxPayloadBytes(config.ingest().maxBodyBytes());
        DirectHandlers transportProblems = HttpApi.transportProblems(maxPayloadBytes);
        var builder = WebServer.builder();
        try {
            builder.config(root.get("server"));
        } catch (RuntimeException e) {
            // What Helidon cannot use under server (a TLS key or certificate file that is not
            // there or not readable, a port that is not a number): a configuration error naming
            // it, not a stack trace. Its message names a path or a setting, not a secret's value.
            // A value of the wrong type: named by its key (Helidon's message names its mapper).
            throw serverConfigError(e);
        }
        builder.maxPayloadSize(maxPayloadBytes)
                .directHandlers(transportProblems)
                .contentEncoding(HttpApi.contentEncoding());
        // Listeners from server.sockets (the admin listener) get the same limit, problem bodies
        // and content codings.
        // A listener without a host listens where server.host does: Helidon's own default is every
        // interface, which served the demo's public admin key to the network while the demo check
        // (SluiceConfig) took the listener for loopback.
        java.util.Set<String> hosted = root.get("server.sockets").asNodeList().orElse(List.of()).stream()
                .filter(socket -> socket.get("host").exists())
                .map(socket -> socket.get("name").asString().orElse(""))
                .collect(java.util.stream.Collectors.toSet());
        Map<String, ListenerConfig> sockets = new LinkedHashMap<>(builder.sockets());
        sockets.forEach((name, socket) -> {
            ListenerConfig.Builder listener = ListenerConfig.builder().from(socket)
                    .maxPayloadSize(maxPayloadBytes).directHandlers(transportProblems)
                    .contentEncoding(HttpApi.contentEncoding());
            if (!hosted.contains(name)) {
                // The address Helidon resolved from its default host is kept by from(): set both.
                listener.host(config.host()).address(listenerAddress(config.host()));
            }
            builder.putSocket(name, listener.build());
        });
        if (adminListener) {
            builder.routing(HttpApi.ADMIN_SOCKET, r -> HttpApi.adminRouting(r, tenants, registry,
                    () -> writer.isRunning() && store.ping(), clock, delivery, store.delivery(), audit, keyring,
                    config.ingest().bodyReadTimeout()));
        }
        WebServer built;
        try {
            built = builder
                    .routing(r -> HttpApi.routing(r, pipeline, tenants, config.ingest().maxBodyBytes(),
                            config.ingest().bodyReadTimeout(), registry,
                            () -> writer.isRunning() && store.ping(), clock, delivery, store.delivery(), audit, keyring,
                            ledger, adminListener))
                    .build();
        } catch (io.helidon.config.ConfigException e) {
            // Helidon checks some of server's settings only here, when the server is built (a
            // protocol it does not have, for instance): named as a configuration error, as above.
            throw serverConfigError(e);
        }
        portsFree(root, config.host());
        WebServer server = built.start();
        // Helidon 4 logs a listener that cannot bind (port taken) but returns from start()
        // (helidon-io/helidon#8109), so check that it really listens.
        if (!server.isRunning() || server.port() < 1) {
            server.stop();
            throw new StartupFailure("the web server did not start on " + config.host() + " port "
                    + root.get("server.port").asInt().orElse(-1) + " (address in use?)");
        }
        return server;
    }

    /**
     * Refuses a start whose listener port another process holds, before Helidon tries it: Helidon
     * logs two SEVERE lines with a stack trace for a port in use before it returns (until session
     * 39 they came before Sluice's one line). Another process binding between this probe and the
     * start still ends in the check after it.
     */
    private static java.net.InetAddress listenerAddress(String host) {
        try {
            return java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException("server.host", "is not an address or a name this machine can resolve");
        }
    }

    private static void portsFree(Config root, String host) {
        List<Config> listeners = new java.util.ArrayList<>();
        listeners.add(root.get("server"));
        listeners.addAll(root.get("server.sockets").asNodeList().orElse(List.of()));
        for (Config listener : listeners) {
            int port = listener.get("port").asInt().orElse(0);
            if (port <= 0) {
                continue;
            }
            String address = listener.get("host").asString().orElse(host);
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(address, port));
            } catch (java.io.IOException e) {
                throw new StartupFailure("the web server did not start on " + address + " port " + port + " (address in use?)");
            }
        }
    }

    /** What Helidon refused under {@code server}, as a configuration error naming the key where it can. */
    private static ConfigException serverConfigError(RuntimeException e) {
        return ConfigException.fromHelidon(e).orElseGet(() -> new ConfigException("server", String.valueOf(e.getMessage())));
    }

    /** The store the opening task produced; its failure is rethrown as it was thrown. */
    private static Store opened(FutureTask<Store> opening, Thread openingThread) {
        try {
            Store store = opening.get();
            openingThread.join();
            return store;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException("opening the store failed", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeWhenOpened(opening, openingThread);
            throw new IllegalStateException("interrupted while opening the store", e);
        }
    }

    /**
     * Waits for the opening task, closes what it opened (startup failed elsewhere) and waits for
     * its thread to end, so a failed start leaves neither an open store nor a thread behind. The
     * task completes before its thread has finished, hence the join.
     */
    private static void closeWhenOpened(FutureTask<Store> opening, Thread openingThread) {
        try {
            opening.get().close();
        } catch (ExecutionException e) {
            // Nothing was opened; the startup failure being thrown is the one to report.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            openingThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** The port of a named listener (e.g. {@code admin}), or -1 when there is none. */
    public int port(String listener) {
        return server.port(listener);
    }

    /** The store, for tests and admin commands. */
    public Store store() {
        return store;
    }

    /** How many delivery dispatchers the engine runs (or would run with delivery enabled). */
    public int deliveryDispatchers() {
        return delivery.dispatcherCount();
    }

    /**
     * Stops delivery first (no new claims; batches in flight finish or are released), then stops
     * accepting requests, commits what is queued, and closes the store.
     */
    @Override
    public void close() {
        auditJobs.close();
        ledgerJobs.close();
        delivery.close();
        server.stop();
        writer.close();
        store.close();
        if (lock != null) {
            lock.close();
        }
        LOG.log(System.Logger.Level.INFO, "event=stopped");
    }

    /** The store configuration of the settings; also used by commands that open the store themselves. */
    public static StoreConfig storeConfig(StoreSettings s) {
        return s.kind().equals(StoreConfig.POSTGRES)
                ? StoreConfig.postgres(s.jdbcUrl(), s.user().isBlank() ? null : s.user(), s.password().map(p -> p.text()), s.poolSize())
                : StoreConfig.sqlite(s.sqliteFile(), s.sqliteLog());
    }

    /** File name of the demo's generated audit signing key in the data directory (loopback only). */
    static final String DEMO_AUDIT_KEY = "demo-audit-signing.key";

    /** The audit checkpoint key: configured, or the demo's generated one (see {@link SluiceConfig}). */
    public static AuditSigner auditSigner(SluiceConfig config) {
        return AuditSigner.load(config.audit().signingKey(), config.dataDir().resolve(DEMO_AUDIT_KEY));
    }

    /**
     * The public keys of audit signing keys replaced by the current one
     * ({@code sluice.audit.previous-public-keys}).
     *
     * @throws ConfigException naming the entry that is not an Ed25519 public key
     */
    public static List<AuditKey> previousAuditKeys(SluiceConfig config) {
        List<AuditKey> keys = new ArrayList<>();
        for (AuditSettings.PublicKeyText key : config.audit().previousPublicKeys()) {
            try {
                keys.add(AuditKey.parse(key.text()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key.configKey(), e.getMessage());
            }
        }
        return keys;
    }

    private static RetentionPurge.Policy retention(SluiceConfig config) {
        var r = config.retention();
        return new RetentionPurge.Policy(r.events(), r.delivered(), r.deadLetters(), r.audit());
    }

    private static DataKeyring keyring(SluiceConfig config) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        if (config.generateDemoKey()) {
            keys.put("demo", demoKey(config.dataDir().resolve("demo-data.key")));
            return DataKeyring.of(keys, "demo");
        }
        config.crypto().keys().forEach((id, secret) -> {
            try {
                keys.put(id, DataKeyring.parseKey(secret.text()));
            } catch (IllegalArgumentException e) {
                // The message describes the form expected, never the value.
                throw new ConfigException("sluice.crypto.keys." + id, e.getMessage());
            }
        });
        return DataKeyring.of(keys, config.crypto().activeKeyId());
    }

    /**
     * The demo's data key: generated once into the data directory (owner-only permissions).
     * Only allowed on loopback (see {@link SluiceConfig}); real deployments mount a key.
     */
    private static byte[] demoKey(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
                try {
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: nothing more to restrict.
                }
            }
            return DataKeyring.parseKey(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo data key in " + file.getParent(), e);
        }
    }

    /** File name of the demo webhook's signing secret in the data directory (see conf/application.yaml). */
    static final String DEMO_WEBHOOK_SECRET = "demo-webhook.secret";

    /**
     * The demo webhook's signing secret, generated once like the demo data key, so that the demo
     * delivers to {@code sluice receive} with no environment set up. Loopback only.
     */
    private static void demoSecret(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] secret = new byte[32];
                new java.security.SecureRandom().nextBytes(secret);
                Files.writeString(file, java.util.HexFormat.of().formatHex(secret));
                try {
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: nothing more to restrict.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo webhook secret in " + file.getParent(), e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            boolean created = !Files.exists(dir);
            Files.createDirectories(dir);
            if (created) {
                // The database, keys and secrets live here: the gateway's user alone (0755 until session 40).
                Stores.ownerOnly(dir, "rwx------");
            }
        } catch (IOException e) {
            String why = switch (e) {
                case java.nio.file.FileAlreadyExistsException exists -> "a file of that name is in the way";
                case java.nio.file.AccessDeniedException denied -> "permission denied";
                case java.nio.file.NoSuchFileException missing -> "its parent cannot be created";
                default -> e.getClass().getSimpleName();
            };
            throw new StartupFailure("cannot create the data directory " + dir + " (sluice.data-dir): " + why);
        }
    }

    /**
     * The gateway could not start for a reason outside its configuration: the data directory
     * cannot be created, the port is taken. {@code sluice serve} prints the message and exits 1.
     */
    public static final class StartupFailure extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StartupFailure(String message) {
            super(message);
        }
    }
}
