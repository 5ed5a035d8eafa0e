package dev.sluice.delivery;

import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.config.TenantConfig;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.Connectors;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.store.DeliveryStore;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The delivery engine: one {@link Dispatcher} per (tenant, destination) whose type has a
 * connector, each on its own virtual thread with its own HTTP client, circuit breaker and rate
 * limiter, and a bulkhead per platform type bounding requests in flight to that platform, so
 * one slow or sick platform cannot hold up the others. Destinations without a connector yet keep
 * their rows pending and are reported as such by {@link #destinations}.
 *
 * <p>Lifecycle: {@link #create} validates every connector's and policy's settings (failing with
 * the key's name), {@link #start} starts the dispatchers, {@link #close} stops claiming, lets
 * each dispatcher finish or release its batch in flight, and waits for them.
 */
public final class DeliveryEngine implements AutoCloseable {
    private volatile boolean started;
    private static final System.Logger LOG = System.getLogger(DeliveryEngine.class.getName());
    /** Requests in flight to one platform type across all tenants. */
    static final int PLATFORM_CONCURRENCY = 16;

    private final Map<String, Map<String, List<Dispatcher>>> dispatchers;
    private final Map<String, TenantConfig> tenants;
    private final DeliveryStore store;
    private final InstantSource clock;
    private final CountDownLatch stopSignal;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Transport> transports;
    private final Duration shutdownGrace;

    private DeliveryEngine(Map<String, Map<String, List<Dispatcher>>> dispatchers, Map<String, TenantConfig> tenants,
                           DeliveryStore store, InstantSource clock, CountDownLatch stopSignal, List<Transport> transports,
                           Duration shutdownGrace) {
        this.dispatchers = dispatchers;
        this.tenants = tenants;
        this.store = store;
        this.clock = clock;
        this.stopSignal = stopSignal;
        this.transports = transports;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Builds (without starting) the engine for every tenant's destinations.
     *
     * @throws dev.sluice.config.ConfigException naming the setting at fault
     */
    public static DeliveryEngine create(Collection<TenantConfig> tenants, Secrets secrets, DataKeyring keyring,
                                        DeliveryStore store, MeterRegistry registry, InstantSource clock) {
        CountDownLatch stop = new CountDownLatch(1);
        // The real sleeper wakes up early on shutdown, so close() never waits out an idle poll.
        Sleeper sleeper = d -> stop.await(d.toNanos(), TimeUnit.NANOSECONDS);
        return create(tenants, secrets, keyring, store, registry, clock, sleeper, p -> new JdkTransport(p.connectTimeout()), stop);
    }

    static DeliveryEngine create(Collection<TenantConfig> tenants, Secrets secrets, DataKeyring keyring,
                                 DeliveryStore store, MeterRegistry registry, InstantSource clock, Sleeper sleeper,
                                 Function<DeliveryPolicy, Transport> transports, CountDownLatch stop) {
        DeliveryMetrics metrics = new DeliveryMetrics(registry);
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(PLATFORM_CONCURRENCY).maxWaitDuration(Duration.ofSeconds(1)).build());
        String owner = "sluice-" + UUID.randomUUID();
        Map<String, Map<String, List<Dispatcher>>> all = new LinkedHashMap<>();
        Map<String, TenantConfig> byId = new LinkedHashMap<>();
        List<Transport> opened = new ArrayList<>();
        Duration grace = Duration.ofSeconds(5);
        for (TenantConfig tenant : tenants) {
            byId.put(tenant.id(), tenant);
            Map<String, List<Dispatcher>> forTenant = new LinkedHashMap<>();
            for (DestinationConfig destination : tenant.destinations()) {
                if (!Connectors.types().contains(destination.type())) {
                    continue;
                }
                String key = "sluice.tenants." + tenant.id() + ".destinations." + destination.id();
                ConnectorSettings settings = ConnectorSettings.of(key, destination.settings());
                Connector connector = Connectors.create(destination, settings, secrets, clock);
                DeliveryPolicy policy = DeliveryPolicy.from(settings, connector);
                settings.refuseUnknown(DestinationConfig.readByIngest(destination.type()), destination.type());
                Transport transport = transports.apply(policy);
                opened.add(transport);
                String name = tenant.id() + "/" + destination.id();
                CircuitBreaker breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                        .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
                        .waitDurationInOpenState(policy.circuitOpenFor()).permittedNumberOfCallsInHalfOpenState(1)
                        .clock(clock.withZone(ZoneOffset.UTC)).build());
                metrics.circuit(tenant.id(), destination.id(), breaker);
                logTransitions(tenant.id(), destination.id(), breaker);
                RateLimiter limiter = RateLimiter.of(name, RateLimiterConfig.custom()
                        .limitForPeriod(policy.requestsPerSecond()).limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ofSeconds(5)).build());
                Bulkhead bulkhead = bulkheads.bulkhead(destination.type());
                BatchSender sender = new BatchSender(tenant.id(), destination.id(), connector, transport, policy,
                        breaker, limiter, bulkhead, metrics, clock, sleeper);
                // Each dispatcher claims as its own owner: a lease is settled only by the one that took it.
                List<Dispatcher> forDestination = new ArrayList<>(policy.dispatchers());
                for (int i = 0; i < policy.dispatchers(); i++) {
                    forDestination.add(new Dispatcher(tenant.id(), destination.id(), connector, policy, store,
                            keyring.forTenant(tenant.id()), sender, breaker, metrics, clock, sleeper,
                            i == 0 ? owner : owner + "-" + i));
                }
                forTenant.put(destination.id(), List.copyOf(forDestination));
                Duration inFlight = policy.readTimeout().plus(policy.connectTimeout()).plusSeconds(1);
                grace = inFlight.compareTo(grace) > 0 ? inFlight : grace;
            }
            all.put(tenant.id(), forTenant);
        }
        return new DeliveryEngine(all, byId, store, clock, stop, opened, grace);
    }

    /**
     * Starts one virtual thread per dispatcher, after handing back the claims a previous process
     * left behind on a single-process store (SQLite), so a restart after {@code kill -9} does not
     * wait for their leases.
     */
    public void start() {
        started = true;
        int recovered = store.releaseOrphanedClaims(clock.instant());
        if (recovered > 0) {
            LOG.log(System.Logger.Level.INFO, "event=delivery_claims_recovered rows={0}", recovered);
        }
        dispatchers.forEach((tenant, byDestination) -> byDestination.forEach((destination, running) -> {
            for (int i = 0; i < running.size(); i++) {
                threads.add(Thread.ofVirtual().name("sluice-delivery-" + tenant + "-" + destination + (i == 0 ? "" : "-" + i))
                        .start(running.get(i)));
            }
        }));
        LOG.log(System.Logger.Level.INFO, "event=delivery_started dispatchers={0}", threads.size());
    }

    /**
     * False once a started dispatcher has died of an {@link Error} ({@link Dispatcher#died}): the
     * liveness probe's answer, so that the process is restarted instead of ingesting while a
     * destination's delivery has stopped. True before {@link #start} and with delivery disabled.
     */
    public boolean dispatchersAlive() {
        return dispatchers.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .noneMatch(Dispatcher::died);
    }

    /** The destinations a dispatcher delivers (a connector exists for their type), by tenant. */
    public Map<String, java.util.Set<String>> deliveredDestinations() {
        Map<String, java.util.Set<String>> out = new LinkedHashMap<>();
        dispatchers.forEach((tenant, byDestination) -> out.put(tenant, java.util.Set.copyOf(byDestination.keySet())));
        return out;
    }

    /** Whether {@link #start} ran: false when {@code sluice.delivery.enabled} is off, or before the listeners are up. */
    public boolean started() {
        return started;
    }

    /** How many dispatchers run (or would run once started). */
    public int dispatcherCount() {
        return dispatchers.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
    }

    /**
     * The tenant's destinations, in configuration order: type, whether a connector delivers it,
     * backlog, oldest pending age, dead letters and the dispatcher's live state; then, in id order,
     * destinations no longer configured whose id still holds pending copies or dead letters. Those
     * were listed nowhere until session 40: a removed destination's copies moved to the outbox,
     * pending, where no dispatcher claims them. Since session 40 the retention purge deletes them,
     * and its dead letters, once older than {@code retention.dead-letters} (RetentionPurge); a
     * destination is listed here until then.
     */
    public List<DestinationView> destinations(String tenantId) {
        TenantConfig tenant = tenants.get(tenantId);
        if (tenant == null) {
            return List.of();
        }
        Instant now = clock.instant();
        Map<String, DeliveryStore.Backlog> backlog = new LinkedHashMap<>();
        store.backlog(tenantId).forEach(b -> backlog.put(b.destinationId(), b));
        Map<String, List<Dispatcher>> running = dispatchers.getOrDefault(tenantId, Map.of());
        List<DestinationView> views = new ArrayList<>();
        for (DestinationConfig d : tenant.destinations()) {
            Optional<DeliveryStore.Backlog> b = Optional.ofNullable(backlog.get(d.id()));
            List<Dispatcher> forDestination = running.get(d.id());
            views.add(new DestinationView(d.id(), true, d.type(), forDestination != null,
                    b.map(DeliveryStore.Backlog::pending).orElse(0L),
                    b.flatMap(DeliveryStore.Backlog::oldestPending).map(t -> Duration.between(t, now)),
                    b.map(DeliveryStore.Backlog::dead).orElse(0L),
                    Optional.ofNullable(forDestination).map(DeliveryEngine::status)));
            backlog.remove(d.id());
        }
        for (DeliveryStore.Backlog b : backlog.values()) {
            if (b.pending() == 0 && b.dead() == 0) {
                continue;
            }
            views.add(new DestinationView(b.destinationId(), false, "", false, b.pending(),
                    b.oldestPending().map(t -> Duration.between(t, now)), b.dead(), Optional.empty()));
        }
        return List.copyOf(views);
    }

    /** Stops claiming, lets batches in flight finish or be released, waits, then closes clients. */
    @Override
    public void close() {
        dispatchers.values().forEach(m -> m.values().forEach(running -> running.forEach(Dispatcher::stop)));
        stopSignal.countDown();
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    // Past the grace period: interrupting aborts the request; the batch's rows are
                    // released by the dispatcher or, at worst, re-claimed when their lease expires.
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        transports.forEach(Transport::close);
        LOG.log(System.Logger.Level.INFO, "event=delivery_stopped dispatchers={0}", threads.size());
    }

    /** Test access to a destination's first dispatcher. */
    Optional<Dispatcher> dispatcher(String tenantId, String destinationId) {
        return Optional.ofNullable(dispatchers.getOrDefault(tenantId, Map.of()).get(destinationId)).map(List::getFirst);
    }

    /**
     * One destination's state from its dispatchers: they share the circuit breaker; the
     * destination is paused while any of them is, and the last error is the latest of theirs.
     */
    private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
    }

    static DestinationStatus status(List<Dispatcher> running) {
        DestinationStatus combined = running.getFirst().status();
        for (Dispatcher dispatcher : running.subList(1, running.size())) {
            DestinationStatus s = dispatcher.status();
            boolean later = s.lastErrorAt().isPresent() && (combined.lastErrorAt().isEmpty()
                    || s.lastErrorAt().get().isAfter(combined.lastErrorAt().get()));
            combined = new DestinationStatus(combined.circuitState(),
                    later ? s.lastError() : combined.lastError(), later ? s.lastErrorAt() : combined.lastErrorAt(),
                    combined.unhealthy().or(s::unhealthy), combined.pausedUntil().or(s::pausedUntil),
                    combined.lastLatency().or(s::lastLatency), latest(combined.lastDeliveredAt(), s.lastDeliveredAt()));
        }
        return combined;
    }

    /**
     * One log line when a destination's circuit opens (WARNING: nothing is sent to it for
     * {@code circuit-open-duration}), lets a trial request through, or closes again (INFO): rare
     * events an operator looks for, where a line per failed request would flood the log.
     */
    private static void logTransitions(String tenant, String destination, CircuitBreaker breaker) {
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            LOG.log(to == CircuitBreaker.State.OPEN ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    "event=circuit_{0} tenant={1} destination={2} from={3}",
                    to.name().toLowerCase(java.util.Locale.ROOT), tenant, destination,
                    e.getStateTransition().getFromState().name().toLowerCase(java.util.Locale.ROOT));
        });
    }
}
