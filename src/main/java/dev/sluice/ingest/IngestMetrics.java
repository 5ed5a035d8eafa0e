package dev.sluice.ingest;

import dev.sluice.event.FieldProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts events by tenant, outcome and reason ({@code sluice_events_total}). Reasons are problem
 * codes, a small fixed vocabulary, so label cardinality stays bounded; nothing personal is a label.
 */
public final class IngestMetrics {
    /** One counter's labels. */
    private record Labels(String tenant, String outcome, String reason) {
    }

    private final MeterRegistry registry;
    // Registering a meter builds and sorts its tags and looks it up on every call: done once per
    // label set here, not once per event.
    private final ConcurrentHashMap<Labels, Counter> counters = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void malformed(String tenant) {
        counter(tenant, "malformed", "malformed").increment();
    }

    /**
     * A request whose commit failed (answered 503): its events were received and none of them got
     * an answer of its own, counted under {@code unavailable} (they were counted nowhere but the
     * store's error count until session 42).
     */
    void unavailable(String tenant, int events) {
        counter(tenant, "received", "none").increment(events);
        counter(tenant, "unavailable", "store_error").increment(events);
    }

    void record(String tenant, IngestOutcome.Processed processed) {
        counter(tenant, "received", "none").increment(processed.results().size());
        Map<Labels, Integer> counts = new HashMap<>(4);
        for (EventResult result : processed.results()) {
            counts.merge(new Labels(tenant, result.status().wireName(), reason(result.problems())), 1, Integer::sum);
        }
        counts.forEach((labels, count) -> counter(labels).increment(count));
    }

    private static String reason(List<FieldProblem> problems) {
        return problems.isEmpty() ? "none" : problems.getFirst().code();
    }

    private Counter counter(String tenant, String outcome, String reason) {
        return counter(new Labels(tenant, outcome, reason));
    }

    private Counter counter(Labels labels) {
        return counters.computeIfAbsent(labels, l -> Counter.builder("sluice.events")
                .description("Events by tenant, outcome (received, accepted, duplicate, rejected, unavailable, malformed) and reason")
                .tags("tenant", l.tenant(), "outcome", l.outcome(), "reason", l.reason())
                .register(registry));
    }
}
