package dev.sluice.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** SQLite files as tests need them. */
public final class SqliteFiles {
    private SqliteFiles() {
    }

    /**
     * An empty database in WAL mode with 4 KiB pages, as SQLite's defaults and earlier versions of
     * Sluice created it (new ones get 8 KiB pages); its directories are created.
     */
    public static Path olderDatabase(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = 4096");
            s.execute("PRAGMA journal_mode = WAL");
            // The first write fixes the page size; the schema stays empty, as Flyway expects.
            s.execute("CREATE TABLE probe (x INTEGER)");
            s.execute("DROP TABLE probe");
        }
        return file;
    }

    /** The value of a {@code PRAGMA} on {@code connection}, e.g. {@code page_size}. */
    public static String pragma(Connection connection, String name) throws SQLException {
        try (Statement s = connection.createStatement(); var rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
