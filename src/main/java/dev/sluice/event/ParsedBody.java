package dev.sluice.event;

import java.util.List;
import java.util.Objects;

/** What {@link EventParser#parse(byte[])} made of a request body. */
public sealed interface ParsedBody {

    /**
     * The body is not JSON, or not of the expected shape: not an object, {@code events} not an
     * array of 1 to {@link ParserLimits#maxEvents()} entries, a duplicate key, nesting or a string
     * beyond the limits, or an unknown key beside {@code events}. Answered with HTTP 400.
     *
     * @param problem where and what; the pointer is {@code ""} when the JSON itself is broken
     */
    record Malformed(FieldProblem problem) implements ParsedBody {
        public Malformed {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * The body held events, each valid or not.
     *
     * @param events one entry per posted event, in the posted order
     * @param batch  {@code true} for an {@code {"events": [...]}} body, {@code false} for a single
     *               event object; pointers are relative to the body root in both cases
     */
    record Events(List<ParsedEvent> events, boolean batch) implements ParsedBody {
        public Events {
            events = List.copyOf(events);
        }
    }
}
