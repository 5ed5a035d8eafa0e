package dev.sluice.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and how to open the store.
 *
 * @param kind       {@code "sqlite"} or {@code "postgres"}
 * @param sqliteFile the database file, for {@code sqlite}; parent directories are created
 * @param jdbcUrl    a {@code jdbc:postgresql:} URL, for {@code postgres}
 * @param user       the database user, or {@code null} when the URL names it
 * @param password   the database password, if any; {@link #toString()} never shows it
 * @param poolSize   maximum connections, at least 1 (PostgreSQL pool size)
 * @param sqliteLog  the write-ahead log's sizes, for {@code sqlite}
 */
public record StoreConfig(String kind, Path sqliteFile, String jdbcUrl, String user, Optional<String> password,
                          int poolSize, SqliteLogSizes sqliteLog) {

    /** Kind of the embedded single-file store. */
    public static final String SQLITE = "sqlite";
    /** Kind of the shared PostgreSQL store. */
    public static final String POSTGRES = "postgres";

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    /** Validates that the settings the kind needs are present. */
    public StoreConfig {
        Objects.requireNonNull(kind, "kind");
        password = password == null ? Optional.empty() : password;
        sqliteLog = sqliteLog == null ? SqliteLogSizes.DEFAULT : sqliteLog;
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1");
        }
        switch (kind) {
            case SQLITE -> Objects.requireNonNull(sqliteFile, "sqliteFile is required for kind sqlite");
            case POSTGRES -> {
                Objects.requireNonNull(jdbcUrl, "jdbcUrl is required for kind postgres");
                if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:");
                }
            }
            default -> throw new IllegalArgumentException("kind must be sqlite or postgres");
        }
    }

    /** As the canonical constructor, with the default write-ahead log sizes. */
    public StoreConfig(String kind, Path sqliteFile, String jdbcUrl, String user, Optional<String> password,
                       int poolSize) {
        this(kind, sqliteFile, jdbcUrl, user, password, poolSize, SqliteLogSizes.DEFAULT);
    }

    /** An embedded SQLite store in {@code file}. */
    public static StoreConfig sqlite(Path file) {
        return sqlite(file, SqliteLogSizes.DEFAULT);
    }

    /** An embedded SQLite store in {@code file} whose write-ahead log has the given sizes. */
    public static StoreConfig sqlite(Path file, SqliteLogSizes log) {
        return new StoreConfig(SQLITE, file, null, null, Optional.empty(), 1, log);
    }

    /** A PostgreSQL store; {@code user} may be {@code null} when the URL carries it. */
    public static StoreConfig postgres(String jdbcUrl, String user, Optional<String> password, int poolSize) {
        return new StoreConfig(POSTGRES, null, jdbcUrl, user, password, poolSize);
    }

    /** {@code jdbcUrl} with the value of any {@code password=} parameter shown as {@code ***}; null stays null. */
    public static String redactedUrl(String jdbcUrl) {
        return jdbcUrl == null ? null : URL_PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
    }

    /** Shows everything but secrets: the password and any {@code password=} in the URL. */
    @Override
    public String toString() {
        String url = redactedUrl(jdbcUrl);
        return "StoreConfig[kind=" + kind + ", sqliteFile=" + sqliteFile + ", jdbcUrl=" + url + ", user=" + user
                + ", password=" + (password.isPresent() ? "***" : "<none>") + ", poolSize=" + poolSize
                + ", sqliteLog=" + sqliteLog + "]";
    }
}
