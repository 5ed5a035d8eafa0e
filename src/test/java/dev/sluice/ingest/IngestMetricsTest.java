package dev.sluice.ingest;

import dev.sluice.event.FieldProblem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code sluice_events_total}: one count per event by outcome and reason, however often it is recorded. */
class IngestMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry);

    private double count(String tenant, String outcome, String reason) {
        var counter = registry.find("sluice.events").tags("tenant", tenant, "outcome", outcome, "reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static EventResult rejected(int index, String code) {
        return EventResult.rejected(index, Optional.of("e-" + index), List.of(new FieldProblem("/event_time", code, "bad")), List.of());
    }

    private static EventResult accepted(int index) {
        return new EventResult(index, Optional.of("e-" + index), EventResult.Status.ACCEPTED, List.of("meta"), List.of(),
                List.of(), List.of());
    }

    @Test
    void aBatchCountsEachEventUnderItsOutcomeAndReason() {
        metrics.record("acme", new IngestOutcome.Processed(List.of(accepted(0), rejected(1, "too-old"), accepted(2),
                rejected(3, "too-old"), rejected(4, "required"))));
        metrics.record("acme", new IngestOutcome.Processed(List.of(accepted(0))));
        metrics.record("globex", new IngestOutcome.Processed(List.of(accepted(0))));
        metrics.malformed("acme");
        metrics.malformed("acme");

        assertEquals(6, count("acme", "received", "none"));
        assertEquals(3, count("acme", "accepted", "none"));
        assertEquals(2, count("acme", "rejected", "too-old"));
        assertEquals(1, count("acme", "rejected", "required"));
        assertEquals(1, count("globex", "accepted", "none"));
        assertEquals(2, count("acme", "malformed", "malformed"));
    }

    @Test
    void aRequestWhoseCommitFailed_countsItsEventsReceivedAndUnavailable() {
        metrics.unavailable("acme", 3);

        assertEquals(3, count("acme", "received", "none"));
        assertEquals(3, count("acme", "unavailable", "store_error"));
    }
}
