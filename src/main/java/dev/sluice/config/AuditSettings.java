package dev.sluice.config;

import io.helidon.config.Config;

import java.time.Duration;
import java.util.Optional;

/**
 * The consent audit log ({@code sluice.audit}).
 *
 * @param signingKey         the Ed25519 checkpoint signing key ({@code signing-key}, a secret
 *                           reference); when absent, a key is generated into the data directory,
 *                           which is allowed on loopback only
 * @param checkpointEvery    sign a checkpoint after this many records ({@code checkpoint-every})
 * @param checkpointInterval and at least this often while records arrive ({@code checkpoint-interval})
 */
public record AuditSettings(Optional<Secret> signingKey, long checkpointEvery, Duration checkpointInterval) {

    static AuditSettings load(Config audit, Secrets secrets) {
        Optional<Secret> key = audit.get("signing-key").asString().asOptional()
                .map(ref -> secrets.resolve(audit.get("signing-key").key().toString(), ref));
        long every = 1000;
        Config e = audit.get("checkpoint-every");
        if (e.exists()) {
            try {
                every = Long.parseLong(e.asString().get().strip());
            } catch (NumberFormatException ex) {
                every = 0;
            }
            if (every < 1) {
                throw new ConfigException(e.key().toString(), "must be a positive number");
            }
        }
        Config i = audit.get("checkpoint-interval");
        Duration interval = i.exists() ? Durations.parse(i.key().toString(), i.asString().get()) : Duration.ofMinutes(5);
        if (interval.isNegative() || interval.isZero()) {
            throw new ConfigException(i.key().toString(), "must be positive");
        }
        return new AuditSettings(key, every, interval);
    }
}
