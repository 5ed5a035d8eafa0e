package dev.sluice.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import java.util.List;
import java.util.Locale;

/**
 * Problem bodies for what the web server answers itself, before any route runs: a request it
 * cannot parse, a body over the server-wide limit, a failure in the transport. Helidon's own
 * answers are plain text or empty; these are {@code application/problem+json} like every other
 * refusal. The detail is fixed per kind: the server's message can quote the request (a header
 * value, a path), and a problem body never echoes what was sent.
 */
final class TransportProblems implements DirectHandler {
    private final long maxPayloadBytes;

    private TransportProblems(long maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Handlers for every kind of event the server answers directly. */
    static DirectHandlers handlers(long maxPayloadBytes) {
        TransportProblems problems = new TransportProblems(maxPayloadBytes);
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, problems);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        Problem problem = problem(eventType, status);
        if (status.code() == 400 && unsupportedCoding(request)) {
            // Helidon refuses a content coding it cannot decode as a bad request (and passes no
            // message to say so); RFC 9110 (15.5.16) answers it 415 naming what would be decoded.
            status = Status.UNSUPPORTED_MEDIA_TYPE_415;
            problem = Problem.of(415, "unsupported-content-encoding", "Unsupported Media Type",
                    "the body's Content-Encoding is not one this server decodes; send it as is or with Content-Encoding: gzip");
            headers.set(HeaderNames.ACCEPT_ENCODING, "gzip");
        }
        if (status.code() == 501 && transferCoded(request)) {
            // Helidon answers a transfer coding other than chunked 501 (RFC 9112 6.1's SHOULD),
            // which this problem body called an internal error until session 39. It is the
            // client's request that cannot be read: a 4xx, as every refusal of bad input is.
            status = Status.BAD_REQUEST_400;
            problem = Problem.of(400, "unsupported-transfer-encoding", "Bad Request",
                    "the request's Transfer-Encoding is not one this server reads; send the body with Content-Length,"
                            + " or with Transfer-Encoding: chunked alone");
        }
        if (eventType == EventType.INTERNAL_ERROR && request == TransportRequest.empty()) {
            // Helidon reads the request line before it knows anything of the request; a method that
            // is not an HTTP token ("G@T", an email) fails that read with an exception it reports as
            // an internal error with no request at all, answered 500 with a logged stack trace per
            // request until session 40. Past the request line every failure carries the request
            // (routing's own errors are answered by the routes), so this is the client's bytes.
            status = Status.BAD_REQUEST_400;
            problem = problem(EventType.BAD_REQUEST, status);
        }
        if (status.code() == 503) {
            headers.set(HeaderNames.RETRY_AFTER, "1");
        }
        headers.set(HeaderNames.CONTENT_TYPE, Responses.PROBLEM_JSON);
        headers.set(HeaderNames.CACHE_CONTROL, "no-store");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(eventType.keepAlive())
                .entity(Json.problem(problem, List.of()))
                .build();
    }

    /** Whether the request names a content coding the listener cannot decode, the reason Helidon refused it. */
    private static boolean unsupportedCoding(TransportRequest request) {
        try {
            return request.headers().first(HeaderNames.CONTENT_ENCODING).filter(GzipDecoding::unsupported).isPresent();
        } catch (RuntimeException noHeaders) {
            return false;
        }
    }

    /** Whether the request has a Transfer-Encoding header, the reason Helidon answered 501. */
    private static boolean transferCoded(TransportRequest request) {
        try {
            return request.headers().contains(HeaderNames.TRANSFER_ENCODING);
        } catch (RuntimeException noHeaders) {
            return false;
        }
    }

    /** Chosen by status: Helidon reports a body over the limit as a bad request with status 413. */
    Problem problem(EventType eventType, Status status) {
        int code = status.code();
        return switch (code) {
            case 413 -> Problem.of(code, "body-too-large", "Content Too Large",
                    "the body is over the server's limit of " + maxPayloadBytes + " bytes");
            case 400 -> Problem.of(code, "malformed-request", "Bad Request",
                    "the HTTP request could not be parsed (request line, headers or framing)");
            case 414 -> Problem.of(code, "uri-too-long", "URI Too Long",
                    "the request line is longer than the server takes (server.protocols.http_1_1.max-prologue-length)");
            case 403 -> Problem.of(code, "forbidden", "Forbidden", "the request is not allowed");
            // Helidon's only 503: the listener already serves server.max-concurrent-requests.
            // Nothing failed (its problem read "internal-error" before); the request may be retried.
            case 503 -> Problem.of(code, "server-busy", "Service Unavailable",
                    "the server is serving as many requests as it takes at once (server.max-concurrent-requests); retry shortly");
            case 505 -> Problem.of(code, "http-version-not-supported", "HTTP Version Not Supported",
                    "send HTTP/1.1 (this server does not serve HTTP/1.0 or HTTP/2)");
            default -> code >= 500
                    ? Problem.of(code, "internal-error", status.reasonPhrase(), "the server failed to process the request")
                    : Problem.of(code, "transport-error", status.reasonPhrase(),
                            "the server refused the request before routing it (" + eventType.name().toLowerCase(Locale.ROOT) + ")");
        };
    }
}
