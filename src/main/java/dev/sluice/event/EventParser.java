package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses and validates the body of {@code POST /v1/events}: either {@code {"events": [...]}} with
 * 1 to {@link ParserLimits#maxEvents()} events, or one event object (any object without an
 * {@code events} key).
 *
 * <p>Body-level problems make the whole body {@link ParsedBody.Malformed}. Otherwise each event is
 * validated on its own, against every rule, so that one bad event neither hides the problems of
 * the others nor their acceptance. Problem pointers are relative to the body root:
 * {@code /events/3/user/email} in a batch, {@code /user/email} for a single event.
 *
 * <p>Instances are immutable and thread-safe; create one and share it.
 */
public final class EventParser {

    private final ParserLimits limits;
    private final JsonBodyReader bodyReader;
    private final EventReader eventReader;

    /**
     * @param limits bounds on the body and the events
     * @param clock  the time {@code event_time} is judged against
     */
    public EventParser(ParserLimits limits, InstantSource clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.bodyReader = new JsonBodyReader(limits);
        this.eventReader = new EventReader(limits, Objects.requireNonNull(clock, "clock"));
    }

    /** Parses one request body. Never throws for any input bytes; {@code null} counts as empty. */
    public ParsedBody parse(byte[] body) {
        return switch (bodyReader.read(body == null ? new byte[0] : body)) {
            case JsonBodyReader.Result.Rejected rejected -> new ParsedBody.Malformed(rejected.problem());
            case JsonBodyReader.Result.Root root -> root.root().has("events")
                    ? batch(root.root())
                    : new ParsedBody.Events(List.of(eventReader.read(root.root(), "")), false);
        };
    }

    private ParsedBody batch(ObjectNode root) {
        // Keys beside "events" are an error rather than a warning: the envelope has nowhere to
        // report warnings, and such a key usually means an event's fields were put at the top.
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getKey().equals("events")) {
                return malformed(FieldReader.member("", field.getKey()), ProblemCode.UNKNOWN_FIELD,
                        "a batch body may only hold \"events\"");
            }
        }
        JsonNode events = root.get("events");
        if (!events.isArray()) {
            return malformed("/events", ProblemCode.INVALID_TYPE, "must be an array of events");
        }
        ArrayNode array = (ArrayNode) events;
        if (array.isEmpty()) {
            return malformed("/events", ProblemCode.OUT_OF_RANGE, "must hold at least one event");
        }
        if (array.size() > limits.maxEvents()) {
            return malformed("/events", ProblemCode.TOO_MANY, "must hold at most " + limits.maxEvents() + " events");
        }
        List<ParsedEvent> parsed = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            parsed.add(eventReader.read(array.get(i), "/events/" + i));
        }
        return new ParsedBody.Events(parsed, true);
    }

    private static ParsedBody malformed(String pointer, ProblemCode code, String message) {
        return new ParsedBody.Malformed(new FieldProblem(pointer, code.code(), message));
    }
}
