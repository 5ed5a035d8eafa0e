package dev.sluice.connector.pinterest;

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
 * Pinterest API for Conversions (v5):
 * {@code POST {base-url}/v5/ad_accounts/{ad-account-id}/events}, with
 * {@code Authorization: Bearer <conversion token>}.
 *
 * <p>Settings: {@code ad-account-id} (digits, required), {@code conversion-token} (secret
 * reference, required), {@code base-url} (default {@value PinterestSettings#DEFAULT_BASE_URL}),
 * {@code test-mode} ({@code true} adds {@code ?test=true}: Pinterest validates and answers but
 * records nothing), {@code app-platform} ({@code android} or {@code ios}: the
 * {@code action_source} for app events, which the canonical event does not carry).
 *
 * <p>The body is JSON, {@code {"data":[...]}}, one entry per item in batch order (see
 * {@link PinterestEventMapper}). The token travels only in the header, which
 * {@link HttpRequestSpec#toString()} masks.
 *
 * <p>Pinterest answers per event, in request order, so a partly failed batch becomes
 * {@link DeliveryOutcome.PerItem} and only the failed events are dead-lettered (see
 * {@link PinterestResponses}). Pinterest deduplicates web and app events on {@code event_id}
 * but never offline ones, so a batch retried after a timeout can count an offline event twice:
 * the price of at-least-once delivery that the platform does not let Sluice avoid.
 */
public final class PinterestConnector implements Connector {
    static final String TYPE = "pinterest";
    /** platforms.md §0 and §6: at most 1,000 events per request. */
    static final int MAX_BATCH_SIZE = 1000;
    /**
     * UNCONFIRMED: Pinterest documents no age limit. Events it receives more than an hour late
     * are reported as offline rather than refused (platforms.md §6 "Limits", via Segment), and
     * refused events come back as per-event failures, so the bound is Sluice's own: like the
     * webhook's, it limits how long the encrypted client IPs and user agents wait in the outbox.
     */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(30);

    private static final JsonNodeFactory NODES = RequestBodies.NODES;

    private final PinterestSettings settings;
    private final PinterestEventMapper mapper;
    private final InstantSource clock;
    private final URI endpoint;
    private final Map<String, String> headers;

    PinterestConnector(PinterestSettings settings, InstantSource clock) {
        this.settings = settings;
        this.mapper = new PinterestEventMapper(settings.appActionSource());
        this.clock = clock;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/v5/ad_accounts/" + settings.adAccountId() + "/events"
                + (settings.testMode() ? "?test=true" : ""));
        this.headers = Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + settings.conversionToken().text());
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @param clock the clock for {@code Retry-After} dates
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static PinterestConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new PinterestConnector(PinterestSettings.from(settings, secrets), clock);
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
        return new HttpRequestSpec("POST", endpoint, headers, RequestBodies.bytes(root));
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return PinterestResponses.interpret(response, batch,
                RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "PinterestConnector[adAccount=" + settings.adAccountId() + ", host=" + settings.baseUrl().getHost()
                + ", test=" + settings.testMode() + "]";
    }
}
