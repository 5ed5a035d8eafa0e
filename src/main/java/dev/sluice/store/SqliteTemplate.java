package dev.sluice.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A new embedded database starts as a copy of one the build migrated, instead of being migrated
 * at start.
 *
 * <p>Migrating a new file runs every SQLite migration through Flyway's SQL parser on the thread
 * that opens the store, which startup waits for: on a new data directory (a new pod's
 * {@code emptyDir}, a first start) that was the longest step of a start (docs/benchmarks.md,
 * session 37). The build migrates an empty database with these very migrations (pom.xml, execution
 * {@code sqlite-template}) and packs it with the list of the migrations it holds and a SHA-256 of
 * each. A start that finds no database file copies it into place (written beside it, synced,
 * then linked to the database's name, so a crash leaves no half database and a file another
 * process made meanwhile is never replaced), and Flyway then finds the
 * schema at the template's version: it validates the history as at any start and applies only what
 * came later. The copy is used only when every migration it lists is on the class path with the
 * same bytes; otherwise (a class path whose migrations were edited without a rebuild, a jar without
 * the template) the new file is migrated as before.
 */
final class SqliteTemplate {
    /** Where the build puts the migrated database and its list of migrations, on the class path. */
    static final String DATABASE = "db/sqlite-template/sluice.db";
    static final String MIGRATIONS = "db/sqlite-template/migrations";
    /** The SQLite migrations' location on the class path (Stores.migrate). */
    static final String MIGRATION_DIRECTORY = "db/migration/sqlite/";

    private static final System.Logger LOG = System.getLogger(SqliteTemplate.class.getName());

    /** Opens a class-path resource by name, or returns null when there is none. */
    @FunctionalInterface
    interface Resources {
        InputStream open(String name) throws IOException;
    }

    private SqliteTemplate() {
    }

    /** {@link #copyIfNew(Path, Resources)} from this class's class path. */
    static boolean copyIfNew(Path file) throws IOException {
        ClassLoader loader = SqliteTemplate.class.getClassLoader();
        return copyIfNew(file, loader::getResourceAsStream);
    }

    /**
     * Copies the template to {@code file} when there is no such file and the template matches the
     * migrations in {@code resources}. An existing file, even an empty one (which SQLite makes
     * when it opens a new database, before its first write), is left to SQLite as before.
     *
     * @return whether the file is now the template's copy
     */
    static boolean copyIfNew(Path file, Resources resources) throws IOException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        // A log left beside a missing database (deleted without its -wal file) would be read into
        // the copy as if it were the copy's own: leave that file to SQLite, as before.
        if (Files.exists(Path.of(file + "-wal"))) {
            return false;
        }
        if (!matches(resources)) {
            return false;
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".template-" + UUID.randomUUID());
        try {
            try (InputStream in = resources.open(DATABASE)) {
                if (in == null) {
                    return false;
                }
                Files.copy(in, temporary);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            // A second name for the synced copy: the database is there whole or not at all, and a
            // file another process made in the meantime is never replaced (the link then fails).
            Files.createLink(file, temporary);
            syncDirectory(file.toAbsolutePath().getParent());
            return true;
        } catch (IOException e) {
            // The copy is a shortcut: whatever stops it (a full disk, a file system without hard
            // links, a file another process made first) leaves the file as it was, and the new
            // database is made as before, which reports a failure of its own if the cause persists.
            LOG.log(System.Logger.Level.WARNING, "event=store_template_unused file={0} reason={1}", file,
                    e.getClass().getSimpleName());
            return false;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }


    /** Whether the template is there and every migration it lists is in {@code resources} with the bytes it was built from. */
    static boolean matches(Resources resources) throws IOException {
        String listing;
        try (InputStream in = resources.open(MIGRATIONS)) {
            if (in == null) {
                return false;
            }
            listing = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = listing.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            return false;
        }
        for (String line : lines) {
            int space = line.indexOf(' ');
            if (space < 0) {
                return false;
            }
            try (InputStream in = resources.open(MIGRATION_DIRECTORY + line.substring(space + 1))) {
                if (in == null || !line.substring(0, space).equals(sha256(in.readAllBytes()))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The build step: migrates a new database under {@code <classes>/db/sqlite-template/} with the
     * migrations under {@code <classes>/db/migration/sqlite/} and lists them beside it.
     *
     * @param args the classes directory (target/classes)
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SqliteTemplate <classes directory>");
        }
        Path classes = Path.of(args[0]);
        Path database = classes.resolve(DATABASE);
        Files.createDirectories(database.getParent());
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(database + suffix));
        }
        Stores.migrateNew(database);
        for (String suffix : List.of("-wal", "-shm")) {
            if (Files.exists(Path.of(database + suffix))) {
                throw new IllegalStateException(database + suffix + " was left: the template must be one file");
            }
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> migrations = Files.list(classes.resolve(MIGRATION_DIRECTORY))) {
            for (Path migration : migrations.sorted().toList()) {
                lines.add(sha256(Files.readAllBytes(migration)) + " " + migration.getFileName());
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException("no migrations under " + classes.resolve(MIGRATION_DIRECTORY));
        }
        Files.write(classes.resolve(MIGRATIONS), lines, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }

    /** Makes the rename durable (Linux: the directory's entry is synced with the directory). */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every platform opens a directory (Windows); the file itself is synced.
        }
    }
}
