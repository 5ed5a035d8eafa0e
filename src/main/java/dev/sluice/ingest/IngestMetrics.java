package dev.sluice.ingest;

import dev.sluice.event.FieldProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * Counts events by tenant, outcome and reason ({@code sluice_events_total}). Reasons are problem
 * codes, a small fixed vocabulary, so label cardinality stays bounded; nothing personal is a label.
 */
public final class IngestMetrics {
    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void malformed(String tenant) {
        counter(tenant, "malformed", "malformed").increment();
    }

    void record(String tenant, IngestOutcome.Processed processed) {
        counter(tenant, "received", "none").increment(processed.results().size());
        for (EventResult result : processed.results()) {
            String reason = reason(result.problems());
            counter(tenant, result.status().wireName(), reason).increment();
        }
    }

    private static String reason(List<FieldProblem> problems) {
        return problems.isEmpty() ? "none" : problems.getFirst().code();
    }

    private Counter counter(String tenant, String outcome, String reason) {
        return Counter.builder("sluice.events")
                .description("Events by tenant, outcome (received, accepted, duplicate, rejected, malformed) and reason")
                .tags("tenant", tenant, "outcome", outcome, "reason", reason)
                .register(registry);
    }
}
