package dev.sluice.config;

import io.helidon.config.Config;

import java.time.Duration;
import java.util.Optional;

/**
 * How long each kind of data is kept ({@code sluice.retention}); an absent key or {@code off}
 * keeps that kind forever.
 *
 * @param events      event rows, i.e. dedup keys, after their dedup window ({@code events})
 * @param delivered   delivered outbox rows that earlier versions kept ({@code delivered}); delivery
 *                    now deletes a row when it is delivered
 * @param deadLetters dead letters, from when they died ({@code dead-letters}); also the pending copies and
 *                    dead letters of destinations removed from their tenant or of a type without a connector,
 *                    from their commit (since session 40)
 * @param audit       audit records ({@code audit}); the purge itself is audited
 * @param interval    how often the purge runs ({@code interval})
 */
public record RetentionSettings(Optional<Duration> events, Optional<Duration> delivered,
                                Optional<Duration> deadLetters, Optional<Duration> audit, Duration interval) {

    static RetentionSettings load(Config r) {
        // Not a kind of data: `interval: off` read as the default hour, and purging went on.
        Duration interval = Durations.positive(r.get("interval"), Duration.ofHours(1));
        return new RetentionSettings(kept(r, "events"), kept(r, "delivered"), kept(r, "dead-letters"),
                kept(r, "audit"), interval);
    }

    private static Optional<Duration> kept(Config r, String name) {
        Config value = r.get(name);
        // YAML reads a bare off as the boolean false.
        String text = value.exists() ? value.asString().get().strip() : "off";
        if (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        Duration d = Durations.parse(value.key().toString(), value.asString().get());
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(value.key().toString(), "must be positive, or off");
        }
        return Optional.of(d);
    }
}
