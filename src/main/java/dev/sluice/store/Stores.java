package dev.sluice.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Opens a {@link Store}: creates what is missing, migrates the schema, returns it ready to use. */
public final class Stores {

    private static final System.Logger LOG = System.getLogger(Stores.class.getName());

    private Stores() {
    }

    /**
     * Opens the store described by {@code config}. For SQLite the file and its parent
     * directories are created; for PostgreSQL the pool is started. Either way the schema is then
     * migrated with Flyway ({@code db/migration/<kind>}) before the store is returned.
     *
     * @throws StoreException when the database cannot be reached, created or migrated
     */
    public static Store open(StoreConfig config) {
        Objects.requireNonNull(config, "config");
        return switch (config.kind()) {
            case StoreConfig.SQLITE -> openSqlite(config, true);
            case StoreConfig.POSTGRES -> openPostgres(config, true);
            default -> throw new IllegalArgumentException("kind must be sqlite or postgres");
        };
    }

    /**
     * Opens an existing store for a command that only reads it (a report): nothing is created or
     * migrated. A SQLite file that is not there, or a database without Sluice's schema or with an
     * older one, is a {@link StoreException}: until session 39 a report created the schema in an
     * empty PostgreSQL database (and reported zeros) or migrated a shared one under its gateways.
     */
    public static Store openExisting(StoreConfig config) {
        Objects.requireNonNull(config, "config");
        return switch (config.kind()) {
            case StoreConfig.SQLITE -> {
                if (!Files.isRegularFile(config.sqliteFile())) {
                    throw new StoreException("no SQLite database at " + config.sqliteFile().toAbsolutePath()
                            + " (check the configuration's data-dir: a reader creates none)");
                }
                yield openSqlite(config, false);
            }
            case StoreConfig.POSTGRES -> openPostgres(config, false);
            default -> throw new IllegalArgumentException("kind must be sqlite or postgres");
        };
    }

    /**
     * Gives {@code path} the POSIX permissions {@code permissions} (e.g. {@code rw-------}) where
     * the file system has them. A new database file is the gateway user's alone: SQLite creates
     * its {@code -wal} and {@code -shm} with the database's permissions, and until session 40 all
     * three were readable by every local user (event and order ids, the ledger, the audit chain).
     */
    public static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows and the like: the directory's access control applies.
        }
    }

    private static Store openSqlite(StoreConfig config, boolean migrate) {
        Path absolute = config.sqliteFile().toAbsolutePath();
        if (!migrate) {
            String url = "jdbc:sqlite:" + absolute;
            validate(SqliteConnections.dataSource(url, true), StoreConfig.SQLITE);
            try {
                return new JdbcStore(SqliteConnections.open(absolute, config.sqliteLog()));
            } catch (SQLException e) {
                throw new StoreException("cannot open sqlite store " + absolute + sqlState(e), e);
            }
        }
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the store directory " + absolute.getParent(), e);
        }
        String url = "jdbc:sqlite:" + absolute;
        Path log = absolute.resolveSibling(absolute.getFileName() + "-wal");
        try {
            if ((!Files.exists(absolute) || Files.size(absolute) == 0) && Files.exists(log) && Files.size(log) > 0) {
                // The log of a database that is gone: it was deleted (or moved) while a gateway had
                // it open. Starting on an empty database here hid the loss until session 40.
                throw new StoreException("found " + log.getFileName() + " but no " + absolute.getFileName() + " in "
                        + absolute.getParent() + ": the database was deleted or moved while in use; restore it from a"
                        + " backup, or remove " + log.getFileName() + " (and -shm) to start with an empty database");
            }
        } catch (IOException e) {
            throw new StoreException("cannot read the store directory " + absolute.getParent(), e);
        }
        try {
            if (SqliteTemplate.copyIfNew(absolute)) {
                ownerOnly(absolute, "rw-------");
                LOG.log(Level.INFO, "store created kind=sqlite file={0} page_size={1} from=template", absolute,
                        Integer.toString(SqliteConnections.NEW_DATABASE_PAGE_SIZE));
            } else if (SqliteConnections.createIfMissing(absolute)) {
                ownerOnly(absolute, "rw-------");
                LOG.log(Level.INFO, "store created kind=sqlite file={0} page_size={1}", absolute,
                        Integer.toString(SqliteConnections.NEW_DATABASE_PAGE_SIZE));
            }
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot create sqlite store " + absolute, e);
        }
        migrate(SqliteConnections.dataSource(url, true), StoreConfig.SQLITE);
        try {
            Store store = new JdbcStore(SqliteConnections.open(absolute, config.sqliteLog()));
            LOG.log(Level.INFO, "store opened kind=sqlite file={0} log_restart_bytes={1} log_backstop_bytes={2} native_library={3}",
                    absolute, Long.toString(config.sqliteLog().restartBytes()), Long.toString(config.sqliteLog().backstopBytes()),
                    SqliteNativeLibrary.source().label());
            return store;
        } catch (SQLException e) {
            throw StoreException.of("cannot open sqlite store " + absolute, e);
        }
    }

    /**
     * Rewrites an existing SQLite database with {@code pageSize} pages (a power of two from 512 to
     * 65,536), for a database created before new ones got 8 KiB pages. Run it with the gateway
     * stopped: it needs the file to itself, and fails at once, changing nothing, while another
     * process has it open. It rewrites the whole file, so it needs as much free disk again.
     *
     * @return the page sizes before and after
     * @throws StoreException when the file is not there or in use, or the rewrite fails
     */
    public static PageSizes convertSqlitePageSize(Path file, int pageSize) {
        if (pageSize < 512 || pageSize > 65_536 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two from 512 to 65536");
        }
        if (!Files.isRegularFile(file)) {
            throw new StoreException("no SQLite database at " + file);
        }
        try {
            return new PageSizes(SqliteConnections.convertPageSize(file, pageSize), pageSize);
        } catch (SQLException e) {
            // SQLITE_BUSY (5) and its extended codes: another connection has the file open.
            boolean busy = e instanceof org.sqlite.SQLiteException se && (se.getResultCode().code & 0xff) == 5;
            String why = busy ? "the database is in use (stop the gateway first)" : StoreException.code(e);
            throw new StoreException("cannot change the page size of " + file + ": " + why, e);
        }
    }

    /** A database's page size before and after {@link #convertSqlitePageSize}. */
    public record PageSizes(int before, int after) {
    }

    private static Store openPostgres(StoreConfig config, boolean migrate) {
        HikariDataSource pool;
        try {
            pool = PostgresConnections.pool(config);
        } catch (RuntimeException e) {
            // Hikari fails fast when the first connection cannot be made. The SQL state says why
            // (08001: refused or unreachable; 28P01/28000: authentication; 3D000: no such
            // database) without the URL, which may carry a password.
            throw new StoreException("cannot connect to postgres" + sqlState(e), e);
        }
        try {
            if (migrate) {
                migrate(pool, StoreConfig.POSTGRES);
            } else {
                validate(pool, StoreConfig.POSTGRES);
            }
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        LOG.log(Level.INFO, "store opened kind=postgres pool={0}", config.poolSize());
        return new JdbcStore(new PostgresConnections(pool));
    }

    /** " (sqlstate X)" of the first SQL exception among {@code e}'s causes, or nothing. */
    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getSQLState() != null || sql instanceof org.sqlite.SQLiteException)) {
                return " (" + StoreException.code(sql) + ")";
            }
        }
        return "";
    }

    /**
     * Creates a new SQLite database at {@code file} and migrates it from scratch, as a start would
     * without the template: the build's step for {@link SqliteTemplate}, and the reference its
     * test compares the template with.
     */
    static void migrateNew(Path file) throws SQLException, IOException {
        if (!SqliteConnections.createIfMissing(file)) {
            throw new IllegalStateException(file + " is not a new database");
        }
        migrate(SqliteConnections.dataSource("jdbc:sqlite:" + file.toAbsolutePath(), true), StoreConfig.SQLITE);
    }

    /** Checks that the schema is this build's, changing nothing: a missing or older one fails. */
    private static void validate(DataSource dataSource, String kind) {
        try {
            Flyway.configure(Stores.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/" + kind)
                    .failOnMissingLocations(true)
                    .load()
                    .validate();
        } catch (RuntimeException e) {
            throw new StoreException("the database has no Sluice schema of this version (kind=" + kind
                    + "); a gateway of this version creates or migrates it when it starts" + sqlState(e), e);
        }
    }

    private static void migrate(DataSource dataSource, String kind) {
        try {
            MigrateResult result = Flyway.configure(Stores.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/" + kind)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            // With nothing to apply Flyway reports no target version (the log said version=null
            // on every restart until session 36); the schema is then at its initial one.
            LOG.log(Level.INFO, "store migrated kind={0} applied={1} version={2}",
                    kind, result.migrationsExecuted,
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
        } catch (RuntimeException e) {
            // Why, without data: SQLite's result code or PostgreSQL's SQL state when there is one
            // (SQLITE_NOTADB: the file is not a database), else the first line of Flyway's own
            // message (e.g. a database that has tables but no migration history), which names
            // schemas and migrations, never rows.
            String why = sqlState(e);
            if (why.isEmpty() && e.getMessage() != null) {
                String first = e.getMessage().strip().lines().findFirst().orElse("");
                why = ": " + (first.length() > 200 ? first.substring(0, 200) + "..." : first);
            }
            throw new StoreException("schema migration failed kind=" + kind + why, e);
        }
    }
}
