package dev.sluice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery metrics, tagged by tenant and destination and by bounded outcome and reason tags;
 * never by event ids or payload values.
 *
 * <ul>
 *   <li>{@code sluice.delivery.events{outcome=delivered|retried|dead_lettered|released, reason}}</li>
 *   <li>{@code sluice.delivery.requests{status=2xx|4xx|5xx|transport|...}}: attempts on the wire</li>
 *   <li>{@code sluice.delivery.batch.size}: items per request</li>
 *   <li>{@code sluice.delivery.attempts}: attempts a row needed, counted when it is delivered</li>
 *   <li>{@code sluice.delivery.latency}: commit to platform acknowledgement</li>
 *   <li>{@code sluice.delivery.request.duration}, {@code sluice.delivery.bisections}</li>
 *   <li>{@code sluice.delivery.backlog}: pending rows, refreshed by the destination's dispatchers
 *       at most every second (and at least every {@code poll-interval}), busy, idle or paused</li>
 * </ul>
 */
final class DeliveryMetrics {
    private final MeterRegistry registry;
    /**
     * One holder per destination: a gauge registers once, so a second dispatcher of the same
     * destination (setting {@code dispatchers}) would otherwise refresh a holder no gauge reads.
     */
    private final java.util.Map<String, AtomicLong> backlogs = new java.util.concurrent.ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void events(String tenant, String destination, String outcome, String reason, int count) {
        if (count > 0) {
            Counter.builder("sluice.delivery.events").description("Outbox rows settled by delivery")
                    .tags("tenant", tenant, "destination", destination, "outcome", outcome, "reason", reason)
                    .register(registry).increment(count);
        }
    }

    void request(String tenant, String destination, int status, int items, Duration duration) {
        String statusTag = status == 0 ? "transport" : (status / 100) + "xx";
        Counter.builder("sluice.delivery.requests").description("HTTP requests sent to destinations")
                .tags("tenant", tenant, "destination", destination, "status", statusTag).register(registry).increment();
        DistributionSummary.builder("sluice.delivery.batch.size").description("Items per delivery request")
                .tags("tenant", tenant, "destination", destination).register(registry).record(items);
        Timer.builder("sluice.delivery.request.duration").tags("tenant", tenant, "destination", destination)
                .register(registry).record(duration);
    }

    void delivered(String tenant, String destination, int attempts, Duration commitToAck) {
        DistributionSummary.builder("sluice.delivery.attempts").description("Attempts a row needed until delivered")
                .tags("tenant", tenant, "destination", destination).register(registry).record(attempts);
        Timer.builder("sluice.delivery.latency").description("Commit to platform acknowledgement")
                .tags("tenant", tenant, "destination", destination).publishPercentileHistogram()
                .register(registry).record(commitToAck.isNegative() ? Duration.ZERO : commitToAck);
    }

    void bisected(String tenant, String destination) {
        Counter.builder("sluice.delivery.bisections").description("Rejected batches split to isolate poison events")
                .tags("tenant", tenant, "destination", destination).register(registry).increment();
    }

    /** The backlog gauge's holder for one destination. */
    AtomicLong backlog(String tenant, String destination) {
        return backlogs.computeIfAbsent(tenant + "\u0000" + destination, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("sluice.delivery.backlog", value, AtomicLong::get).description("Pending outbox rows")
                    .tags("tenant", tenant, "destination", destination).register(registry);
            return value;
        });
    }

    /**
     * The circuit breaker's state as a gauge, so that an open circuit can be alerted on: 0 closed,
     * 1 half open (one trial request allowed), 2 open (nothing is sent), 3 any other state (the
     * breaker's forced and disabled states, which Sluice does not use).
     */
    void circuit(String tenant, String destination, CircuitBreaker breaker) {
        Gauge.builder("sluice.delivery.circuit.state", breaker, b -> circuitValue(b.getState()))
                .description("Circuit breaker state: 0 closed, 1 half open, 2 open")
                .tags("tenant", tenant, "destination", destination).register(registry);
    }

    static double circuitValue(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
            default -> 3;
        };
    }
}
