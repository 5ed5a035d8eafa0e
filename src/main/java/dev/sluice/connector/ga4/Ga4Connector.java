package dev.sluice.connector.ga4;

import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.RequestBodies;
import dev.sluice.connector.RetryAfter;
import dev.sluice.connector.UnmappableItemException;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Google Analytics 4 Measurement Protocol, web streams:
 * {@code POST {base-url}/mp/collect?measurement_id=G-...&api_secret=...}, or
 * {@code /debug/mp/collect} with {@code validate: true} (platforms.md §3).
 *
 * <p>Settings: {@code measurement-id} ({@code G-} and upper-case letters and digits, required),
 * {@code api-secret} (secret reference, required), {@code region} ({@code eu} sends to
 * {@value Ga4Settings#EU_BASE_URL}), {@code validate} ({@code true} or {@code false}, default
 * false), {@code base-url} (default {@value Ga4Settings#DEFAULT_BASE_URL}; not together with
 * {@code region}).
 *
 * <p><b>One event per request.</b> A Measurement Protocol request carries up to 25 events, but
 * all for one {@code client_id}, a top-level field. The engine hands a connector a run of due
 * rows, not rows grouped by browser, and {@link #prepare} must return one request carrying every
 * item it was given (an item left out would be settled with the request's outcome all the same),
 * so {@link #maxBatchSize()} is 1. Each request is then settled on its own: a refused event is
 * dead-lettered alone, never bisected.
 *
 * <p><b>Client id.</b> GA4 ties a server-sent event to the browser's session and attribution
 * only through the client id of the site's tag. It comes from {@code user.click_ids._ga}: the
 * {@code _ga} cookie ({@code GA1.1.<random>.<timestamp>}, whose last two parts are the client
 * id) or the bare client id ({@code <random>.<timestamp>}). An event without one is
 * {@link UnmappableItemException} ("no GA client id (click_ids._ga)"); none is ever invented.
 *
 * <p><b>Time.</b> {@code timestamp_micros} is the event time. GA4 takes events up to 72 hours old
 * ({@link #MAX_EVENT_AGE}); the engine dead-letters older ones before they reach
 * {@link #prepare}.
 *
 * <p><b>Answers.</b> The production endpoint answers 2xx to everything it receives, including
 * events it drops, so a 2xx is {@link DeliveryOutcome.Delivered} and nothing finer is knowable;
 * use {@code validate: true} while setting a destination up. The validation server names what is
 * wrong and records nothing: with {@code validate: true}, events reach no GA4 report, and a
 * valid event is still settled as delivered (see {@link Ga4Responses}).
 *
 * <p><b>Secret.</b> The API secret travels as the {@code api_secret} query parameter, the only
 * placement GA documents. {@link HttpRequestSpec#toString()} and
 * {@link HttpRequestSpec#redactedUri()} mask it (its name contains "secret"), the delivery engine
 * logs neither the URI nor transport exception messages, and {@link #toString()} shows only the
 * measurement id and host.
 *
 * <p><b>Dedup.</b> The Measurement Protocol has no event id to deduplicate on, so a request sent
 * again after a timeout may be counted twice; for purchases GA4 reportedly deduplicates on
 * {@code transaction_id} (UNCONFIRMED, platforms.md §3).
 */
public final class Ga4Connector implements Connector {
    static final String TYPE = "ga4";
    /** One client id per request (see the class comment); MP's own limit is 25 events. */
    static final int MAX_BATCH_SIZE = 1;
    /**
     * "Events can be backdated up to 72 hours" (MP "Send events" guide; the use-cases table
     * asks {@code timestamp_micros >= request time minus 72 hours}). The reference phrases it as
     * "3 calendar days", which is never shorter.
     */
    static final Duration MAX_EVENT_AGE = Duration.ofHours(72);
    /**
     * The POST body must be under 130 kB (platforms.md §3 "Limits", from the MP guide's
     * limitations); read as 130,000 bytes, the stricter reading. Only a long list of content ids
     * comes near it.
     */
    static final int MAX_BODY_BYTES = 130_000;
    static final String COLLECT = "/mp/collect";
    static final String DEBUG_COLLECT = "/debug/mp/collect";

    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

    private final Ga4Settings settings;
    private final InstantSource clock;
    private final URI endpoint;

    Ga4Connector(Ga4Settings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        // The measurement id is validated and the secret URL-encoded, so URI.create cannot fail
        // here with the secret in its message.
        this.endpoint = URI.create(base + (settings.validate() ? DEBUG_COLLECT : COLLECT)
                + "?measurement_id=" + settings.measurementId()
                + "&api_secret=" + URLEncoder.encode(settings.apiSecret().text(), StandardCharsets.UTF_8));
    }

    /**
     * Validates the settings and builds the connector; registered in
     * {@link dev.sluice.connector.Connectors}.
     *
     * @param clock the clock for {@code Retry-After} dates
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static Ga4Connector create(ConnectorSettings settings, Secrets secrets, InstantSource clock) {
        return new Ga4Connector(Ga4Settings.from(settings, secrets), clock);
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
        OutboxItem item = batch.getFirst();
        byte[] body = RequestBodies.bytes(Ga4EventMapper.request(item));
        if (body.length >= MAX_BODY_BYTES) {
            throw new UnmappableItemException(item.id(), "request body of " + body.length
                    + " bytes exceeds GA4's 130 kB limit (too many custom.content_ids)");
        }
        return new HttpRequestSpec("POST", endpoint, HEADERS, body);
    }

    @Override
    public DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch) {
        return Ga4Responses.interpret(response, settings.validate(),
                RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }

    @Override
    public String toString() {
        return "Ga4Connector[measurement=" + settings.measurementId() + ", host=" + endpoint.getHost()
                + ", validate=" + settings.validate() + "]";
    }
}
