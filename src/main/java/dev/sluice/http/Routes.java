package dev.sluice.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The routes of one listener, registered through this so that the methods each path takes are
 * known: a path that exists, asked with a method it does not take, is answered 405 with an
 * {@code Allow} header naming the ones it does (RFC 9110, section 15.5.6), not 404 as if it did
 * not exist; and the probes and metrics answer HEAD too ({@link #getAndHead}; RFC 9110, section
 * 9.3.2: the same status and headers, no body), which some load balancers' health checks send.
 * {@link #fallback} goes last.
 */
final class Routes {
    private final HttpRouting.Builder routing;
    /** Per path, the methods it takes, in the order registered. */
    private final Map<String, Set<String>> methods = new LinkedHashMap<>();

    Routes(HttpRouting.Builder routing) {
        this.routing = routing;
    }

    Routes get(String path, Handler handler) {
        routing.get(path, handler);
        return add(path, "GET");
    }

    /**
     * A GET route that answers HEAD as well: {@code answer} computes the whole answer, sent with
     * its body for GET and without it, its length declared, for HEAD. (The web server writes a
     * handler's body for HEAD too, which a client reusing the connection would read as the start
     * of the next answer.)
     */
    Routes getAndHead(String path, Function<ServerRequest, Answer> answer) {
        routing.get(path, (req, res) -> answer.apply(req).send(res, true))
                .head(path, (req, res) -> answer.apply(req).send(res, false));
        return add(path, "GET", "HEAD");
    }

    /** A whole answer: status, media type and body. */
    record Answer(int status, String contentType, byte[] body) {
        static Answer json(int status, byte[] body) {
            return new Answer(status, Responses.JSON, body);
        }

        void send(ServerResponse res, boolean withBody) {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            if (withBody) {
                res.send(body);
            } else {
                res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
                res.send();
            }
        }
    }

    Routes post(String path, Handler handler) {
        routing.post(path, handler);
        return add(path, "POST");
    }

    private Routes add(String path, String... taken) {
        Set<String> set = methods.computeIfAbsent(path, p -> new LinkedHashSet<>());
        for (String method : taken) {
            set.add(method);
        }
        return this;
    }

    /** The value of an {@code Allow} header for {@code path}, or {@code null} when no route has it. */
    String allow(String path) {
        Set<String> taken = methods.get(path);
        return taken == null ? null : String.join(", ", taken);
    }

    /**
     * Registers what answers every request no route took: 405 for a known path, else 404; to
     * HEAD without the problem body.
     */
    void fallback() {
        routing.any((req, res) -> {
            String allow = allow(req.path().path());
            Problem problem;
            if (allow == null) {
                problem = Problem.of(404, "not-found", "Not Found", "no such resource");
            } else {
                res.header(HeaderNames.ALLOW, allow);
                problem = Problem.of(405, "method-not-allowed", "Method Not Allowed", "this resource takes " + allow);
            }
            if (req.prologue().method() == Method.HEAD) {
                new Answer(problem.status(), Responses.PROBLEM_JSON, Json.problem(problem, List.of())).send(res, false);
            } else {
                Responses.problem(res, problem);
            }
        });
    }
}
