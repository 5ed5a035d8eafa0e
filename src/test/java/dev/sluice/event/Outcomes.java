package dev.sluice.event;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** Unwraps parse results in tests, failing with the actual result when the shape is not as expected. */
final class Outcomes {

    private Outcomes() {
    }

    static ParsedBody.Events events(ParsedBody body) {
        return assertInstanceOf(ParsedBody.Events.class, body, () -> "expected events, got " + body);
    }

    static ParsedEvent single(ParsedBody body) {
        List<ParsedEvent> events = events(body).events();
        if (events.size() != 1) {
            fail("expected one event, got " + events);
        }
        return events.getFirst();
    }

    static ParsedEvent.Valid valid(ParsedBody body) {
        ParsedEvent event = single(body);
        return assertInstanceOf(ParsedEvent.Valid.class, event, () -> "expected a valid event, got " + event);
    }

    static ParsedEvent.Invalid invalid(ParsedBody body) {
        ParsedEvent event = single(body);
        return assertInstanceOf(ParsedEvent.Invalid.class, event, () -> "expected an invalid event, got " + event);
    }

    static FieldProblem malformed(ParsedBody body) {
        return assertInstanceOf(ParsedBody.Malformed.class, body, () -> "expected malformed, got " + body).problem();
    }

    /** Problems as {@code "pointer code"} strings, which read well in assertions. */
    static List<String> codes(List<FieldProblem> problems) {
        return problems.stream().map(Outcomes::code).toList();
    }

    static String code(FieldProblem problem) {
        return problem.pointer() + " " + problem.code();
    }

    static List<String> problemsOf(ParsedBody body) {
        return codes(invalid(body).problems());
    }
}
