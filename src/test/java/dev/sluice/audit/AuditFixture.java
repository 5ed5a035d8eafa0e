package dev.sluice.audit;

import dev.sluice.config.DestinationConfig;
import dev.sluice.config.LedgerSettings;
import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParserLimits;
import dev.sluice.ingest.EventResult;
import dev.sluice.ingest.IngestMetrics;
import dev.sluice.ingest.IngestOutcome;
import dev.sluice.ingest.IngestPipeline;
import dev.sluice.ledger.LedgerSource;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real store (SQLite in a directory, or a fresh PostgreSQL schema), the audit log over it and
 * an ingest pipeline that records into it (and books purchases into the ledger), for tenants {@code acme} (meta, google, warehouse)
 * and {@code globex} (tiktok). Time is a settable clock.
 */
final class AuditFixture implements AutoCloseable {
    static final String SIGNING_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    static final byte[] DATA_KEY = new byte[32];

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    final StoreConfig config;
    final Store store;
    final AuditLog log;
    final DataKeyring keyring = DataKeyring.of(Map.of("k1", DATA_KEY), "k1");
    final TenantConfig acme = tenant("acme", "US", List.of(
            new DestinationConfig("meta", "meta", Map.of()), new DestinationConfig("google", "google_ads", Map.of()),
            new DestinationConfig("warehouse", "webhook", Map.of())));
    final TenantConfig globex = tenant("globex", "DE", List.of(new DestinationConfig("tiktok", "tiktok", Map.of())));
    final ConsentPolicy policy = ConsentPolicy.load(Path.of("conf/consent-policy.yaml"));
    private final GroupCommitWriter writer;
    private final IngestPipeline pipeline;
    private final Runnable dropSchema;

    private AuditFixture(StoreConfig config, Runnable dropSchema, long checkpointEvery) {
        this.config = config;
        this.dropSchema = dropSchema;
        this.store = Stores.open(config);
        this.log = new AuditLog(store.sql(), AuditSigner.parse(SIGNING_SEED), checkpointEvery, Duration.ofMinutes(5), clock);
        this.writer = new GroupCommitWriter(store, 4000, new SimpleMeterRegistry());
        this.pipeline = new IngestPipeline(new EventParser(ParserLimits.defaults(), clock),
                new ConsentEngine(policy), IdentityHasher.create(), keyring, writer,
                new IngestMetrics(new SimpleMeterRegistry()), clock, Duration.ofDays(7), List.of(acme, globex),
                List.of(log.companions(policy), new LedgerSource(LedgerSettings.defaults())));
    }

    static AuditFixture sqlite(Path dir, long checkpointEvery) {
        return new AuditFixture(StoreConfig.sqlite(dir.resolve("sluice.db")), () -> { }, checkpointEvery);
    }

    /** A fresh schema in {@code SLUICE_TEST_POSTGRES_URL}; skips (fails under CI) without it. */
    static AuditFixture postgres(long checkpointEvery) {
        String admin = postgresUrl();
        String schema = "sluice_audit_" + HexFormat.of().formatHex(randomBytes());
        run(admin, "CREATE SCHEMA " + schema);
        String url = admin + (admin.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new AuditFixture(StoreConfig.postgres(url, null, Optional.empty(), 8),
                () -> run(admin, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"), checkpointEvery);
    }

    static String postgresUrl() {
        String url = System.getenv("SLUICE_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("SLUICE_TEST_POSTGRES_URL is not set, but CI=true");
            }
            org.junit.jupiter.api.Assumptions.abort("SLUICE_TEST_POSTGRES_URL is not set");
        }
        return url;
    }

    /** Posts a body for a tenant through the real pipeline. */
    List<EventResult> ingest(TenantConfig tenant, String body) {
        IngestOutcome outcome = pipeline.ingest(tenant, body.getBytes(StandardCharsets.UTF_8),
                IngestPipeline.RequestContext.NONE);
        return ((IngestOutcome.Processed) outcome).results();
    }

    /** Fifteen purchases for acme in five requests of three (one transaction each), seq 1..15. */
    void fifteenPurchasesInFiveRequests() {
        for (int i = 1; i <= 5; i++) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int j = 1; j <= 3; j++) {
                int n = (i - 1) * 3 + j;
                batch.append(j > 1 ? "," : "").append(purchase("o-" + n, "p" + n + "@example.com", "+1650555" + (1000 + n)));
            }
            ingest(acme, batch.append("]}").toString());
        }
    }

    /** A purchase from a US shopper who granted ad_user_data. */
    String purchase(String eventId, String email, String phone) {
        return """
                {"event_id":"%s","event_name":"Purchase","event_time":%d,"action_source":"website","event_source_url":"https://shop.example/c",
                 "user":{"email":"%s","phone":"%s","country":"US","state":"CA","external_id":"ext-%s"},
                 "custom":{"value":"10.00","currency":"EUR"},
                 "consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}
                """.formatted(eventId, clock.instant().getEpochSecond() - 60, email, phone, eventId);
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row. */
    java.util.List<String> queryStrings(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SQLite: the steps of {@code sql}'s query plan ({@code EXPLAIN QUERY PLAN}'s detail column). */
    java.util.List<String> queryPlan(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            java.util.List<String> steps = new java.util.ArrayList<>();
            while (rs.next()) {
                steps.add(rs.getString("detail"));
            }
            return steps;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    java.util.List<Long> queryLongs(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            java.util.List<Long> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String queryString(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every text of every row of a table, for "nothing raw is stored" checks. */
    String dump(String table) {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    out.append(rs.getString(i)).append('|');
                }
                out.append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(StoreConfig.SQLITE.equals(config.kind())
                ? "jdbc:sqlite:" + config.sqliteFile().toAbsolutePath() : config.jdbcUrl());
    }

    @Override
    public void close() {
        try {
            writer.close();
            store.close();
        } finally {
            dropSchema.run();
        }
    }

    static TenantConfig tenant(String id, String region, List<DestinationConfig> destinations) {
        return new TenantConfig(id, List.of(new byte[32]), region, Optional.empty(), Duration.ofMinutes(5), destinations, false);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static void run(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves. */
    static final class MutableClock implements InstantSource {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

    }
}
