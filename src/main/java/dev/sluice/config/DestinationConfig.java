package dev.sluice.config;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One destination of a tenant: a platform type plus its settings. Settings may hold secret
 * references ({@code env:...}, {@code file:...}); {@link #toString()} lists only their keys.
 *
 * @param id       tenant-unique id, used in {@code destinations} on events and in results
 * @param type     platform type, one of {@link #TYPES}
 * @param settings platform-specific settings (dashed keys)
 */
public record DestinationConfig(String id, String type, Map<String, String> settings) {
    /** Destination types Sluice knows. */
    public static final Set<String> TYPES = Set.of("meta", "google_ads", "ga4", "tiktok", "snapchat",
            "pinterest", "linkedin", "reddit", "microsoft", "webhook");
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /**
     * The settings of a destination of {@code type} that the ingest path reads rather than its
     * connector: a webhook's {@code hashing-profile} (the platform whose hashing its payload
     * follows). With what the connector and the delivery policy read, these are all a
     * destination takes; anything else is refused at startup as misspelt.
     */
    public static Set<String> readByIngest(String type) {
        return type.equals("webhook") ? Set.of("hashing-profile") : Set.of();
    }

    public DestinationConfig {
        settings = Map.copyOf(settings);
    }

    @Override
    public String toString() {
        return "DestinationConfig[id=" + id + ", type=" + type + ", settings=" + settings.keySet() + "]";
    }
}
