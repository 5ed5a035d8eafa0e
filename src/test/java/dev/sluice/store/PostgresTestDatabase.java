package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema in the PostgreSQL named by {@code SLUICE_TEST_POSTGRES_URL}, made current for
 * Flyway and the store through the URL's {@code currentSchema}, dropped afterwards.
 *
 * <p>Without that variable the PostgreSQL tests are skipped, except under {@code CI=true},
 * where they fail: CI must never pass by silently not testing PostgreSQL.
 */
final class PostgresTestDatabase implements TestDatabase {

    static final String URL_VARIABLE = "SLUICE_TEST_POSTGRES_URL";

    private final String adminUrl;
    private final String schema;
    private final String url;

    private PostgresTestDatabase(String adminUrl, String schema) {
        this.adminUrl = adminUrl;
        this.schema = schema;
        this.url = adminUrl + (adminUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Skips (or under CI fails) the calling test when no PostgreSQL is configured. */
    static String requireUrl() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(URL_VARIABLE + " is not set, but CI=true: the PostgreSQL store suite must run in CI");
            }
            Assumptions.abort(URL_VARIABLE + " is not set: skipping the PostgreSQL store suite"
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)");
        }
        return url;
    }

    static PostgresTestDatabase create() {
        String adminUrl = requireUrl();
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        PostgresTestDatabase db = new PostgresTestDatabase(adminUrl, "sluice_test_" + HexFormat.of().formatHex(random));
        db.run(adminUrl, "CREATE SCHEMA " + db.schema);
        return db;
    }

    @Override
    public StoreConfig config() {
        return StoreConfig.postgres(url, null, Optional.empty(), 4);
    }

    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    public void failOutboxInsertsFor(String destinationId) {
        execute("CREATE FUNCTION fail_" + destinationId + "() RETURNS trigger LANGUAGE plpgsql"
                + " AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$");
        execute("CREATE TRIGGER fail_" + destinationId + " BEFORE INSERT ON outbox FOR EACH ROW"
                + " WHEN (NEW.destination_id = '" + destinationId + "') EXECUTE FUNCTION fail_" + destinationId + "()");
    }

    @Override
    public void close() {
        run(adminUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void run(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
