package dev.sluice.connector.linkedin;

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
 * LinkedIn Conversions API: {@code POST {base-url}/rest/conversionEvents} with
 * {@code X-RestLi-Method: BATCH_CREATE} and {@code {"elements":[...]}}, authorized by
 * {@code Authorization: Bearer <member access token>}.
 *
 * <p>Settings: {@code access-token} (secret reference, required; the token needs the
 * {@code rw_conversions} scope), {@code conversion-rules} (event names to conversion rule ids, as
 * {@code "Purchase=123, Lead=456"}) and/or {@code conversion-rule-id} (the rule for every other
 * event name), {@code linkedin-version} (default {@value LinkedinSettings#DEFAULT_LINKEDIN_VERSION}),
 * {@code base-url} (default {@value LinkedinSettings#DEFAULT_BASE_URL}). LinkedIn has no test
 * mode (none is documented; partner docs note that test events are real events) and no consent
 * or limited-use field: consent is decided upstream, and the shipped policy sends LinkedIn nothing
 * where another platform would get limited use.
 *
 * <p>Each item becomes one element (see {@link LinkedinEventMapper}); events without a rule,
 * without a usable user id, or carrying a consent flag LinkedIn cannot take are refused before
 * sending. LinkedIn answers per element or names the bad elements of a refused batch, so partial
 * failures settle item by item (see {@link LinkedinResponses}).
 */
public final class LinkedinConnector implements Connector {
    static final String TYPE = "linkedin";
    /**
     * "Up to 5,000 events in one batch": Salesforce's LinkedIn connector docs and partner docs;
     * RudderStack batches 5,000 and Segment tested 5,000 as the maximum against LinkedIn.
     */
    static final int MAX_BATCH_SIZE = 5000;
    /**
     * conversionHappenedAt must lie "within the past 90 days" (platforms.md §7); Salesforce's docs:
     * "older than 90 days, it's automatically rejected". Segment and RudderStack check the same.
     */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(90);
    static final String ENDPOINT_PATH = "/rest/conversionEvents";
    static final String RESTLI_PROTOCOL_VERSION = "2.0.0";
    static final String RESTLI_METHOD = "BATCH_CREATE";

    private static final JsonNodeFactory NODES = RequestBodies.NODES;

    private final LinkedinSettings settings;
    private final LinkedinEventMapper mapper;
    private final InstantSource clock;
    private final URI endpoint;
    private final Map<String, String> headers;

    LinkedinConnector(LinkedinSettings settings, InstantSource clock) {
        this.settings = settings;
        this.mapper = new LinkedinEventMapper(settings);
        this.clock = clock;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + ENDPOINT_PATH);
        this.headers = Map.of(
                "Authorization", "Bearer " + settings.accessToken().text(),
                "Content-Type", "application/json",
                "LinkedIn-Version", settings.linkedinVersion(),
                "X-Restli-Protocol-Version", RESTLI_PROTOCOL_VERSION,
                "X-RestLi-Method", RESTLI_METHOD);
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @param clock the clock for {@code Retry-After} dates
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static LinkedinConnector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new LinkedinConnector(LinkedinSettings.from(settings, secrets), clock);
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
        RequestBodies.mapInto(root, "elements", batch, mapper::element);
        return new HttpRequestSpec("POST", endpoint, headers, RequestBodies.bytes(root));
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return LinkedinResponses.interpret(response, batch, RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "LinkedinConnector[rules=" + settings.rules().keySet() + ", defaultRule=" + settings.defaultRule().isPresent()
                + ", version=" + settings.linkedinVersion() + ", host=" + endpoint.getHost() + "]";
    }
}
