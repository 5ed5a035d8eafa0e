package dev.sluice.event;

import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.function.UnaryOperator;

import static dev.sluice.event.EventJson.batch;
import static dev.sluice.event.EventJson.purchase;
import static dev.sluice.event.Outcomes.codes;
import static dev.sluice.event.Outcomes.events;
import static dev.sluice.event.Outcomes.problemsOf;
import static dev.sluice.event.Outcomes.valid;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Table-driven rule checks: each case changes the handbook purchase and names the one problem
 * (pointer and code) it must cause. Every case is checked as a single-event body and as the
 * second event of a batch, where the pointer gains {@code /events/1}.
 */
final class Rules {

    private Rules() {
    }

    /** A case: {@code change} applied to the purchase must cause exactly {@code expected}, e.g. {@code "/event_id required"}. */
    static Arguments reject(String name, UnaryOperator<EventJson> change, String expected) {
        return Arguments.of(name, change, expected);
    }

    /** A case: {@code change} applied to the purchase leaves it valid. */
    static Arguments accept(String name, UnaryOperator<EventJson> change) {
        return Arguments.of(name, change);
    }

    static void assertRejected(UnaryOperator<EventJson> change, String expected) {
        EventParser parser = EventJson.parser();
        assertThat("single event", problemsOf(parser.parse(change.apply(purchase()).body())), contains(expected));

        List<ParsedEvent> inBatch = events(parser.parse(batch(purchase(), change.apply(purchase())))).events();
        assertInstanceOf(ParsedEvent.Valid.class, inBatch.get(0));
        ParsedEvent.Invalid second = assertInstanceOf(ParsedEvent.Invalid.class, inBatch.get(1));
        assertThat("second event of a batch", codes(second.problems()), contains("/events/1" + expected));
    }

    static ParsedEvent.Valid assertAccepted(UnaryOperator<EventJson> change) {
        return valid(EventJson.parser().parse(change.apply(purchase()).body()));
    }
}
