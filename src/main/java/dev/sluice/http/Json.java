package dev.sluice.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.event.FieldProblem;
import dev.sluice.ingest.DestinationDecision;
import dev.sluice.ingest.EventResult;
import dev.sluice.ingest.JsonBytes;

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

    // Ingest's answers (every request gets one) are written with JsonBytes, which writes the
    // same bytes as Jackson's UTF-8 generator for these calls with field names encoded once and
    // without a generator and its write contexts per response; the rest stay on Jackson.
    private static final JsonBytes.Name TYPE = JsonBytes.name("type");
    private static final JsonBytes.Name TITLE = JsonBytes.name("title");
    private static final JsonBytes.Name STATUS = JsonBytes.name("status");
    private static final JsonBytes.Name DETAIL = JsonBytes.name("detail");
    private static final JsonBytes.Name ERRORS = JsonBytes.name("errors");
    private static final JsonBytes.Name ACCEPTED = JsonBytes.name("accepted");
    private static final JsonBytes.Name DUPLICATE = JsonBytes.name("duplicate");
    private static final JsonBytes.Name REJECTED = JsonBytes.name("rejected");
    private static final JsonBytes.Name RESULTS = JsonBytes.name("results");
    private static final JsonBytes.Name INDEX = JsonBytes.name("index");
    private static final JsonBytes.Name EVENT_ID = JsonBytes.name("event_id");
    private static final JsonBytes.Name DESTINATIONS = JsonBytes.name("destinations");
    private static final JsonBytes.Name CONSENT = JsonBytes.name("consent");
    private static final JsonBytes.Name DESTINATION = JsonBytes.name("destination");
    private static final JsonBytes.Name DECISION = JsonBytes.name("decision");
    private static final JsonBytes.Name REASONS = JsonBytes.name("reasons");
    private static final JsonBytes.Name RULES = JsonBytes.name("rules");
    private static final JsonBytes.Name PROBLEMS = JsonBytes.name("problems");
    private static final JsonBytes.Name WARNINGS = JsonBytes.name("warnings");
    private static final JsonBytes.Name POINTER = JsonBytes.name("pointer");
    private static final JsonBytes.Name CODE = JsonBytes.name("code");
    private static final JsonBytes.Name MESSAGE = JsonBytes.name("message");

    /** A problem body; extra per-event results when the problem is about events. */
    static byte[] problem(Problem problem, List<EventResult> results) {
        JsonBytes g = new JsonBytes(512);
        g.startObject();
        g.stringField(TYPE, problem.type());
        g.stringField(TITLE, problem.title());
        g.field(STATUS).number(problem.status());
        g.stringField(DETAIL, problem.detail());
        problems(g, ERRORS, problem.errors());
        if (!results.isEmpty()) {
            results(g, results);
        }
        g.endObject();
        return g.toBytes();
    }

    /** The 202 answer: counts and one result per event. */
    static byte[] ingestResults(List<EventResult> results, long accepted, long duplicate, long rejected) {
        JsonBytes g = new JsonBytes(256 + 256 * results.size());
        g.startObject();
        g.field(ACCEPTED).number(accepted);
        g.field(DUPLICATE).number(duplicate);
        g.field(REJECTED).number(rejected);
        results(g, results);
        g.endObject();
        return g.toBytes();
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

    private static void results(JsonBytes g, List<EventResult> results) {
        g.field(RESULTS).startArray();
        for (EventResult r : results) {
            g.startObject();
            g.field(INDEX).number(r.index());
            if (r.eventId().isPresent()) {
                g.stringField(EVENT_ID, r.eventId().get());
            }
            g.stringField(STATUS, r.status().wireName());
            if (r.status() == EventResult.Status.ACCEPTED) {
                strings(g, DESTINATIONS, r.destinations());
                consent(g, r.consent());
            }
            if (!r.problems().isEmpty()) {
                problems(g, PROBLEMS, r.problems());
            }
            if (!r.warnings().isEmpty()) {
                problems(g, WARNINGS, r.warnings());
            }
            g.endObject();
        }
        g.endArray();
    }

    private static void consent(JsonBytes g, List<DestinationDecision> decisions) {
        g.field(CONSENT).startArray();
        for (DestinationDecision d : decisions) {
            g.startObject();
            g.stringField(DESTINATION, d.destinationId());
            g.stringField(DECISION, d.decision());
            strings(g, REASONS, d.reasonCodes());
            strings(g, RULES, d.ruleIds());
            g.endObject();
        }
        g.endArray();
    }

    private static void strings(JsonBytes g, JsonBytes.Name name, List<String> values) {
        g.field(name).startArray();
        for (String v : values) {
            g.string(v);
        }
        g.endArray();
    }

    private static void problems(JsonBytes g, JsonBytes.Name name, List<FieldProblem> problems) {
        g.field(name).startArray();
        for (FieldProblem p : problems) {
            g.startObject();
            g.stringField(POINTER, p.pointer());
            g.stringField(CODE, p.code());
            g.stringField(MESSAGE, p.message());
            g.endObject();
        }
        g.endArray();
    }

    /** A non-blank string field of a parsed request body, if present. */
    static java.util.Optional<String> text(com.fasterxml.jackson.databind.JsonNode body, String name) {
        com.fasterxml.jackson.databind.JsonNode n = body.get(name);
        return n != null && n.isTextual() && !n.asText().isBlank() ? java.util.Optional.of(n.asText()) : java.util.Optional.empty();
    }

    /**
     * A problem for each member of a request body's object that the endpoint does not take (at
     * most 20), pointed at by its RFC 6901 pointer: a misspelt key must not be ignored where it
     * would narrow or widen what the request does.
     */
    static java.util.List<dev.sluice.event.FieldProblem> unknownMembers(com.fasterxml.jackson.databind.JsonNode body,
                                                                      java.util.Set<String> known, String expected) {
        java.util.List<dev.sluice.event.FieldProblem> problems = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name) && problems.size() < dev.sluice.event.FieldProblem.MAX_LISTED) {
                problems.add(new dev.sluice.event.FieldProblem(dev.sluice.event.FieldProblem.member("", name), "unknown_field",
                        dev.sluice.event.FieldProblem.showable(name) ? "is not a member of this request; it takes " + expected
                                : "a member's name is not a field name (not shown: it may be personal data); the request takes " + expected));
            }
        });
        return problems;
    }


    /**
     * Request bodies of the admin and privacy endpoints (replay, erasure): a member given twice
     * and anything after the object are refused. Jackson's defaults kept the last of two members
     * ({@code {"email": a, "email": b}} erased b alone and answered 200) and ignored what followed
     * the object (until session 39).
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper REQUESTS =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    /**
     * A request body that must be one JSON object; empty after answering 400 when it is not: a
     * duplicate member named by pointer ({@code duplicate_key}), else "the body must be a JSON
     * object".
     *
     * @param nothingDone what the answer says did not happen, e.g. "nothing was erased"
     */
    static java.util.Optional<com.fasterxml.jackson.databind.JsonNode> requestObject(
            byte[] bytes, io.helidon.webserver.http.ServerResponse res, String nothingDone) {
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = REQUESTS.readTree(bytes);
        } catch (IOException e) {
            java.util.Optional<FieldProblem> twice = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
                    ? dev.sluice.event.DuplicateKeys.problem(json) : java.util.Optional.empty();
            if (twice.isPresent()) {
                Responses.problem(res, Problem.of(400, "bad-request", "Bad Request", nothingDone + "; see errors",
                        List.of(twice.get())));
            } else {
                Responses.badRequest(res, "the body must be one JSON object, with nothing after it; " + nothingDone);
            }
            return java.util.Optional.empty();
        }
        if (body == null || !body.isObject()) {
            Responses.badRequest(res, "the body must be a JSON object; " + nothingDone);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(body);
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
