package dev.sluice.connector.tiktok;

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
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * TikTok Events API 2.0: {@code POST {base-url}/open_api/v1.3/event/track/} (platforms.md §4).
 *
 * <p>Settings: {@code pixel-code} (required), {@code access-token} (secret reference, required),
 * {@code base-url} (default {@value TiktokSettings#DEFAULT_BASE_URL}), {@code test-event-code}.
 *
 * <p>The body is {@code {"event_source":"web","event_source_id":<pixel code>,
 * "test_event_code":...,"data":[...]}}; the token travels in the {@code Access-Token} header,
 * so the body bytes never hold it, and {@link HttpRequestSpec#toString()} masks it. A destination
 * is one pixel, so every event goes as a web event; app and store events are refused by
 * {@link #prepare} (see {@link TiktokEventMapper#NOT_WEB}).
 *
 * <p>TikTok answers HTTP 200 for most errors; {@link TiktokResponses} reads the body's
 * {@code code}.
 */
public final class TiktokConnector implements Connector {
    static final String TYPE = "tiktok";
    /** Events per request (RudderStack's constant, citing TikTok's limits page; platforms.md §4). */
    static final int MAX_BATCH_SIZE = 1000;
    /**
     * No TikTok page read says how old an event may be (UNCONFIRMED, platforms.md §4 "Limits").
     * Amperity's TikTok guide says events "must have occurred within the previous 28 days",
     * matching TikTok's longest click-through attribution window; older events could not be
     * attributed anyway.
     */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(28);
    static final String PATH = "/open_api/v1.3/event/track/";
    static final String EVENT_SOURCE = "web";

    private static final JsonNodeFactory NODES = RequestBodies.NODES;

    private final TiktokSettings settings;
    private final InstantSource clock;
    private final URI endpoint;
    private final Map<String, String> headers;

    TiktokConnector(TiktokSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        this.endpoint = URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + PATH);
        this.headers = Map.of("Access-Token", settings.accessToken().text(), "Content-Type", "application/json");
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static TiktokConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new TiktokConnector(TiktokSettings.from(settings, secrets), clock);
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
        root.put("event_source", EVENT_SOURCE);
        root.put("event_source_id", settings.pixelCode());
        settings.testEventCode().ifPresent(code -> root.put("test_event_code", code));
        RequestBodies.mapInto(root, "data", batch, TiktokEventMapper::event);
        return new HttpRequestSpec("POST", endpoint, headers, RequestBodies.bytes(root));
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return TiktokResponses.interpret(response, RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "TiktokConnector[pixel=" + settings.pixelCode() + ", test=" + settings.testEventCode().isPresent() + "]";
    }
}
