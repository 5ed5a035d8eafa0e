package dev.sluice.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.event.FieldProblem;
import dev.sluice.ingest.DestinationDecision;
import dev.sluice.ingest.EventResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes Sluice's JSON answers with a streaming generator (no reflection, fixed field order). */
final class Json {
    /** Buffers from a shared pool: each request runs on a new virtual thread (see JsonBodyReader). */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedBoundedPool())
            .build();

    private Json() {
    }

    /** A problem body; extra per-event results when the problem is about events. */
    static byte[] problem(Problem problem, List<EventResult> results) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", problem.type());
            g.writeStringField("title", problem.title());
            g.writeNumberField("status", problem.status());
            g.writeStringField("detail", problem.detail());
            problems(g, "errors", problem.errors());
            if (!results.isEmpty()) {
                results(g, results);
            }
            g.writeEndObject();
        });
    }

    /** The 202 answer: counts and one result per event. */
    static byte[] ingestResults(List<EventResult> results, long accepted, long duplicate, long rejected) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("accepted", accepted);
            g.writeNumberField("duplicate", duplicate);
            g.writeNumberField("rejected", rejected);
            results(g, results);
            g.writeEndObject();
        });
    }

    /** A flat object of string fields, e.g. health. */
    static byte[] object(String... keysAndValues) {
        return write(g -> {
            g.writeStartObject();
            for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
                g.writeStringField(keysAndValues[i], keysAndValues[i + 1]);
            }
            g.writeEndObject();
        });
    }

    private static void results(JsonGenerator g, List<EventResult> results) throws IOException {
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
                consent(g, r.consent());
            }
            if (!r.problems().isEmpty()) {
                problems(g, "problems", r.problems());
            }
            if (!r.warnings().isEmpty()) {
                problems(g, "warnings", r.warnings());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void consent(JsonGenerator g, List<DestinationDecision> decisions) throws IOException {
        g.writeArrayFieldStart("consent");
        for (DestinationDecision d : decisions) {
            g.writeStartObject();
            g.writeStringField("destination", d.destinationId());
            g.writeStringField("decision", d.decision());
            strings(g, "reasons", d.reasonCodes());
            strings(g, "rules", d.ruleIds());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void problems(JsonGenerator g, String name, List<FieldProblem> problems) throws IOException {
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

    /** A non-blank string field of a parsed request body, if present. */
    static java.util.Optional<String> text(com.fasterxml.jackson.databind.JsonNode body, String name) {
        com.fasterxml.jackson.databind.JsonNode n = body.get(name);
        return n != null && n.isTextual() && !n.asText().isBlank() ? java.util.Optional.of(n.asText()) : java.util.Optional.empty();
    }

    /** Writes one JSON document with the generator. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** Renders a document written by {@code body}; shared by every handler. */
    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
