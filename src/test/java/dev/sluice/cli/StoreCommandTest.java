package dev.sluice.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import dev.sluice.testing.SqliteFiles;
import java.nio.file.Path;
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
        config = CommandRuns.config(dir.resolve("sluice.yaml"), dir.resolve("data"), "shop", "google_ads", "");
        database = SqliteFiles.olderDatabase(dir.resolve("data").resolve("sluice.db"));
        try (Store store = Stores.open(StoreConfig.sqlite(database))) {
            assertThat(pageSize(store), is(4096L));
        }
    }

    @Test
    void pageSize_rewritesTheConfiguredDatabaseWith8KiBPages_once() throws Exception {
        assertThat(CommandRuns.out(0, "store", "page-size", "--config", config.toString()),
                containsString("pages of 4096 bytes rewritten as 8192"));
        assertThat(CommandRuns.out(0, "store", "page-size", "--config", config.toString()),
                containsString("already has 8192-byte pages"));

        try (Store store = Stores.open(StoreConfig.sqlite(database))) {
            assertThat(pageSize(store), is(8192L));
            assertThat(store.sql().read(c -> SqliteFiles.pragma(c, "journal_mode")), is("wal"));
        }
    }

    @Test
    void pageSize_refusesWhileTheDatabaseIsInUse_andABadSize() throws Exception {
        try (Store running = Stores.open(StoreConfig.sqlite(database))) {
            assertThat(CommandRuns.err(1, "store", "page-size", "--config", config.toString()),
                    containsString("the database is in use (stop the gateway first)"));
            assertThat(pageSize(running), is(4096L));
        }
        assertThat(CommandRuns.err(2, "store", "page-size", "--config", config.toString(), "--size", "5000"),
                containsString("--size: page size must be a power of two"));
    }

    private static long pageSize(Store store) throws Exception {
        return Long.parseLong(store.sql().read(c -> SqliteFiles.pragma(c, "page_size")));
    }
}
