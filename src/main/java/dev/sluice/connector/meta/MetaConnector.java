package dev.sluice.connector.meta;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.RequestBodies;
import dev.sluice.connector.RetryAfter;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Meta Conversions API: {@code POST {base-url}/{api-version}/{pixel-id}/events}.
 *
 * <p>Settings: {@code pixel-id} (digits, required), {@code access-token} (secret reference,
 * required), {@code api-version} (default {@value MetaSettings#DEFAULT_API_VERSION}),
 * {@code base-url} (default {@value MetaSettings#DEFAULT_BASE_URL}), {@code test-event-code}.
 *
 * <p>The body is JSON, {@code {"data":[...], "test_event_code":...}}; the token travels as the
 * {@code access_token} query parameter, the placement Meta's "Send Requests" guide shows, so the
 * body bytes never hold it. {@link HttpRequestSpec#toString()} masks it.
 *
 * <p>Meta refuses a whole batch when any one event in it is invalid, without saying which. Such
 * a response is {@link DeliveryOutcome.Rejected} for the batch, and the delivery engine splits
 * the batch to isolate the bad event. Events Meta is known to refuse are caught earlier by
 * {@link #prepare} as {@link dev.sluice.connector.UnmappableItemException}.
 */
public final class MetaConnector implements Connector {
    static final String TYPE = "meta";
    static final int MAX_BATCH_SIZE = 1000;
    /** Older than this and Meta rejects the whole request. */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(7);

    private static final JsonNodeFactory NODES = RequestBodies.NODES;

    private final MetaSettings settings;
    private final InstantSource clock;
    private final URI endpoint;

    MetaConnector(MetaSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/" + settings.apiVersion() + "/" + settings.pixelId() + "/events"
                + "?access_token=" + URLEncoder.encode(settings.accessToken().text(), StandardCharsets.UTF_8));
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static MetaConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new MetaConnector(MetaSettings.from(settings, secrets), clock);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH_SIZE;
    }

    @Override
    public Duration maxEventAge() {
        return MAX_EVENT_AGE;
    }

    @Override
    public HttpRequestSpec prepare(List<OutboxItem> batch) {
        RequestBodies.requireBatchSize(batch, MAX_BATCH_SIZE);
        ObjectNode root = NODES.objectNode();
        RequestBodies.mapInto(root, "data", batch, MetaEventMapper::event);
        settings.testEventCode().ifPresent(code -> root.put("test_event_code", code));
        return new HttpRequestSpec("POST", endpoint, Map.of("Content-Type", "application/json"), RequestBodies.bytes(root));
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return GraphResponses.interpret(response, batch.size(),
                RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "MetaConnector[pixel=" + settings.pixelId() + ", version=" + settings.apiVersion()
                + ", test=" + settings.testEventCode().isPresent() + "]";
    }
}
