package dev.sluice.connector;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A destination's settings as a connector reads them: every problem becomes a
 * {@link ConfigException} naming the full key ({@code <destination key>.settings.<name>}) and
 * what was expected, never the value. Settings a connector does not read are ignored, because
 * other stages (e.g. the privacy stage's {@code hashing-profile}) share the same map.
 */
public final class ConnectorSettings {
    private final String keyPrefix;
    private final Map<String, String> values;
    // Every name a reader asked for, so that a setting nobody reads (a misspelt test-event-code,
    // which would send test traffic to production) can be refused at startup.
    private final java.util.Set<String> asked = new java.util.HashSet<>();

    private ConnectorSettings(String keyPrefix, Map<String, String> values) {
        this.keyPrefix = keyPrefix;
        this.values = Map.copyOf(values);
    }

    /**
     * Settings read under {@code <destinationKey>.settings}.
     *
     * @param destinationKey the destination's configuration key, e.g.
     *                       {@code sluice.tenants.0.destinations.1}
     * @param values         the destination's settings
     */
    public static ConnectorSettings of(String destinationKey, Map<String, String> values) {
        return new ConnectorSettings(destinationKey + ".settings.", values);
    }

    /** The full configuration key of a setting, for error messages. */
    public String key(String name) {
        return keyPrefix + name;
    }

    /** A setting's value; blank counts as absent. */
    public Optional<String> optional(String name) {
        asked.add(name);
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A setting's value, which must be present. */
    public String required(String name) {
        return optional(name).orElseThrow(() -> new ConfigException(key(name), "is required"));
    }

    /** A required secret reference ({@code env:NAME} or {@code file:PATH}), resolved. */
    public Secret secret(String name, Secrets secrets) {
        return secrets.resolve(key(name), required(name));
    }

    /** An absolute http or https URL with a host, without query or fragment. */
    public URI httpUrl(String name, Optional<String> fallback) {
        String text = optional(name).or(() -> fallback)
                .orElseThrow(() -> new ConfigException(key(name), "is required"));
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException(key(name), "must be an absolute http or https URL");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new ConfigException(key(name), "must not have a query or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(key(name), "must be an absolute http or https URL");
        }
    }

    /** An integer within {@code [min, max]}, or {@code fallback} when absent. */
    public int integer(String name, int fallback, int min, int max) {
        Optional<String> text = optional(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected range
        }
        throw new ConfigException(key(name), "must be a whole number from " + min + " to " + max);
    }

    /**
     * A duration within {@code [min, max]}, written as in the rest of the configuration: ISO-8601
     * ({@code PT10S}) or shorthand ({@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}).
     */
    public Duration duration(String name, Duration fallback, Duration min, Duration max) {
        Optional<String> text = optional(name);
        if (text.isEmpty()) {
            return fallback;
        }
        Duration value = parseDuration(text.get())
                .orElseThrow(() -> new ConfigException(key(name), "expected a duration such as 10s, 250ms or PT10S"));
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(key(name), "must be between " + min + " and " + max);
        }
        return value;
    }

    // Same syntax as dev.sluice.config.Durations, which is package-private to config.
    private static Optional<Duration> parseDuration(String s) {
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Optional.of(Duration.parse(s.toUpperCase(Locale.ROOT)));
            }
            int split = 0;
            while (split < s.length() && Character.isDigit(s.charAt(split))) {
                split++;
            }
            if (split == 0) {
                return Optional.empty();
            }
            long amount = Long.parseLong(s.substring(0, split));
            return switch (s.substring(split)) {
                case "ms" -> Optional.of(Duration.ofMillis(amount));
                case "s" -> Optional.of(Duration.ofSeconds(amount));
                case "m" -> Optional.of(Duration.ofMinutes(amount));
                case "h" -> Optional.of(Duration.ofHours(amount));
                case "d" -> Optional.of(Duration.ofDays(amount));
                default -> Optional.empty();
            };
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /**
     * Refuses a setting that no reader asked for: call it once every reader of these settings
     * (the connector, the delivery policy) has read them.
     *
     * @param readElsewhere names read from the raw settings by others (the ingest path's hashing profile)
     * @param type          the destination's type, for the message
     * @throws ConfigException naming the first unknown setting in name order, and what the type takes
     */
    public void refuseUnknown(java.util.Set<String> readElsewhere, String type) {
        java.util.TreeSet<String> known = new java.util.TreeSet<>(asked);
        known.addAll(readElsewhere);
        for (String name : new java.util.TreeSet<>(values.keySet())) {
            if (!known.contains(name)) {
                throw new ConfigException(key(name), "is not a setting of a " + type
                        + " destination (misspelt?); it takes " + String.join(", ", known));
            }
        }
    }

    @Override
    public String toString() {
        return "ConnectorSettings[" + keyPrefix + "*, keys=" + values.keySet() + "]";
    }
}
