package dev.sluice.connector.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.RetryAfter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Posts batches of canonical hashed events, exactly as stored, to a receiver the merchant runs:
 * {@code POST {url}} with body {@code {"events":[<payload>, ...]}} and headers
 * {@code Content-Type: application/json}, {@code Sluice-Event-Count: <n>} and
 * {@code Sluice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}
 * (see {@link WebhookSignature}).
 *
 * <p>Settings: {@code url} (http/https, required), {@code secret} (secret reference, at least 16
 * bytes, required), {@code max-batch-size} (default 100, at most 1000), {@code timeout}
 * (default 10s).
 *
 * <p>Answers are read by status alone ({@link DeliveryOutcome#fromStatus}): 2xx delivered;
 * 408, 425, 429 and 5xx retry later with {@code Retry-After} honoured; 401 and 403 unhealthy;
 * other 4xx rejected.
 */
public final class WebhookConnector implements Connector {
    static final String TYPE = "webhook";
    /**
     * A receiver has no platform limit; this bounds how long a broken receiver keeps events, and
     * the encrypted client IPs and user agents in them, waiting in the outbox.
     */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSettings settings;
    private final InstantSource clock;

    WebhookConnector(WebhookSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @param clock the source of the signature timestamp
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static WebhookConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new WebhookConnector(WebhookSettings.from(settings, secrets), clock);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int maxBatchSize() {
        return settings.maxBatchSize();
    }

    @Override
    public Duration maxEventAge() {
        return MAX_EVENT_AGE;
    }

    @Override
    public Duration requestTimeout() {
        return settings.timeout();
    }

    /** Pure for a given clock reading: the signature timestamp is the only time-dependent part. */
    @Override
    public HttpRequestSpec prepare(List<OutboxItem> batch) {
        if (batch.isEmpty() || batch.size() > settings.maxBatchSize()) {
            throw new IllegalArgumentException("batch size must be 1.." + settings.maxBatchSize() + ", was " + batch.size());
        }
        byte[] body = body(batch);
        long timestamp = clock.instant().getEpochSecond();
        return new HttpRequestSpec("POST", settings.url(), Map.of(
                "Content-Type", "application/json",
                "Sluice-Event-Count", String.valueOf(batch.size()),
                WebhookSignature.HEADER, WebhookSignature.sign(settings.secret(), timestamp, body)), body);
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return DeliveryOutcome.fromStatus(TYPE, response.status(),
                RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    private static byte[] body(List<OutboxItem> batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 * batch.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (OutboxItem item : batch) {
                g.writeTree(item.payload()); // as stored: the receiver gets the canonical v1 payload
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "WebhookConnector[host=" + settings.url().getHost() + ", maxBatchSize=" + settings.maxBatchSize() + "]";
    }
}
