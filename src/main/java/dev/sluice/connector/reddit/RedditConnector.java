package dev.sluice.connector.reddit;

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
 * Reddit Conversions API v3: {@code POST {base-url}/api/v3/pixels/{pixel-id}/conversion_events}.
 *
 * <p>Settings: {@code pixel-id} (required), {@code access-token} (secret reference, required),
 * {@code base-url} (default {@value RedditSettings#DEFAULT_BASE_URL}), {@code test-id} (the
 * Event Testing id; leave unset in production).
 *
 * <p>The body is JSON, {@code {"data":{"events":[...], "test_id":...}}}; the token travels as
 * {@code Authorization: Bearer}, which {@link HttpRequestSpec#toString()} masks. Requests carry a
 * descriptive {@code User-Agent} because Reddit throttles default user agents (platforms.md §8).
 *
 * <p>Reddit refuses a whole request when any one event in it is invalid, without saying which.
 * Such a response is {@link DeliveryOutcome.Rejected} for the batch, and the delivery engine
 * splits the batch to isolate the bad event. Events Reddit cannot use are caught earlier by
 * {@link #prepare} as {@link dev.sluice.connector.UnmappableItemException}.
 */
public final class RedditConnector implements Connector {
    static final String TYPE = "reddit";
    /** "1,000 events/request"; more is answered 400 "Bad Request". */
    static final int MAX_BATCH_SIZE = 1000;
    /** "Events must be sent within 7 days after they occur." */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(7);
    static final String USER_AGENT = "Sluice/1 (server-side conversion gateway; reddit connector)";
    /**
     * Where the Event Testing id goes: beside {@code events} inside {@code data}, as the
     * integration Reddit maintains for Segment sends it. One implementer reported
     * {@code unknown field "test_id"} when it sat inside an event and moved it to the query
     * string; Reddit's docs say only "in the POST request". UNCONFIRMED.
     */
    static final String TEST_ID_FIELD = "test_id";

    private static final JsonNodeFactory NODES = RequestBodies.NODES;

    private final RedditSettings settings;
    private final InstantSource clock;
    private final URI endpoint;
    private final Map<String, String> headers;

    RedditConnector(RedditSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/api/v3/pixels/" + settings.pixelId() + "/conversion_events");
        this.headers = Map.of(
                "Authorization", "Bearer " + settings.accessToken().text(),
                "Content-Type", "application/json",
                "User-Agent", USER_AGENT);
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static RedditConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new RedditConnector(RedditSettings.from(settings, secrets), clock);
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
        ObjectNode data = root.putObject("data");
        RequestBodies.mapInto(data, "events", batch, RedditEventMapper::event);
        settings.testId().ifPresent(id -> data.put(TEST_ID_FIELD, id));
        return new HttpRequestSpec("POST", endpoint, headers, RequestBodies.bytes(root));
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return RedditResponses.interpret(response, batch.size(),
                RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "RedditConnector[pixel=" + settings.pixelId() + ", host=" + endpoint.getHost()
                + ", test=" + settings.testId().isPresent() + "]";
    }
}
