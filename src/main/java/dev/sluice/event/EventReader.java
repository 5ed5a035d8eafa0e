package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates one event object and builds the canonical {@link Event}. Every rule is checked, so
 * the merchant sees all problems of an event at once; each section has its own reader.
 */
final class EventReader {

    static final int MAX_EVENT_ID_LENGTH = 128;
    static final int MAX_URL_LENGTH = 2048;

    static final Set<String> KNOWN = Set.of(
            "event_id", "event_name", "event_time", "action_source", "event_source_url", "user", "custom",
            "attribution", "consent", "destinations");

    private final EventTimeReader times;

    EventReader(ParserLimits limits, InstantSource clock) {
        this.times = new EventTimeReader(limits, clock);
    }

    /**
     * Validates {@code node}.
     *
     * @param base the event's pointer in the body, prefixed to every problem's pointer
     */
    ParsedEvent read(JsonNode node, String base) {
        if (!node.isObject()) {
            return new ParsedEvent.Invalid(Optional.empty(),
                    List.of(new FieldProblem(base, ProblemCode.INVALID_TYPE.code(), "an event must be a JSON object")));
        }
        ObjectNode event = (ObjectNode) node;
        FieldReader fields = new FieldReader(base);
        Optional<String> eventId = fields.token(
                required(event, "event_id", fields), "/event_id", MAX_EVENT_ID_LENGTH);
        Optional<String> eventName = eventName(required(event, "event_name", fields), fields);
        Optional<Instant> eventTime = times.read(event.get("event_time"), fields);
        Optional<ActionSource> actionSource = actionSource(required(event, "action_source", fields), fields);
        Optional<String> url = eventSourceUrl(event.get("event_source_url"), fields);
        if (actionSource.equals(Optional.of(ActionSource.WEBSITE)) && FieldReader.absent(event.get("event_source_url"))) {
            fields.error("/event_source_url", ProblemCode.REQUIRED, "is required when action_source is website");
        }
        UserData user = UserReader.read(event.get("user"), fields);
        CustomData custom = CustomReader.read(event.get("custom"), fields, eventName.filter(CustomReader.REFUND::equals).isPresent());
        Map<String, String> attribution = AttributionReader.read(event.get("attribution"), fields);
        ConsentSignals consent = ConsentReader.read(event.get("consent"), fields);
        List<String> destinations = DestinationsReader.read(event.get("destinations"), fields);
        fields.warnUnknownKeys(event, KNOWN, "");

        if (fields.hasErrors()) {
            return new ParsedEvent.Invalid(eventId, fields.errorsThenWarnings());
        }
        // No errors means every required field was read, so the get() calls below cannot fail.
        return new ParsedEvent.Valid(
                new Event(eventId.get(), eventName.get(), eventTime.get(), actionSource.get(), url, user, custom,
                        attribution, consent, destinations),
                fields.warnings());
    }

    /** The field's node, or null after recording {@code required} when it is absent. */
    private static JsonNode required(ObjectNode event, String key, FieldReader fields) {
        JsonNode node = event.get(key);
        if (FieldReader.absent(node)) {
            fields.error("/" + key, ProblemCode.REQUIRED, "is required");
            return null;
        }
        return node;
    }

    private static Optional<String> eventName(JsonNode node, FieldReader fields) {
        Optional<String> name = fields.string(node, "/event_name", Integer.MAX_VALUE);
        if (name.isEmpty()) {
            return name;
        }
        if (!EventNames.isValid(name.get())) {
            fields.error("/event_name", ProblemCode.INVALID_FORMAT,
                    "must be a standard event name or a custom name of a letter and up to 49 letters, digits or _");
            return Optional.empty();
        }
        if (!EventNames.isStandard(name.get())) {
            EventNames.standardIgnoringCase(name.get()).ifPresent(standard -> fields.warn("/event_name",
                    ProblemCode.CASE_MISMATCH, "is treated as a custom event; the standard event is spelt " + standard));
        }
        return name;
    }

    private static Optional<ActionSource> actionSource(JsonNode node, FieldReader fields) {
        Optional<String> wire = fields.string(node, "/action_source", Integer.MAX_VALUE);
        if (wire.isEmpty()) {
            return Optional.empty();
        }
        Optional<ActionSource> source = ActionSource.fromWire(wire.get());
        if (source.isEmpty()) {
            fields.error("/action_source", ProblemCode.UNKNOWN_VALUE,
                    "must be one of website, app, email, phone_call, chat, physical_store, system_generated, "
                            + "business_messaging, other");
        }
        return source;
    }

    private static Optional<String> eventSourceUrl(JsonNode node, FieldReader fields) {
        Optional<String> url = fields.string(node, "/event_source_url", MAX_URL_LENGTH);
        if (url.isPresent() && !HttpUrls.isAbsoluteHttpUrl(url.get())) {
            fields.error("/event_source_url", ProblemCode.INVALID_URL,
                    "must be an absolute http or https URL with a host and without user info");
            return Optional.empty();
        }
        return url;
    }
}
