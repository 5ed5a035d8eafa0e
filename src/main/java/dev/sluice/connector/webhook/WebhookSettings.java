package dev.sluice.connector.webhook;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A signed webhook destination's settings.
 *
 * @param url          where batches are posted
 * @param secret       the HMAC key shared with the receiver
 * @param maxBatchSize events per request
 * @param timeout      how long to wait for the receiver's answer
 */
record WebhookSettings(URI url, Secret secret, int maxBatchSize, Duration timeout) {
    static final String URL = "url";
    static final String SECRET = "secret";
    static final String MAX_BATCH_SIZE = "max-batch-size";
    static final String TIMEOUT = "timeout";

    static final int DEFAULT_MAX_BATCH_SIZE = 100;
    static final int LIMIT_MAX_BATCH_SIZE = 1000;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** HMAC-SHA256 keys shorter than this are guessable; 16 bytes is the floor, 32 the advice. */
    static final int MIN_SECRET_BYTES = 16;

    static WebhookSettings from(ConnectorSettings s, Secrets secrets) {
        URI url = s.httpUrl(URL, Optional.empty());
        int batch = s.integer(MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_SIZE, 1, LIMIT_MAX_BATCH_SIZE);
        Duration timeout = s.duration(TIMEOUT, DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));
        Secret secret = s.secret(SECRET, secrets);
        if (secret.bytes().length < MIN_SECRET_BYTES) {
            throw new ConfigException(s.key(SECRET), "must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new WebhookSettings(url, secret, batch, timeout);
    }
}
