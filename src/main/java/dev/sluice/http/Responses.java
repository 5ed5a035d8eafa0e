package dev.sluice.http;

import dev.sluice.ingest.EventResult;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/** Sends JSON and problem answers. */
final class Responses {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private Responses() {
    }

    static void problem(ServerResponse res, Problem problem) {
        problem(res, problem, List.of());
    }

    static void problem(ServerResponse res, Problem problem, List<EventResult> results) {
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, PROBLEM_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.problem(problem, results));
    }

    /**
     * The request's {@code Content-Type}, empty when it is missing or not a media type at all
     * (the web server's parser throws on {@code Content-Type: gzip}; the handlers answer such a
     * request as they answer a missing type, 415).
     */
    static java.util.Optional<io.helidon.http.HttpMediaType> contentType(io.helidon.webserver.http.ServerRequest req) {
        try {
            return req.headers().contentType();
        } catch (IllegalArgumentException | io.helidon.http.HttpException unparsable) {
            return java.util.Optional.empty();
        }
    }

    /** 400 with a plain explanation (for admin request bodies and query parameters). */
    /**
     * Whether the request's body is declared JSON; answers 415 when it is not (events, replay,
     * erasure; replay and erasure read any body as JSON whatever its type until session 39).
     */
    static boolean jsonBody(io.helidon.webserver.http.ServerRequest req, ServerResponse res) {
        if (contentType(req).filter(Responses::isJson).filter(Responses::utf8).isPresent()) {
            return true;
        }
        problem(res, Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                "the body must be application/json, in UTF-8"));
        return false;
    }

    /**
     * Whether the media type's {@code charset}, if it names one, is UTF-8 (in any of its Java
     * spellings). JSON is UTF-8 and the body is read as UTF-8 whatever the header says, so a body
     * declared ISO-8859-1 or UTF-16 was read as other characters (or refused as not JSON).
     */
    static boolean utf8(io.helidon.http.HttpMediaType type) {
        if (type.charset().isEmpty()) {
            return true;
        }
        String name = type.charset().get().strip();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1);
        }
        try {
            return java.nio.charset.Charset.forName(name).equals(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    /**
     * Whether a request's media type is {@code application/json}, in any case, with any
     * parameters. Not a pattern match: the wildcard of all types, sent as a content type, was
     * read as JSON until session 39.
     */
    static boolean isJson(io.helidon.http.HttpMediaType type) {
        return type.mediaType().type().equalsIgnoreCase("application") && type.mediaType().subtype().equalsIgnoreCase("json");
    }

    static void badRequest(ServerResponse res, String detail) {
        problem(res, Problem.of(400, "bad-request", "Bad Request", detail));
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }
}
