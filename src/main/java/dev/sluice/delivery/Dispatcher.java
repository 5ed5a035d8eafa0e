package dev.sluice.delivery;

import dev.sluice.privacy.PayloadFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.OutboxItem;
import dev.sluice.privacy.SealedDataException;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.DeliveryStore;
import dev.sluice.store.DeliveryStore.Claimed;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers one tenant's destination: claims due outbox rows in batches of the connector's size,
 * opens them, dead-letters those the platform would refuse for age, sends the rest through a
 * {@link BatchSender} (as several requests when their payloads exceed
 * {@link DeliveryPolicy#maxRequestBytes()}), and writes every row's outcome back. One instance
 * runs on one virtual thread ({@link #run}); {@link #cycle} is one claim-send-settle round,
 * driven directly by tests.
 *
 * <p>The retry horizon lives on the row: a retried row gets {@code attempts + 1} and a
 * {@code next_attempt_at} from exponential backoff with jitter or the platform's
 * {@code Retry-After}, whichever is later, so retries survive restarts. Once the budget
 * (attempts, or age since commit, or since its last replay for a replayed dead letter) is spent,
 * the row is dead-lettered with the last reason.
 */
final class Dispatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How often the backlog gauge is read from the store, at most: every round that is due reads
     * it (busy, idle, paused or with an open circuit), and a paused dispatcher wakes this often to
     * do so. Until session 40 only an idle round or an open circuit refreshed it (every five
     * seconds), so the gauge read 0 while a slow platform kept the dispatcher busy and for the
     * whole of an unhealthy pause: exactly when an alert on it was wanted.
     */
    static final Duration BACKLOG_REFRESH = Duration.ofSeconds(1);

    private final dev.sluice.observe.ThrottledLog roundFailures =
            new dev.sluice.observe.ThrottledLog(LOG, Duration.ofSeconds(10));
    private final String tenantId;
    private final String destinationId;
    private final Connector connector;
    private final DeliveryPolicy policy;
    private final DeliveryStore store;
    private final TenantCrypto crypto;
    private final BatchSender sender;
    private final CircuitBreaker breaker;
    private final DeliveryMetrics metrics;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final String owner;
    private final IntervalFunction backoff;
    private final AtomicLong backlog;

    private volatile boolean died;
    private volatile boolean running = true;
    private volatile Instant pausedUntil;
    private volatile String unhealthy;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Duration lastLatency;
    private volatile Instant lastDeliveredAt;
    /**
     * Rows the next claim asks for: the connector's batch size at first, then as many as fit in
     * {@link DeliveryPolicy#maxRequestBytes()} at the last claim's average stored size, so that a
     * round is one request and holds about that many payload bytes (only the loop's thread uses it).
     */
    private int claimLimit;
    private Instant backlogRefreshedAt = Instant.MIN;

    Dispatcher(String tenantId, String destinationId, Connector connector, DeliveryPolicy policy, DeliveryStore store,
               TenantCrypto crypto, BatchSender sender, CircuitBreaker breaker, DeliveryMetrics metrics,
               InstantSource clock, Sleeper sleeper, String owner) {
        this.tenantId = tenantId;
        this.destinationId = destinationId;
        this.connector = connector;
        this.policy = policy;
        this.store = store;
        this.crypto = crypto;
        this.sender = sender;
        this.breaker = breaker;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
        this.owner = owner;
        this.backoff = policy.backoff();
        this.backlog = metrics.backlog(tenantId, destinationId);
        this.claimLimit = connector.maxBatchSize();
    }

    /**
     * The delivery loop. Rounds are pipelined: a round's settlement (one write transaction, which
     * on SQLite waits for ingest's group commit) runs on its own thread while the next round
     * claims, opens and sends, so the writer's wait overlaps the platform's round trip. A round
     * waits for the previous round's settlement before it claims again (at most two are ever
     * outstanding), and the rows a settlement records stay leased until it has committed, so no
     * claim can take them twice. {@link #cycle} is the same round without the overlap.
     */
    @Override
    public void run() {
        FutureTask<Void> settling = null;
        try {
            while (running) {
                try {
                    Round round = claimAndSend();
                    // This round's settlement starts before the previous one is awaited, so a
                    // failure of that one cannot leave this round's sent rows unrecorded.
                    FutureTask<Void> previous = settling;
                    settling = null;
                    if (round.claimed() != null) {
                        settling = new FutureTask<>(() -> {
                            settle(round.claimed(), round.out());
                            return null;
                        });
                        Thread.ofVirtual().name("sluice-settle-" + tenantId + "-" + destinationId).start(settling);
                    }
                    settled(previous);
                    Duration pause = sleepFor(round.pause(), policy.idlePoll());
                    if (!pause.isZero() && running) {
                        sleeper.sleep(pause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // Store outages and connector bugs: claimed rows were released or their lease
                    // expires; log the type only, since messages may carry data, except the
                    // store's, which name the operation and its error code (a full disk).
                    error("internal: " + describe(e, false));
                    // At most one line per 10 s (with the count left out): a store that is gone
                    // failed every round, a line per dispatcher every 1.5 s, until session 40.
                    roundFailures.log(System.Logger.Level.ERROR, "event=dispatcher_error tenant={0} destination={1} error={2}",
                            tenantId, destinationId, describe(e, true));
                    try {
                        sleeper.sleep(policy.idlePoll().multipliedBy(10));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } catch (Error e) {
            // Not a condition a round can recover from (a class that no longer links, a stack
            // overflow): the thread ends, and says so where operators look; the liveness probe
            // then fails (DeliveryEngine#dispatchersAlive), so the process is restarted rather
            // than left ingesting with this destination's delivery stopped.
            died = true;
            error("stopped: " + e.getClass().getSimpleName());
            LOG.log(System.Logger.Level.ERROR, "event=dispatcher_died tenant={0} destination={1} error={2}",
                    tenantId, destinationId, e.getClass().getName());
            throw e;
        } finally {
            // Shutdown waits for the last settlement, so what was delivered is recorded as such.
            try {
                settled(settling);
            } catch (RuntimeException | InterruptedException e) {
                LOG.log(System.Logger.Level.ERROR, "event=dispatcher_error tenant={0} destination={1} error={2}",
                        tenantId, destinationId, describe(e, true));
            }
        }
    }

    /** Waits for a background settlement; its failure is rethrown as it was thrown. */
    private static void settled(FutureTask<Void> settling) throws InterruptedException {
        if (settling == null) {
            return;
        }
        try {
            settling.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Asks the loop to stop after the batch in flight; its unsent rows are released. */
    void stop() {
        running = false;
    }

    /**
     * One round: claim, open, send, settle.
     *
     * @return how long to wait before the next round (zero when a full batch suggests more work)
     */
    Duration cycle() throws InterruptedException {
        Round round = claimAndSend();
        if (round.claimed() != null) {
            settle(round.claimed(), round.out());
        }
        return round.pause();
    }

    /**
     * What a round claimed and how sending went; {@code claimed} is null when nothing was claimed.
     * {@code pause} is how long to wait before the next round.
     */
    private record Round(Map<Long, Held> claimed, Settlement out, Duration pause) {
        static Round idle(Duration pause) {
            return new Round(null, null, pause);
        }
    }

    /**
     * How long the loop sleeps before its next round: the round's pause, but no longer than the
     * idle poll or {@link #BACKLOG_REFRESH}, whichever is longer, so that a dispatcher paused for
     * {@code unhealthy-recheck} still refreshes the backlog gauge (its next round finds the pause
     * still running and sleeps again).
     */
    static Duration sleepFor(Duration pause, Duration idlePoll) {
        Duration most = idlePoll.compareTo(BACKLOG_REFRESH) > 0 ? idlePoll : BACKLOG_REFRESH;
        return pause.compareTo(most) > 0 ? most : pause;
    }

    /** Claims, opens and sends one batch; the caller settles it (see {@link #run}). */
    private Round claimAndSend() throws InterruptedException {
        Instant now = clock.instant();
        refreshBacklog(now);
        Instant paused = pausedUntil;
        if (paused != null && now.isBefore(paused)) {
            return Round.idle(Duration.between(now, paused));
        }
        pausedUntil = null;
        // An open circuit sends nothing, so claiming would only churn leases.
        if (!breaker.tryAcquirePermission()) {
            return Round.idle(policy.idlePoll());
        }
        breaker.releasePermission();
        int limit = claimLimit;
        Instant leaseEnd = now.plus(policy.lease(limit));
        List<Claimed> claimed = store.claim(tenantId, destinationId, limit, now, policy.lease(limit), owner);
        if (claimed.isEmpty()) {
            return Round.idle(policy.idlePoll());
        }
        claimLimit = rowsThatFit(claimed, policy.maxRequestBytes(), connector.maxBatchSize());
        Settlement out = new Settlement();
        Map<Long, Held> byId = new HashMap<>();
        // Headers only: each claimed row is opened here for its event time alone (no payload tree),
        // and the connector gets each request's payloads opened and read from the sealed rows just
        // before it maps them (BatchSender#send), so they are not held for the round trip. Reading
        // every payload whole here too was half of delivery's work per copy (docs/benchmarks.md,
        // session 20); a payload that opens but does not read is dead-lettered when it is mapped.
        Map<Long, Claimed> sealed = new HashMap<>();
        List<OutboxItem> sendable = new ArrayList<>(claimed.size());
        for (Claimed row : claimed) {
            byId.put(row.id(), new Held(row.attempts(), row.createdAt(), row.retryFrom()));
            sealed.put(row.id(), row);
            header(row).ifPresent(sendable::add);
        }
        List<OutboxItem> fresh = new ArrayList<>(sendable.size());
        for (OutboxItem item : sendable) {
            if (item.eventTime().plus(connector.maxEventAge()).isBefore(now)) {
                out.dead.add(new Settlement.Dead(item.id(), connector.type() + ": event older than the platform accepts ("
                        + connector.maxEventAge() + ")", Optional.empty(), false, Settlement.DeadCause.TOO_OLD));
            } else {
                fresh.add(item);
            }
        }
        addUnreadable(claimed, sendable, out);
        try {
            if (!fresh.isEmpty()) {
                List<List<OutboxItem>> requests = BatchSender.requests(fresh, i -> sealed.get(i.id()).payloadSize(),
                        policy.maxRequestBytes());
                sender.send(requests, out, () -> !running, leaseEnd, headers -> reopen(headers, sealed));
            }
        } catch (RuntimeException | InterruptedException | Error e) {
            // Whatever was settled before the failure is recorded; the rest is released.
            settle(byId, out);
            throw e;
        }
        if (out.unhealthy().isPresent()) {
            unhealthy = out.unhealthy().get();
            pausedUntil = clock.instant().plus(policy.unhealthyRecheck());
            error(unhealthy);
            LOG.log(System.Logger.Level.WARNING, "event=destination_unhealthy tenant={0} destination={1} reason={2} recheck_s={3}",
                    tenantId, destinationId, unhealthy, policy.unhealthyRecheck().toSeconds());
            return new Round(byId, out, Duration.between(clock.instant(), pausedUntil));
        }
        return new Round(byId, out, claimed.size() == limit && !out.halted() ? Duration.ZERO : policy.idlePoll());
    }

    /** How many rows of the claimed rows' average stored size fit in {@code maxBytes}: 1 to {@code max}. */
    static int rowsThatFit(List<Claimed> claimed, long maxBytes, int max) {
        long bytes = 0;
        for (Claimed row : claimed) {
            bytes += row.payloadSize();
        }
        long fit = bytes == 0 ? max : maxBytes * claimed.size() / bytes;
        return (int) Math.max(1, Math.min(max, fit));
    }

    /**
     * What settlement needs of a claimed row. Not the row itself: its sealed payload would stay
     * reachable until this round settles, which overlaps the next round's send (docs/benchmarks.md,
     * Delivery, session 12).
     */
    private record Held(int attempts, Instant createdAt, Instant retryFrom) {
    }

    /** Writes every settled row back; rows not settled (an exception mid-send) are released. */
    private void settle(Map<Long, Held> byId, Settlement out) {
        Instant now = clock.instant();
        Set<Long> unsettled = new HashSet<>(byId.keySet());
        if (!out.delivered.isEmpty()) {
            List<Long> ids = List.copyOf(out.delivered);
            store.markDelivered(tenantId, owner, ids);
            for (long id : ids) {
                Held row = byId.get(id);
                Duration latency = Duration.between(row.createdAt(), now);
                metrics.delivered(tenantId, destinationId, row.attempts() + 1, latency);
                lastLatency = latency;
            }
            lastDeliveredAt = now;
            unhealthy = null;
            ids.forEach(unsettled::remove);
            metrics.events(tenantId, destinationId, "delivered", "accepted", ids.size());
        }
        List<DeliveryStore.Retry> retries = new ArrayList<>();
        for (Settlement.Retry r : out.retries) {
            Held row = byId.get(r.id());
            int attempts = row.attempts() + 1;
            // The age counts from the row's last replay, if any: a replay gives a fresh budget.
            if (attempts >= policy.maxAttempts() || !now.isBefore(row.retryFrom().plus(policy.maxRetryAge()))) {
                out.dead.add(new Settlement.Dead(r.id(), "retry budget exhausted after " + attempts + " attempts: "
                        + r.reason(), Optional.empty(), true, Settlement.DeadCause.BUDGET_EXHAUSTED));
                continue;
            }
            Duration delay = Duration.ofMillis(backoff.apply(attempts));
            if (r.retryAfter().isPresent() && r.retryAfter().get().compareTo(delay) > 0) {
                delay = r.retryAfter().get();
            }
            retries.add(new DeliveryStore.Retry(r.id(), retryAt(now, delay, row.retryFrom()), r.reason()));
            error(r.reason());
        }
        store.reschedule(tenantId, owner, retries, now);
        retries.forEach(r -> unsettled.remove(r.id()));
        metrics.events(tenantId, destinationId, "retried", "retry_later", retries.size());
        if (!out.dead.isEmpty()) {
            store.deadLetter(tenantId, owner, out.dead.stream()
                    .map(d -> new DeliveryStore.Dead(d.id(), d.reason(), d.platformCode(), d.attempted())).toList(), now);
            for (Settlement.Dead d : out.dead) {
                unsettled.remove(d.id());
                metrics.events(tenantId, destinationId, "dead_lettered", d.cause().tag(), 1);
            }
            error(out.dead.getLast().reason());
        }
        // Released rows and anything left unsettled go back as they were.
        unsettled.addAll(out.released);
        store.release(tenantId, owner, List.copyOf(unsettled), now);
        metrics.events(tenantId, destinationId, "released", "not_sent", unsettled.size());
        LOG.log(System.Logger.Level.DEBUG, "event=batch_settled tenant={0} destination={1} delivered={2} retried={3} dead={4} released={5} requests={6}",
                tenantId, destinationId, out.delivered.size(), retries.size(), out.dead.size(), unsettled.size(), out.requests);
    }

    /**
     * The items of {@code headers} with their payloads, opened again from their sealed rows as each
     * is read: a view, so each payload tree lives only while the connector maps it (connectors read
     * each item of a batch once, {@link dev.sluice.connector.Connector#prepare}).
     */
    private List<OutboxItem> reopen(List<OutboxItem> headers, Map<Long, Claimed> sealed) {
        return new AbstractList<>() {
            @Override
            public OutboxItem get(int index) {
                long id = headers.get(index).id();
                return open(sealed.get(id)).orElseThrow(() -> new UnreadableItemException(id));
            }

            @Override
            public int size() {
                return headers.size();
            }
        };
    }

    /**
     * A claimed row's header: opened and authenticated, its event time read without reading the
     * rest of the payload ({@link PayloadFormat#eventTime}); empty when it does not open or has no
     * event time (dead-lettered by the caller).
     */
    private Optional<OutboxItem> header(Claimed row) {
        try {
            OptionalLong time = PayloadFormat.eventTime(JSON,
                    StoredCopies.open(crypto, tenantId, destinationId, row.eventName(), row.eventId(), row.payload()));
            return time.isEmpty() ? Optional.empty() : Optional.of(new OutboxItem(row.id(), row.eventId(), row.eventName(),
                    Instant.ofEpochSecond(time.getAsLong()), MissingNode.getInstance()));
        } catch (SealedDataException | IOException e) {
            return Optional.empty();
        }
    }

    /** Opens and reads a claimed row; empty when it cannot be opened or read. */
    private Optional<OutboxItem> open(Claimed row) {
        try {
            JsonNode payload = PayloadFormat.readVersion1(JSON,
                    StoredCopies.open(crypto, tenantId, destinationId, row.eventName(), row.eventId(), row.payload()));
            JsonNode time = payload.get("event_time");
            if (time == null || !time.canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new OutboxItem(row.id(), row.eventId(), row.eventName(),
                    Instant.ofEpochSecond(time.asLong()), payload));
        } catch (SealedDataException | IOException e) {
            return Optional.empty();
        }
    }

    private static void addUnreadable(List<Claimed> claimed, List<OutboxItem> opened, Settlement out) {
        Set<Long> ok = new HashSet<>();
        opened.forEach(i -> ok.add(i.id()));
        for (Claimed row : claimed) {
            if (!ok.contains(row.id())) {
                out.dead.add(new Settlement.Dead(row.id(), BatchSender.UNREADABLE, Optional.empty(), false,
                        Settlement.DeadCause.UNREADABLE));
            }
        }
    }


    /** Reads the destination's backlog into the gauge, unless it did less than {@link #BACKLOG_REFRESH} ago. */
    private void refreshBacklog(Instant now) {
        if (Duration.between(backlogRefreshedAt, now).compareTo(BACKLOG_REFRESH) >= 0) {
            backlogRefreshedAt = now;
            store.backlog(tenantId).stream().filter(b -> b.destinationId().equals(destinationId)).findFirst()
                    .ifPresentOrElse(b -> backlog.set(b.pending()), () -> backlog.set(0));
        }
    }

    /**
     * A failure without data: its type ({@code fullName}: with its package), and for the store's
     * own failures their message, which names the operation and the store's error code.
     */
    static String describe(Exception e, boolean fullName) {
        String type = fullName ? e.getClass().getName() : e.getClass().getSimpleName();
        return e instanceof dev.sluice.store.StoreException ? type + ": " + e.getMessage() : type;
    }

    private void error(String reason) {
        lastError = reason;
        lastErrorAt = clock.instant();
    }

    /** True once the loop has ended on an {@link Error}: this destination's delivery has stopped. */
    boolean died() {
        return died;
    }

    /** The live state for the admin view. */
    DestinationStatus status() {
        return new DestinationStatus(breaker.getState().name(), Optional.ofNullable(lastError),
                Optional.ofNullable(lastErrorAt), Optional.ofNullable(unhealthy), Optional.ofNullable(pausedUntil),
                Optional.ofNullable(lastLatency), Optional.ofNullable(lastDeliveredAt));
    }

    /**
     * When a row is tried again: after {@code delay}, but no later than the end of its retry age.
     * A platform's {@code Retry-After} is honoured within that; past it the row could only be
     * dead-lettered, and a date decades off (or past what an {@code Instant} holds, which threw
     * and left the batch leased) would park the row for good. At that last moment it is tried
     * once more, and dead-lettered if that fails too.
     */
    private Instant retryAt(Instant now, Duration delay, Instant retryFrom) {
        Instant deadline = retryFrom.plus(policy.maxRetryAge());
        return delay.compareTo(Duration.between(now, deadline)) >= 0 ? deadline : now.plus(delay);
    }
}
