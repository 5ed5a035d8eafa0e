package dev.sluice.connector;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Maps canonical hashed events to one platform's conversion API and reads its answers. One
 * instance serves one destination; it is created by {@link Connectors#create} from the
 * destination's settings and is safe for concurrent use.
 *
 * <h2>Lifecycle, per batch</h2>
 * <ol>
 *   <li>The delivery engine claims up to {@link #maxBatchSize()} due outbox rows of the
 *       destination, dead-letters those older than {@link #maxEventAge()}, and decrypts the
 *       rest into {@link OutboxItem}s. The list {@link #prepare} gets may decrypt each item when it
 *       is read, so a connector reads each item once, in order (as
 *       {@link RequestBodies#mapInto} does), and keeps no item after {@code prepare} returns.</li>
 *   <li>It calls {@link #prepare} and sends the returned request with its own HTTP client,
 *       within {@link #requestTimeout()}.</li>
 *   <li>It hands the response to {@link #interpret}, or a transport failure (connect error,
 *       timeout, reset) to {@link #onTransportError}, and acts on the {@link DeliveryOutcome}.</li>
 * </ol>
 *
 * <h2>What a connector may assume</h2>
 * <ul>
 *   <li>The batch is non-empty, holds at most {@link #maxBatchSize()} items of this destination,
 *       and every payload is a version-1 canonical hashed event whose personal data was already
 *       normalized and hashed with this platform's profile.</li>
 *   <li>Consent was decided upstream: an item that reaches the connector may be sent, and any
 *       limited-use flags it must carry are in its payload's {@code platform_flags} (the consent decision's flags, in the platform's own field names).</li>
 *   <li>{@code interpret} receives the items that were passed to {@code prepare}, in the same
 *       order, with their ids, event ids, names and times but without their payloads (each
 *       {@link OutboxItem#payload()} is a {@code MissingNode}): the delivery engine lets the
 *       payloads go while the request is in flight.</li>
 * </ul>
 *
 * <h2>What a connector must never do</h2>
 * <ul>
 *   <li>Perform I/O, sleep or retry: transport, backoff, circuit breaking and rate limiting belong
 *       to the delivery engine, and retries survive restarts only there.</li>
 *   <li>Hash, normalize or guess at personal data: it arrives hashed.</li>
 *   <li>Log, or put into exceptions or outcome reasons, any payload value or response body
 *       text that might echo one.</li>
 *   <li>Depend on the wall clock except through the {@code InstantSource} it was given.</li>
 * </ul>
 *
 * <h2>Delivery guarantee</h2>
 * At least once per destination: a batch may be sent again after a timeout even though the
 * platform processed it, so every connector forwards the event id the platform deduplicates on.
 */
public interface Connector {

    /** The destination type this connector serves, e.g. {@code "meta"}. */
    String type();

    /** The most items one request may carry; the engine never passes more. */
    int maxBatchSize();

    /** The oldest event the platform accepts; the engine dead-letters older ones unsent. */
    Duration maxEventAge();

    /** How long the engine should wait for a response before calling it a transport error. */
    default Duration requestTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * Builds the request for a batch. Pure: the same batch (and, where a connector reads its
     * clock, the same instant) gives an equal request, byte for byte.
     *
     * @throws UnmappableItemException when one item can never be accepted by the platform; the
     *                                 engine dead-letters that item and prepares the rest
     * @throws IllegalArgumentException when the batch is empty or larger than
     *                                  {@link #maxBatchSize()} (a bug in the caller)
     */
    HttpRequestSpec prepare(List<OutboxItem> batch);

    /**
     * Reads the platform's response to the request prepared for {@code batch}. Never throws for
     * anything the platform sends: an unreadable body is classified by its HTTP status.
     *
     * @return {@link DeliveryOutcome.Delivered} when every item was accepted;
     *         {@link DeliveryOutcome.RetryLater} for throttling and server-side failures;
     *         {@link DeliveryOutcome.Rejected} when the platform refused the batch for good;
     *         {@link DeliveryOutcome.PerItem} when the platform reported per-item results;
     *         {@link DeliveryOutcome.Unhealthy} when the destination's credentials or
     *         configuration are at fault
     */
    DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch);

    /**
     * The outcome of a request that got no HTTP response. The request may or may not have
     * reached the platform; retrying is safe because events carry their dedup ids.
     */
    default DeliveryOutcome onTransportError(Exception e) {
        return new DeliveryOutcome.RetryLater("transport: " + e.getClass().getSimpleName(), Optional.empty());
    }
}
