package dev.sluice.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice store page-size}: rewrites a database an earlier version created with 4 KiB pages. */
final class StoreCommandTest {

    @TempDir
    Path dir;
    Path config;
    Path database;

    @BeforeEach
    void olderDatabase() throws Exception {
        config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                sluice:
                  data-dir: %s
                  crypto:
                    generate-demo-key: true
                  tenants:
                    - id: shop
                      api-key-hashes: ["sha256:%s"]
                      destinations:
                        - id: g
                          type: google_ads
                """.formatted(dir.resolve("data"), "ab".repeat(32)));
        database = dir.resolve("data").resolve("sluice.db");
        Files.createDirectories(database.getParent());
        // As SQLite's defaults, and earlier versions of Sluice, created it: 4 KiB pages.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = 4096");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("CREATE TABLE probe (x INTEGER)");
            s.execute("DROP TABLE probe");
        }
        try (Store store = Stores.open(StoreConfig.sqlite(database))) {
            assertThat(pageSize(store), is(4096L));
        }
    }

    @Test
    void pageSize_rewritesTheConfiguredDatabaseWith8KiBPages_once() throws Exception {
        assertThat(run(0, "store", "page-size", "--config", config.toString()),
                containsString("pages of 4096 bytes rewritten as 8192"));
        assertThat(run(0, "store", "page-size", "--config", config.toString()),
                containsString("already has 8192-byte pages"));

        try (Store store = Stores.open(StoreConfig.sqlite(database))) {
            assertThat(pageSize(store), is(8192L));
            assertThat(store.sql().read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            }), is("wal"));
        }
    }

    @Test
    void pageSize_refusesWhileTheDatabaseIsInUse_andABadSize() throws Exception {
        try (Store running = Stores.open(StoreConfig.sqlite(database))) {
            assertThat(runErr(1, "store", "page-size", "--config", config.toString()),
                    containsString("the database is in use (stop the gateway first)"));
            assertThat(pageSize(running), is(4096L));
        }
        assertThat(runErr(2, "store", "page-size", "--config", config.toString(), "--size", "5000"),
                containsString("--size: page size must be a power of two"));
    }

    private static long pageSize(Store store) throws Exception {
        return store.sql().read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String run(int exitCode, String... args) {
        PrintStream previous = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(SluiceCommand.run(args), is(exitCode));
        } finally {
            System.setOut(previous);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String runErr(int exitCode, String... args) {
        PrintStream previous = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(SluiceCommand.run(args), is(exitCode));
        } finally {
            System.setErr(previous);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
