package dev.sluice.store;

import org.sqlite.util.LibraryLoaderUtil;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Locale;
import java.util.Optional;

/**
 * Points sqlite-jdbc at the copy of its native library that the build unpacked beside the
 * driver's jar, so that no start extracts it.
 *
 * <p>Left to itself, the driver copies the library for the running platform out of its jar into
 * {@code java.io.tmpdir} on every start (under a new name each time), reads both copies back to
 * compare them, and loads the copy: about 90 ms of a start on a 2-core machine, on the thread that
 * opens the store, which startup waits for (docs/benchmarks.md, session 37), and a writable,
 * executable {@code /tmp} for a container. The build unpacks the Linux, Linux-Musl and macOS
 * libraries (x86-64 and ARM64) of the very jar it copies into {@code target/libs} into
 * {@code target/libs/sqlite-jdbc-<version>-native/} (pom.xml); the directory is found by the name
 * of the jar the driver's classes come from, so a different driver jar never loads another
 * version's library. Where there is no such copy (another platform, a class path of Maven's
 * repository as in the tests, an operator's own {@code org.sqlite.lib.path}), the driver does what
 * it always does.
 */
final class SqliteNativeLibrary {
    /** The driver's own properties: a directory to load the library from, and the file's name. */
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    /** What the build appends to the driver jar's name (without {@code .jar}) for the unpacked directory. */
    static final String DIRECTORY_SUFFIX = "-native";

    /**
     * Where Sluice told the driver to load the library from, for the store's startup line. (A
     * copy that cannot be loaded, say from a file system mounted {@code noexec}, makes the driver
     * go on to its own search.)
     */
    enum Source {
        /** The build's unpacked copy beside the driver's jar. */
        UNPACKED,
        /** {@code org.sqlite.lib.path} was set before Sluice looked: the operator's choice. */
        CONFIGURED,
        /** The driver's own search: extracted from its jar into the temporary directory. */
        DRIVER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Source SOURCE = choose();

    private SqliteNativeLibrary() {
    }

    /** Where the library is (or will be) loaded from; the choice is made once, before any connection. */
    static Source source() {
        return SOURCE;
    }

    private static Source choose() {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return Source.CONFIGURED;
        }
        Optional<Path> unpacked = driverJar().flatMap(jar -> unpacked(jar,
                LibraryLoaderUtil.getNativeLibResourcePath(), LibraryLoaderUtil.getNativeLibName()));
        if (unpacked.isEmpty()) {
            return Source.DRIVER;
        }
        System.setProperty(NAME_PROPERTY, unpacked.get().getFileName().toString());
        System.setProperty(PATH_PROPERTY, unpacked.get().getParent().toString());
        return Source.UNPACKED;
    }

    /**
     * The unpacked library for a driver loaded from {@code driverJar}: {@code resourcePath} (the
     * driver's folder for this platform, such as {@code /org/sqlite/native/Linux/x86_64}) and
     * {@code libraryName} under {@code <jar name without .jar>-native} beside the jar, when that is
     * a regular file.
     */
    static Optional<Path> unpacked(Path driverJar, String resourcePath, String libraryName) {
        String jarName = driverJar.getFileName() == null ? "" : driverJar.getFileName().toString();
        Path parent = driverJar.toAbsolutePath().getParent();
        if (!jarName.endsWith(".jar") || parent == null) {
            return Optional.empty();
        }
        String relative = resourcePath.startsWith("/") ? resourcePath.substring(1) : resourcePath;
        Path library = parent.resolve(jarName.substring(0, jarName.length() - ".jar".length()) + DIRECTORY_SUFFIX)
                .resolve(relative).resolve(libraryName);
        return Files.isRegularFile(library) ? Optional.of(library) : Optional.empty();
    }

    /** The jar the driver's classes were loaded from, if they came from a jar file. */
    private static Optional<Path> driverJar() {
        try {
            CodeSource source = LibraryLoaderUtil.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
                return Optional.empty();
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            // A class path this cannot read: the driver's own search still works.
            return Optional.empty();
        }
    }
}
