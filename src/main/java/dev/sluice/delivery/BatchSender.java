package dev.sluice.delivery;

import dev.sluice.connector.Connector;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * Sends one claimed batch to one destination and settles every item: maps it with the
 * connector, sends it through the destination's rate limiter, bulkhead and circuit breaker, and
 * reads the answer.
 *
 * <p>A claimed batch goes out as one request or, when its stored payloads exceed
 * {@link DeliveryPolicy#maxRequestBytes()}, as several in order ({@link #requests}). A request
 * rejected as a whole is bisected: halves are sent separately, so one poison event among n costs
 * about 2·log2(n) extra requests and the others still go; only a single rejected item is
 * dead-lettered. Work is a stack, not recursion, so the first half settles first. One request's
 * events may cost at most {@link DeliveryPolicy#bisectMaxRequests()} requests: once they are
 * spent, every item still in an unresolved part of it is dead-lettered with a reason that says so
 * (replayable by that reason), so a batch of bad events does not cost 2n − 1 requests. Each
 * request of a round has its own budget, so one request's poison does not spend another's.
 *
 * <p>No request starts unless it can finish before the claim's lease runs out
 * ({@link DeliveryPolicy#requestBound()}); the rest of the batch is released instead, so another
 * replica never re-claims and re-sends rows that are still in flight here. Waiting for a
 * rate-limiter permit goes through the {@link Sleeper}, so tests see it without sleeping.
 */
final class BatchSender {
    private static final System.Logger LOG = System.getLogger(BatchSender.class.getName());
    /** The dead letter's reason for a stored payload that does not open or read. */
    static final String UNREADABLE = "payload cannot be opened or read (key, tampering or format)";

    private final String tenantId;
    private final String destinationId;
    private final Connector connector;
    private final Transport transport;
    private final DeliveryPolicy policy;
    private final CircuitBreaker breaker;
    private final RateLimiter rateLimiter;
    private final Bulkhead bulkhead;
    private final DeliveryMetrics metrics;
    private final InstantSource clock;
    private final Sleeper sleeper;

    BatchSender(String tenantId, String destinationId, Connector connector, Transport transport, DeliveryPolicy policy,
                CircuitBreaker breaker, RateLimiter rateLimiter, Bulkhead bulkhead, DeliveryMetrics metrics,
                InstantSource clock, Sleeper sleeper) {
        this.tenantId = tenantId;
        this.destinationId = destinationId;
        this.connector = connector;
        this.transport = transport;
        this.policy = policy;
        this.breaker = breaker;
        this.rateLimiter = rateLimiter;
        this.bulkhead = bulkhead;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Settles every item of {@code requests} into {@code out}, one request after the other. Once
     * {@code stopping} says so, or once a request could no longer finish before {@code leaseEnd},
     * releases the rest.
     *
     * <p>The items are headers (no payload): their payloads are loaded by {@code open} for the
     * connector to map, one request at a time, and let go before the request is sent, so that a
     * batch's payloads do not stay on the heap for the platform's round trip (they would outlive
     * young collections; docs/benchmarks.md, Delivery, session 12). A rejected request's halves are
     * opened again when they are prepared.
     */
    void send(List<List<OutboxItem>> requests, Settlement out, BooleanSupplier stopping, Instant leaseEnd,
              UnaryOperator<List<OutboxItem>> open) throws InterruptedException {
        for (List<OutboxItem> request : requests) {
            sendBisecting(request, out, stopping, leaseEnd, open);
        }
    }

    /** One request's items, bisected while the platform rejects them as a whole. */
    private void sendBisecting(List<OutboxItem> items, Settlement out, BooleanSupplier stopping, Instant leaseEnd,
                               UnaryOperator<List<OutboxItem>> open) throws InterruptedException {
        Deque<List<OutboxItem>> work = new ArrayDeque<>();
        work.push(items);
        int first = out.requests;
        while (!work.isEmpty()) {
            List<OutboxItem> batch = work.pop();
            if (stopping.getAsBoolean() || outlastsLease(leaseEnd)) {
                out.halt(Optional.empty());
            }
            if (out.halted()) {
                out.release(batch);
                continue;
            }
            // Everything on the stack after the first request is a part of a rejected batch.
            int spent = out.requests - first;
            if (spent >= policy.bisectMaxRequests() && out.lastRejection != null) {
                abandon(batch, spent, out);
                continue;
            }
            Optional<Prepared> prepared = prepare(batch, open, out);
            if (prepared.isEmpty()) {
                continue;
            }
            HttpRequestSpec request = prepared.get().request();
            List<OutboxItem> sent = prepared.get().items();
            settleBatch(sent, exchange(request, sent, out, stopping, leaseEnd), out, work);
        }
    }

    /**
     * A round's items as requests, in order: each of at most {@code maxBytes} of stored payload
     * ({@code size}), and at least one item, so an event larger than the bound still goes, alone.
     */
    static List<List<OutboxItem>> requests(List<OutboxItem> items, ToLongFunction<OutboxItem> size, long maxBytes) {
        List<List<OutboxItem>> requests = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            long next = size.applyAsLong(items.get(i));
            if (i > start && bytes + next > maxBytes) {
                requests.add(items.subList(start, i));
                start = i;
                bytes = 0;
            }
            bytes += next;
        }
        if (start < items.size()) {
            requests.add(items.subList(start, items.size()));
        }
        return requests;
    }

    /** Dead-letters a part of a rejected batch that the bisection budget no longer covers. */
    private void abandon(List<OutboxItem> batch, int spent, Settlement out) {
        DeliveryOutcome.Rejected r = out.lastRejection;
        String reason = connector.type() + ": not isolated, bisection stopped after " + spent
                + " requests (bisect-max-requests); the batch was rejected with: " + r.reason();
        batch.forEach(i -> out.dead.add(new Settlement.Dead(i.id(), reason, r.platformCode(), true,
                Settlement.DeadCause.BISECT_BUDGET)));
    }

    private boolean outlastsLease(Instant leaseEnd) {
        return clock.instant().plus(policy.requestBound()).isAfter(leaseEnd);
    }

    /** Applies the answer to a sent batch: settle its items, or queue its halves when rejected as a whole. */
    private void settleBatch(List<OutboxItem> batch, DeliveryOutcome outcome, Settlement out,
                             Deque<List<OutboxItem>> work) {
        switch (outcome) {
            case DeliveryOutcome.Delivered d -> batch.forEach(i -> out.delivered.add(i.id()));
            case DeliveryOutcome.RetryLater r -> batch.forEach(i -> out.retries.add(new Settlement.Retry(i.id(), r.reason(), r.retryAfter())));
            case DeliveryOutcome.Rejected r when batch.size() == 1 -> out.dead.add(new Settlement.Dead(batch.getFirst().id(),
                    r.reason(), r.platformCode(), true, Settlement.DeadCause.REJECTED));
            case DeliveryOutcome.Rejected r -> {
                out.lastRejection = r;
                metrics.bisected(tenantId, destinationId);
                int half = batch.size() / 2;
                work.push(batch.subList(half, batch.size()));
                work.push(batch.subList(0, half));
            }
            case DeliveryOutcome.PerItem p -> batch.forEach(i -> settleOne(i, p.outcomes().get(i.id()), out));
            case DeliveryOutcome.Unhealthy u -> {
                out.release(batch);
                out.halt(Optional.of(u.reason()));
            }
            case null -> out.release(batch); // not sent: circuit open or no rate-limit permit
        }
    }

    private void settleOne(OutboxItem item, DeliveryOutcome outcome, Settlement out) {
        switch (outcome) {
            case DeliveryOutcome.Delivered d -> out.delivered.add(item.id());
            case DeliveryOutcome.RetryLater r -> out.retries.add(new Settlement.Retry(item.id(), r.reason(), r.retryAfter()));
            case DeliveryOutcome.Rejected r -> out.dead.add(new Settlement.Dead(item.id(), r.reason(), r.platformCode(), true,
                    Settlement.DeadCause.REJECTED));
            case DeliveryOutcome.Unhealthy u -> {
                out.released.add(item.id());
                out.halt(Optional.of(u.reason()));
            }
            case DeliveryOutcome.PerItem p -> throw new IllegalStateException("PerItem outcomes do not nest");
            case null -> out.retries.add(new Settlement.Retry(item.id(), connector.type() + ": no result for the item", Optional.empty()));
        }
    }

    /** A request and the items it carries, as headers. */
    private record Prepared(HttpRequestSpec request, List<OutboxItem> items) {
    }

    /**
     * The request for the batch (headers, opened by {@code open} for the connector), after
     * dead-lettering every item the connector cannot map.
     */
    private Optional<Prepared> prepare(List<OutboxItem> batch, UnaryOperator<List<OutboxItem>> open, Settlement out) {
        List<OutboxItem> remaining = batch;
        while (!remaining.isEmpty()) {
            Settlement.Dead dead;
            try {
                return Optional.of(new Prepared(connector.prepare(open.apply(remaining)), remaining));
            } catch (UnmappableItemException e) {
                dead = new Settlement.Dead(e.itemId(), "unmappable: " + e.reason(), Optional.empty(), false,
                        Settlement.DeadCause.UNMAPPABLE);
            } catch (UnreadableItemException e) {
                dead = new Settlement.Dead(e.itemId(), UNREADABLE, Optional.empty(), false, Settlement.DeadCause.UNREADABLE);
            }
            out.dead.add(dead);
            List<OutboxItem> rest = remaining.stream().filter(i -> i.id() != dead.id()).toList();
            if (rest.size() == remaining.size()) {
                // An item not in the batch was named: a connector bug; do not loop.
                throw new IllegalStateException("an item outside the batch was named as unmappable or unreadable");
            }
            remaining = rest;
        }
        return Optional.empty();
    }

    /**
     * One request through the resilience chain. Returns null when it was not sent (circuit open,
     * no permit in time, bulkhead full, shutdown or the lease too short after waiting for a
     * permit) and halts the batch, whose rows are then released.
     */
    private DeliveryOutcome exchange(HttpRequestSpec request, List<OutboxItem> batch, Settlement out,
                                     BooleanSupplier stopping, Instant leaseEnd) throws InterruptedException {
        long wait = rateLimiter.reservePermission();
        if (wait < 0) {
            out.halt(Optional.empty());
            return null;
        }
        if (wait > 0) {
            sleeper.sleep(Duration.ofNanos(wait));
            out.rateLimitWait = out.rateLimitWait.plusNanos(wait);
            if (stopping.getAsBoolean() || outlastsLease(leaseEnd)) {
                out.halt(Optional.empty());
                return null;
            }
        }
        if (!breaker.tryAcquirePermission()) {
            out.halt(Optional.empty());
            return null;
        }
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            out.halt(Optional.empty());
            return null;
        }
        long started = System.nanoTime();
        out.requests++;
        DeliveryOutcome outcome;
        int status = 0;
        try {
            HttpResponseSpec response = transport.send(request, policy.readTimeout());
            status = response.status();
            outcome = connector.interpret(response, batch);
        } catch (IOException e) {
            outcome = connector.onTransportError(e);
        } finally {
            bulkhead.onComplete();
        }
        long nanos = System.nanoTime() - started;
        // Throttling, 5xx, timeouts and broken credentials count against the circuit; answers
        // about the events themselves (accepted, rejected, per item) show a healthy platform.
        switch (outcome) {
            case DeliveryOutcome.RetryLater r -> breaker.onError(nanos, TimeUnit.NANOSECONDS, new IOException(r.reason()));
            case DeliveryOutcome.Unhealthy u -> breaker.onError(nanos, TimeUnit.NANOSECONDS, new IOException(u.reason()));
            case DeliveryOutcome.Delivered d -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            case DeliveryOutcome.Rejected r -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            case DeliveryOutcome.PerItem p -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
        metrics.request(tenantId, destinationId, status, batch.size(), Duration.ofNanos(nanos));
        LOG.log(System.Logger.Level.DEBUG, "event=delivery_request tenant={0} destination={1} status={2} items={3} outcome={4} duration_ms={5}",
                tenantId, destinationId, status, batch.size(), outcome.getClass().getSimpleName(), nanos / 1_000_000);
        return outcome;
    }
}
