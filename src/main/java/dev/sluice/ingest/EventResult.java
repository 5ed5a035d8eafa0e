package dev.sluice.ingest;

import dev.sluice.event.FieldProblem;

import java.util.List;
import java.util.Optional;

/**
 * What happened to one posted event.
 *
 * @param index        position in the request (0 for a single-event body)
 * @param eventId      the event's id, when it had a usable one
 * @param status       accepted, duplicate or rejected
 * @param destinations destination ids an accepted event will go to (those consent did not deny)
 * @param consent      the consent decision for each requested destination of an accepted event
 * @param problems     why a rejected event was rejected (pointers relative to the body root)
 * @param warnings     things ignored in an accepted event, such as unknown fields
 */
public record EventResult(int index, Optional<String> eventId, Status status, List<String> destinations,
                          List<DestinationDecision> consent, List<FieldProblem> problems, List<FieldProblem> warnings) {

    /** Outcome of one event. */
    public enum Status {
        ACCEPTED, DUPLICATE, REJECTED;

        /** Lower-case name used on the wire. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public EventResult {
        destinations = List.copyOf(destinations);
        consent = List.copyOf(consent);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    static EventResult rejected(int index, Optional<String> eventId, List<FieldProblem> problems, List<FieldProblem> warnings) {
        return new EventResult(index, eventId, Status.REJECTED, List.of(), List.of(), problems, warnings);
    }

    /** The same event answered as a duplicate: already committed earlier, so nothing new goes anywhere. */
    EventResult asDuplicate() {
        return new EventResult(index, eventId, Status.DUPLICATE, List.of(), List.of(), List.of(), warnings);
    }
}
