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
        if (Files.isDirectory(file)) {
            throw new ConfigException("--config", "configuration file " + file + " is a directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", "configuration file " + file + " does not exist");
        }
        try {
            return Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .sources(List.of(
                            ConfigSources.create(overrides),
                            ConfigSources::environmentVariables,
                            ConfigSources.systemProperties(),
                            ConfigSources.file(file).mediaType(YAML)))
                    .build();
        } catch (io.helidon.config.ConfigException e) {
            throw new ConfigException("--config", "configuration file " + file + " is not a YAML mapping"
                    + where(e).map(at -> " (" + at + ")").orElse(""));
        }
    }

    /** The parser's "line N, column M" of the first problem, from the exception chain; nothing else of its text. */
    private static Optional<String> where(Throwable e) {
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
