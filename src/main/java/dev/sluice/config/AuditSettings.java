package dev.sluice.config;

import io.helidon.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The consent audit log ({@code sluice.audit}).
 *
 * @param signingKey         the Ed25519 checkpoint signing key ({@code signing-key}, a secret
 *                           reference); when absent, a key is generated into the data directory,
 *                           which is allowed on loopback only
 * @param checkpointEvery    sign a checkpoint after this many records ({@code checkpoint-every})
 * @param checkpointInterval and at least this often while records arrive ({@code checkpoint-interval})
 * @param previousPublicKeys public keys of signing keys the current one replaced
 *                           ({@code previous-public-keys}): checkpoints they signed still verify
 */
public record AuditSettings(Optional<Secret> signingKey, long checkpointEvery, Duration checkpointInterval,
                            List<PublicKeyText> previousPublicKeys) {

    public AuditSettings {
        previousPublicKeys = List.copyOf(previousPublicKeys);
    }

    /** An audit settings object without previous keys. */
    public AuditSettings(Optional<Secret> signingKey, long checkpointEvery, Duration checkpointInterval) {
        this(signingKey, checkpointEvery, checkpointInterval, List.of());
    }

    /**
     * A public key as configured (PEM or base64; a value, or an {@code env:}/{@code file:}
     * reference), parsed by the audit log, which names {@code configKey} when it is not a key.
     */
    public record PublicKeyText(String configKey, String text) {
    }

    static AuditSettings load(Config audit, Secrets secrets) {
        Optional<Secret> key = SluiceConfig.single(audit.get("signing-key"))
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
        Duration interval = Durations.positive(audit.get("checkpoint-interval"), Duration.ofMinutes(5));
        List<PublicKeyText> previous = new ArrayList<>();
        List<Config> nodes = audit.get("previous-public-keys").asNodeList().orElse(List.of());
        for (Config node : nodes) {
            String configKey = node.key().toString();
            String value = node.asString().orElse("").strip();
            if (value.isEmpty()) {
                throw new ConfigException(configKey, "must be an Ed25519 public key (PEM or base64), or an env:/file: reference to one");
            }
            String text = value.startsWith("env:") || value.startsWith("file:") ? secrets.resolve(configKey, value).text() : value;
            previous.add(new PublicKeyText(configKey, text));
        }
        return new AuditSettings(key, every, interval, previous);
    }
}
