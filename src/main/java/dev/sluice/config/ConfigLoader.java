package dev.sluice.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds Helidon {@link Config} from, highest priority first: explicit overrides (tests and
 * command-line flags), environment variables, system properties, then the YAML file.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Loads {@code file} with the usual overrides; fails naming the file when it is missing. */
    public static Config load(Path file, Map<String, String> overrides) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", "configuration file " + file + " does not exist");
        }
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(List.of(
                        ConfigSources.create(overrides),
                        ConfigSources::environmentVariables,
                        ConfigSources.systemProperties(),
                        ConfigSources.file(file)))
                .build();
    }
}
