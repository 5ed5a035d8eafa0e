package dev.sluice.config;

/**
 * A configuration value that is missing or wrong. The message names the key and what was
 * expected, never the value (it may be a secret).
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The full configuration key at fault, e.g. {@code sluice.tenants.0.id}. */
    public String key() {
        return key;
    }
}
