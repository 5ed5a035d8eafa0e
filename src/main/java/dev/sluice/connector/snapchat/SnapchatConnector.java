package dev.sluice.connector.snapchat;

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
 * Snapchat Conversions API v3: {@code POST {base-url}/v3/{pixel-id}/events?access_token=...}, or
 * {@code .../events/validate} in test mode.
 *
 * <p>Settings: {@code pixel-id} (UUID, required), {@code access-token} (secret reference,
 * required), {@code base-url} (default {@value SnapchatSettings#DEFAULT_BASE_URL}),
 * {@code test-mode} ({@code true} sends to Snap's Test Event Tool, which validates every event and
 * records nothing), {@code event-names} (e.g. {@code Lead=CUSTOM_EVENT_1}: Sluice events Snap has
 * no standard name for).
 *
 * <p>The body is JSON, {@code {"data":[...]}}, one entry per item in batch order (see
 * {@link SnapchatEventMapper}). The token travels as the {@code access_token} query parameter,
 * the only placement Snap documents for v3 (its "Using the API" page, its v3 OpenAPI description,
 * and the Segment and RudderStack v3 integrations all put it there; a bearer header is mentioned
 * only by secondary write-ups and is UNCONFIRMED). The URI is therefore a secret:
 * {@link HttpRequestSpec#toString()} and {@link HttpRequestSpec#redactedUri()} mask
 * {@code access_token}, the delivery engine logs neither the URI nor transport exception
 * messages, and {@link #toString()} shows only the pixel and host.
 *
 * <p>Snap answers one status for the whole request, so a refused batch is
 * {@link DeliveryOutcome.Rejected} and the engine bisects it; events Snap is known to refuse are
 * caught earlier by {@link #prepare} as {@link dev.sluice.connector.UnmappableItemException}. In
 * test mode Snap answers per event and the batch is settled per item (see
 * {@link SnapchatResponses}). Snap deduplicates on {@code event_id}, which is always the event's
 * id, so a batch sent again after a timeout is not counted twice.
 */
public final class SnapchatConnector implements Connector {
    static final String TYPE = "snapchat";
    /**
     * UNCONFIRMED in Snap's own text: 2,000 events per request is the limit RudderStack's v3
     * integration batches to and Tealium's connector documents (platforms.md §5). A request Snap
     * finds too large is rejected and bisected by the engine, so an overestimate costs requests,
     * not events.
     */
    static final int MAX_BATCH_SIZE = 2000;
    /**
     * "Events can have a date (timestamp) of maximum 37 days back to be eligible to be reported"
     * (Snap's v3 Introduction). Treasure Data and RudderStack apply 7 days for v3 on their own;
     * Snap's text says 37.
     */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(37);
    static final String TOKEN_PARAMETER = "access_token";

    private static final JsonNodeFactory NODES = RequestBodies.NODES;
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

    private final SnapchatSettings settings;
    private final SnapchatEventMapper mapper;
    private final InstantSource clock;
    private final URI endpoint;

    SnapchatConnector(SnapchatSettings settings, InstantSource clock) {
        this.settings = settings;
        this.mapper = new SnapchatEventMapper(settings.eventNames());
        this.clock = clock;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        // The pixel id is a validated UUID and the token is URL-encoded, so URI.create cannot fail
        // here with the token in its message.
        this.endpoint = URI.create(base + "/v3/" + settings.pixelId() + "/events"
                + (settings.testMode() ? "/validate" : "")
                + "?" + TOKEN_PARAMETER + "=" + URLEncoder.encode(settings.accessToken().text(), StandardCharsets.UTF_8));
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @param clock the clock for {@code Retry-After} dates
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static SnapchatConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new SnapchatConnector(SnapchatSettings.from(settings, secrets), clock);
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
        RequestBodies.mapInto(root, "data", batch, mapper::event);
        return new HttpRequestSpec("POST", endpoint, HEADERS, RequestBodies.bytes(root));
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return SnapchatResponses.interpret(response, batch,
                RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "SnapchatConnector[pixel=" + settings.pixelId() + ", host=" + endpoint.getHost()
                + ", test=" + settings.testMode() + "]";
    }
}
