package dev.sluice.event;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The outcome of validating one posted event. */
public sealed interface ParsedEvent {

    /** The posted {@code event_id} when it was itself valid, for the per-event result. */
    Optional<String> eventId();

    /**
     * An event that passed every rule.
     *
     * @param event    the canonical event
     * @param warnings ignored input worth telling the merchant about, e.g. unknown keys
     */
    record Valid(Event event, List<FieldProblem> warnings) implements ParsedEvent {
        public Valid {
            Objects.requireNonNull(event, "event");
            warnings = List.copyOf(warnings);
        }

        @Override
        public Optional<String> eventId() {
            return Optional.of(event.eventId());
        }
    }

    /**
     * An event that broke at least one rule; it must be rejected as a whole.
     *
     * @param eventId  the posted {@code event_id}, when it was valid
     * @param problems every error found, followed by the warnings (a misspelt key reported as
     *                 unknown often explains why a required one is missing); never empty
     */
    record Invalid(Optional<String> eventId, List<FieldProblem> problems) implements ParsedEvent {
        public Invalid {
            Objects.requireNonNull(eventId, "eventId");
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid event needs at least one problem");
            }
        }
    }
}
