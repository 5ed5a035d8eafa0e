package dev.sluice.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The build's unpacked copy of SQLite's native library is what a start loads, without extracting
 * one into the temporary directory (docs/benchmarks.md, session 37); without a copy, or with the
 * operator's own {@code org.sqlite.lib.path}, the driver does as it always did.
 */
class SqliteNativeLibraryTest {
    private static final String FOLDER = "/org/sqlite/native/Linux/x86_64";
    private static final String NAME = "libsqlitejdbc.so";

    @Test
    void findsTheLibraryUnpackedBesideTheDriverJarUnderTheJarsName(@TempDir Path libs) throws IOException {
        Path jar = Files.createFile(libs.resolve("sqlite-jdbc-3.54.1.0.jar"));
        Path library = libs.resolve("sqlite-jdbc-3.54.1.0-native/org/sqlite/native/Linux/x86_64").resolve(NAME);
        Files.createDirectories(library.getParent());
        Files.write(library, new byte[] {1});

        assertEquals(Optional.of(library.toAbsolutePath()), SqliteNativeLibrary.unpacked(jar, FOLDER, NAME));
    }

    @Test
    void findsNothingForAnotherVersionsJarAnotherPlatformOrAClassesDirectory(@TempDir Path libs) throws IOException {
        Path library = libs.resolve("sqlite-jdbc-3.54.1.0-native/org/sqlite/native/Linux/x86_64").resolve(NAME);
        Files.createDirectories(library.getParent());
        Files.write(library, new byte[] {1});
        Path otherVersion = Files.createFile(libs.resolve("sqlite-jdbc-3.55.0.0.jar"));
        Path sameVersion = Files.createFile(libs.resolve("sqlite-jdbc-3.54.1.0.jar"));

        assertEquals(Optional.empty(), SqliteNativeLibrary.unpacked(otherVersion, FOLDER, NAME));
        assertEquals(Optional.empty(), SqliteNativeLibrary.unpacked(sameVersion, "/org/sqlite/native/Mac/aarch64", "libsqlitejdbc.dylib"));
        assertEquals(Optional.empty(), SqliteNativeLibrary.unpacked(libs.resolve("classes"), FOLDER, NAME));
    }

    @Test
    void aDirectoryWhereTheLibraryShouldBeIsNotALibrary(@TempDir Path libs) throws IOException {
        Path jar = Files.createFile(libs.resolve("sqlite-jdbc-3.54.1.0.jar"));
        Files.createDirectories(libs.resolve("sqlite-jdbc-3.54.1.0-native/org/sqlite/native/Linux/x86_64").resolve(NAME));

        assertEquals(Optional.empty(), SqliteNativeLibrary.unpacked(jar, FOLDER, NAME));
    }

    @Test
    void aStartLoadsTheUnpackedLibraryAndExtractsNothing(@TempDir Path dir) throws Exception {
        Path libs = buildLayout(dir);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        List<String> out = child(libs, tmp, List.of());

        assertEquals("source=unpacked", out.get(0), String.join("\n", out));
        assertTrue(out.get(1).startsWith("sqlite=3."), String.join("\n", out));
        assertEquals(List.of(), extracted(tmp), "nothing extracted into the temporary directory");
        Path unpacked = libs.resolve(nativeDirectory()).resolve(LibraryLoaderUtil.getNativeLibResourcePath().substring(1))
                .resolve(LibraryLoaderUtil.getNativeLibName());
        if (out.size() > 2) {
            // Linux: the library the process mapped.
            assertEquals("mapped=" + unpacked.toRealPath(), out.get(2));
        }
    }

    @Test
    void withoutAnUnpackedCopyTheDriverExtractsAsBefore(@TempDir Path dir) throws Exception {
        Path libs = buildLayout(dir);
        deleteTree(libs.resolve(nativeDirectory()));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        List<String> out = child(libs, tmp, List.of());

        assertEquals("source=driver", out.get(0), String.join("\n", out));
        assertTrue(out.get(1).startsWith("sqlite=3."), String.join("\n", out));
        if (out.size() > 2) {
            assertTrue(out.get(2).startsWith("mapped=" + tmp.toRealPath()), String.join("\n", out));
        }
    }

    @Test
    void theOperatorsOwnLibraryPathIsLeftAlone(@TempDir Path dir) throws Exception {
        Path libs = buildLayout(dir);
        Path own = libs.resolve(nativeDirectory()).resolve(LibraryLoaderUtil.getNativeLibResourcePath().substring(1));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        List<String> out = child(libs, tmp, List.of("-D" + SqliteNativeLibrary.PATH_PROPERTY + "=" + own));

        assertEquals("source=configured", out.get(0), String.join("\n", out));
        assertTrue(out.get(1).startsWith("sqlite=3."), String.join("\n", out));
        assertEquals(List.of(), extracted(tmp));
    }

    /**
     * Run in a child JVM, so that the library is not already loaded: decides where it comes from,
     * opens a connection, and prints the source, SQLite's version and (Linux) the mapped library.
     */
    public static final class Child {
        public static void main(String[] args) throws SQLException, IOException {
            System.out.println("source=" + SqliteNativeLibrary.source().label());
            try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
                rs.next();
                System.out.println("sqlite=" + rs.getString(1));
            }
            Path maps = Path.of("/proc/self/maps");
            if (Files.isReadable(maps)) {
                try (Stream<String> lines = Files.lines(maps)) {
                    lines.filter(line -> line.contains("sqlitejdbc")).map(line -> line.substring(line.indexOf('/')))
                            .distinct().forEach(path -> System.out.println("mapped=" + path));
                }
            }
        }
    }

    /**
     * A {@code libs} directory as the build leaves it: a copy of the driver jar the tests run
     * with, and beside it its library for this platform, unpacked from that jar.
     */
    private static Path buildLayout(Path dir) throws Exception {
        Path driver = Path.of(LibraryLoaderUtil.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(Files.isRegularFile(driver), "the driver is not on the class path as a jar");
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        Path libs = Files.createDirectories(dir.resolve("libs"));
        Files.copy(driver, libs.resolve(driver.getFileName()));
        try (InputStream in = LibraryLoaderUtil.class.getResourceAsStream(resource)) {
            assumeTrue(in != null, "the driver has no native library for this platform");
            Path library = libs.resolve(nativeDirectory()).resolve(resource.substring(1));
            Files.createDirectories(library.getParent());
            Files.copy(in, library);
        }
        return libs;
    }

    /** The directory name the build gives the unpacked libraries of the driver jar the tests run with. */
    private static String nativeDirectory() throws Exception {
        String jar = Path.of(LibraryLoaderUtil.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getFileName().toString();
        return jar.substring(0, jar.length() - ".jar".length()) + SqliteNativeLibrary.DIRECTORY_SUFFIX;
    }

    private static List<String> child(Path libs, Path tmp, List<String> properties) throws Exception {
        Path driverCopy;
        try (Stream<Path> files = Files.list(libs)) {
            driverCopy = files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        String classPath = String.join(java.io.File.pathSeparator, Path.of("target", "classes").toAbsolutePath().toString(),
                Path.of("target", "test-classes").toAbsolutePath().toString(), driverCopy.toString());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Dorg.sqlite.tmpdir=" + tmp, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(properties);
        command.addAll(List.of("-cp", classPath, Child.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.lines().filter(line -> line.matches("^(source|sqlite|mapped)=.*")).toList();
    }

    private static List<String> extracted(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("sqlite-")).toList();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
