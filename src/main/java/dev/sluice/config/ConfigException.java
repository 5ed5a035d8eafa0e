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

    /** The problem of a list or map where a single value belongs. */
    static final String SINGLE_VALUE = "must be a single value, not a list or a map";
    private static final java.util.regex.Pattern HELIDON_KEY = java.util.regex.Pattern.compile("(?:under key|for configuration key) '([^']+)'");

    /**
     * What Helidon's config failed on, as a configuration error naming the key: a value read as
     * a list or map that is a single value (or the reverse), or a value its mapper cannot take
     * ({@code max-prologue-length: lots}), or a single value read from a key that holds a list
     * or map ({@code max-future-skew: {}}). Helidon's message quotes the value, which may be a
     * secret: only the key is taken from it. Empty when {@code e} (or a cause) is not such a
     * failure or names no key.
     */
    public static java.util.Optional<ConfigException> fromHelidon(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.helidon.config.ConfigException) {
                String message = String.valueOf(t.getMessage());
                java.util.regex.Matcher key = HELIDON_KEY.matcher(message);
                if (key.find()) {
                    String problem;
                    if (message.contains("represents single value")) {
                        problem = "must be a list or a map, not a single value";
                    } else if (t instanceof io.helidon.config.MissingValueException) {
                        // A value read from a key that holds a list or map (or nothing).
                        problem = SINGLE_VALUE;
                    } else {
                        problem = "is not a valid value of its type";
                    }
                    return java.util.Optional.of(new ConfigException(key.group(1), problem));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The full configuration key at fault, e.g. {@code sluice.tenants.0.id}. */
    public String key() {
        return key;
    }
}
