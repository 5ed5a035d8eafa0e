package dev.sluice.config;

import dev.sluice.store.SqliteLogSizes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where events are committed.
 *
 * @param kind        {@code sqlite} (embedded, default) or {@code postgres}
 * @param sqliteFile  the SQLite database file
 * @param jdbcUrl     PostgreSQL JDBC URL
 * @param user        PostgreSQL user
 * @param password    PostgreSQL password, from a secret reference
 * @param poolSize    PostgreSQL connection pool size
 * @param sqliteLog   SQLite: the write-ahead log's sizes
 */
public record StoreSettings(String kind, Path sqliteFile, String jdbcUrl, String user, Optional<Secret> password,
                            int poolSize, SqliteLogSizes sqliteLog) {

    /**
     * Shows everything but secrets: {@link Secret} hides the password, and a {@code password=} in
     * the URL is shown as {@code ***} (the record's own toString printed it until session 40).
     */
    @Override
    public String toString() {
        return "StoreSettings[kind=" + kind + ", sqliteFile=" + sqliteFile + ", jdbcUrl="
                + dev.sluice.store.StoreConfig.redactedUrl(jdbcUrl) + ", user=" + user + ", password=" + password
                + ", poolSize=" + poolSize + ", sqliteLog=" + sqliteLog + "]";
    }
}
