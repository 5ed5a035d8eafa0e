package dev.sluice.http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.event.FieldProblem;
import dev.sluice.ingest.DestinationDecision;
import dev.sluice.ingest.EventResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Ingest's answers are written without Jackson; they must be the bytes Jackson's generator wrote
 * for them before, which this test keeps as its reference, on ordinary and on awkward strings.
 */
class JsonAnswersTest {
    private static final String AWKWARD = "q\"b\\s/\b\f\n\r\t\u0001\u001f é € 😀 \ud800 x \udc00 end";

    private static List<EventResult> results(String text) {
        return List.of(
                new EventResult(0, Optional.of("order-" + text), EventResult.Status.ACCEPTED, List.of("meta", "warehouse"),
                        List.of(new DestinationDecision("meta", "ALLOW", List.of("no_opt_out"), List.of("us.no-opt-out")),
                                new DestinationDecision("warehouse", "LIMITED", List.of(), List.of())),
                        List.of(), List.of(new FieldProblem("/x_" + text, "unknown_field", "ignored " + text))),
                new EventResult(1, Optional.empty(), EventResult.Status.DUPLICATE, List.of(), List.of(), List.of(), List.of()),
                new EventResult(2, Optional.of(text), EventResult.Status.REJECTED, List.of(), List.of(),
                        List.of(new FieldProblem("/event_time", "too_old", "older than " + text),
                                new FieldProblem("/user/email", "invalid_format", "not an email")),
                        List.of()));
    }

    @Test
    void ingestResults_areJacksonsBytes() throws IOException {
        for (String text : List.of("plain", AWKWARD, "")) {
            List<EventResult> results = results(text);
            assertThat(text, new String(Json.ingestResults(results, 1, 1, 1), StandardCharsets.UTF_8),
                    equalTo(jackson(g -> {
                        g.writeStartObject();
                        g.writeNumberField("accepted", 1);
                        g.writeNumberField("duplicate", 1);
                        g.writeNumberField("rejected", 1);
                        reference(g, results);
                        g.writeEndObject();
                    })));
        }
        assertThat(new String(Json.ingestResults(List.of(), 0, 0, 0), StandardCharsets.UTF_8),
                equalTo("{\"accepted\":0,\"duplicate\":0,\"rejected\":0,\"results\":[]}"));
    }

    @Test
    void problems_areJacksonsBytes_withAndWithoutResults() throws IOException {
        Problem problem = Problem.of(422, "invalid-events", "Unprocessable Content", "detail " + AWKWARD,
                List.of(new FieldProblem("/events/0/" + AWKWARD, "required", "is required")));
        for (List<EventResult> results : List.of(List.<EventResult>of(), results(AWKWARD))) {
            assertThat(new String(Json.problem(problem, results), StandardCharsets.UTF_8), equalTo(jackson(g -> {
                g.writeStartObject();
                g.writeStringField("type", problem.type());
                g.writeStringField("title", problem.title());
                g.writeNumberField("status", problem.status());
                g.writeStringField("detail", problem.detail());
                referenceProblems(g, "errors", problem.errors());
                if (!results.isEmpty()) {
                    reference(g, results);
                }
                g.writeEndObject();
            })));
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String jackson(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            body.write(g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What Json wrote with Jackson until session 8. */
    private static void reference(JsonGenerator g, List<EventResult> results) throws IOException {
        g.writeArrayFieldStart("results");
        for (EventResult r : results) {
            g.writeStartObject();
            g.writeNumberField("index", r.index());
            if (r.eventId().isPresent()) {
                g.writeStringField("event_id", r.eventId().get());
            }
            g.writeStringField("status", r.status().wireName());
            if (r.status() == EventResult.Status.ACCEPTED) {
                g.writeArrayFieldStart("destinations");
                for (String d : r.destinations()) {
                    g.writeString(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("consent");
                for (DestinationDecision d : r.consent()) {
                    g.writeStartObject();
                    g.writeStringField("destination", d.destinationId());
                    g.writeStringField("decision", d.decision());
                    referenceStrings(g, "reasons", d.reasonCodes());
                    referenceStrings(g, "rules", d.ruleIds());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (!r.problems().isEmpty()) {
                referenceProblems(g, "problems", r.problems());
            }
            if (!r.warnings().isEmpty()) {
                referenceProblems(g, "warnings", r.warnings());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void referenceStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void referenceProblems(JsonGenerator g, String name, List<FieldProblem> problems) throws IOException {
        g.writeArrayFieldStart(name);
        for (FieldProblem p : problems) {
            g.writeStartObject();
            g.writeStringField("pointer", p.pointer());
            g.writeStringField("code", p.code());
            g.writeStringField("message", p.message());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
