package dev.sluice.ledger;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.store.StoreConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh database for one ledger test: a SQLite file in a temporary directory, or a fresh schema
 * in the PostgreSQL named by {@code SLUICE_TEST_POSTGRES_URL} (skipped without it, failed under
 * {@code CI=true}, as the store suite does).
 */
interface LedgerDatabase extends AutoCloseable {

    StoreConfig config();

    @Override
    void close();

    static LedgerDatabase sqlite(Path dir) {
        StoreConfig config = StoreConfig.sqlite(dir.resolve("ledger.db"));
        return new LedgerDatabase() {
            @Override
            public StoreConfig config() {
                return config;
            }

            @Override
            public void close() {
                // JUnit removes the temporary directory.
            }
        };
    }

    static LedgerDatabase postgres() {
        String adminUrl = System.getenv("SLUICE_TEST_POSTGRES_URL");
        if (adminUrl == null || adminUrl.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("SLUICE_TEST_POSTGRES_URL is not set, but CI=true: the PostgreSQL ledger suite must run in CI");
            }
            Assumptions.abort("SLUICE_TEST_POSTGRES_URL is not set: skipping the PostgreSQL ledger suite");
        }
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        String schema = "sluice_ledger_" + HexFormat.of().formatHex(random);
        run(adminUrl, "CREATE SCHEMA " + schema);
        String url = adminUrl + (adminUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        StoreConfig config = StoreConfig.postgres(url, null, Optional.empty(), 4);
        return new LedgerDatabase() {
            @Override
            public StoreConfig config() {
                return config;
            }

            @Override
            public void close() {
                run(adminUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        };
    }

    private static void run(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
