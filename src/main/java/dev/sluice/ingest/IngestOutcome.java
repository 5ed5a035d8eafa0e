package dev.sluice.ingest;

import dev.sluice.event.FieldProblem;

import java.util.List;

/** The answer to one ingest request. */
public sealed interface IngestOutcome {

    /** The body was not JSON of the expected shape: nothing was processed (HTTP 400). */
    record Malformed(FieldProblem problem) implements IngestOutcome {
    }

    /**
     * Every event got a result. Accepted ones are committed: the store transaction that holds them
     * finished before this value existed.
     */
    record Processed(List<EventResult> results) implements IngestOutcome {
        public Processed {
            results = List.copyOf(results);
        }

        /** Counts the results with this status. */
        public long count(EventResult.Status status) {
            return results.stream().filter(r -> r.status() == status).count();
        }
    }
}
