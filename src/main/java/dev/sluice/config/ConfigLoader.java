package dev.sluice.config;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds Helidon {@link Config} from, highest priority first: explicit overrides (tests and
 * command-line flags), environment variables, system properties, then the YAML file.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** YAML whatever the file's name ends with (Helidon picks a parser by the extension otherwise). */
    private static final MediaType YAML = MediaTypes.create("application/x-yaml");

    /**
     * Loads {@code file} (YAML, whatever its name) with the usual overrides; fails naming the
     * file when it is missing, not a file, or not YAML, with the parser's line and column but
     * none of the file's text (it may hold secrets).
     */
    public static Config load(Path file, Map<String, String> overrides) {
        Optional<String> unusable = notAFile(file);
        if (unusable.isPresent()) {
            throw new ConfigException("--config", "configuration file " + file + " " + unusable.get());
        }
        try {
            Config config = Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .sources(List.of(
                            ConfigSources.create(overrides),
                            ConfigSources::environmentVariables,
                            ConfigSources.systemProperties(),
                            ConfigSources.file(file).mediaType(YAML)))
                    .build();
            refuseDroppedOverrides(Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .sources(ConfigSources.file(file).mediaType(YAML))
                    .build(), overrides);
            return config;
        } catch (io.helidon.config.ConfigException e) {
            Optional<ConfigException> conflict = overrideConflict(e);
            if (conflict.isPresent()) {
                throw conflict.get();
            }
            throw new ConfigException("--config", "configuration file " + file + " is not a YAML mapping"
                    + where(e).map(at -> " (" + at + ")").orElse(""));
        }
    }

    /**
     * Why {@code file} cannot be read as a configuration file ("is a directory", "does not exist",
     * "is not a regular file": a pipe or a device, which was said not to exist until session 39),
     * or empty when it is a regular file.
     */
    public static Optional<String> notAFile(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("is a directory");
        }
        if (!Files.exists(file)) {
            return Optional.of("does not exist");
        }
        return Files.isRegularFile(file) ? Optional.empty() : Optional.of("is not a regular file");
    }

    // Helidon's merge failure: "sluice: tenants: Cannot merge OBJECT members [1] with an LIST node from ...".
    private static final Pattern MERGE = Pattern.compile("^((?:[A-Za-z0-9_.-]+: )*)Cannot merge (\\w+) members \\[([0-9, ]*)\\] with an? (\\w+) node");

    /**
     * An override (environment variable, system property) that does not fit the file's shape,
     * e.g. {@code SLUICE_TENANTS_1_ID} where the file lists one tenant: overrides change the
     * entries a list has but cannot add entries. Named by its key, not blamed on the file. Only
     * key names and list indexes are taken from Helidon's message, never a value.
     */
    private static Optional<ConfigException> overrideConflict(Throwable e) {
        Matcher m = MERGE.matcher(String.valueOf(e.getMessage()));
        if (!m.find() || !m.group(2).equals("OBJECT") || !m.group(4).equals("LIST")) {
            return Optional.empty();
        }
        String list = m.group(1).replace(": ", ".");
        list = list.endsWith(".") ? list.substring(0, list.length() - 1) : list;
        String first = m.group(3).split(",")[0].strip();
        return Optional.of(new ConfigException(list + "." + first, "an environment variable or system property sets this"
                + " entry, which the configuration file's list " + list + " does not have: overrides can change the"
                + " entries of a list but not add to it; add the entry to the file"));
    }

    /**
     * An override that gives one value to a key the file holds a list or section under
     * ({@code SLUICE_LEDGER_PURCHASE_dash_EVENTS=Lead}, {@code SLUICE_TENANTS_0_API_dash_KEY_dash_HASHES=sha256:...}
     * to rotate a key): the merge keeps the file's list or section and drops the value without a
     * word, so the override did nothing. Named by its key, the value never quoted.
     */
    private static void refuseDroppedOverrides(Config fileOnly, Map<String, String> overrides) {
        java.util.Set<String> keys = new java.util.TreeSet<>(overrides.keySet());
        keys.addAll(io.helidon.config.EnvironmentVariables.expand().keySet());
        keys.addAll(System.getProperties().stringPropertyNames());
        for (String key : keys) {
            Config node;
            try {
                node = fileOnly.get(key);
            } catch (RuntimeException notAKey) {
                continue; // an environment variable or property whose name is no configuration key
            }
            if (node.exists() && !node.isLeaf()) {
                throw new ConfigException(key, "an environment variable or system property gives this one value, but the"
                        + " configuration file has a list or section here, which keeps it and ignores the value: set its"
                        + " entries instead (" + key + ".0, or e.g. SLUICE_..._0 and SLUICE_..._1 as environment variables)");
            }
        }
    }

    /** The parser's "line N, column M" of the first problem, from the exception chain; nothing else of its text. */
    public static Optional<String> where(Throwable e) {
        Pattern position = Pattern.compile("line \\d+, column \\d+");
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = position.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Optional.of(m.group());
            }
        }
        return Optional.empty();
    }
}
