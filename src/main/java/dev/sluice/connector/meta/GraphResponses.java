package dev.sluice.connector.meta;

import dev.sluice.connector.AnswerJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.PlatformText;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Graph API answers to {@code POST /{pixel}/events}. Every Meta-specific fact about
 * responses lives here, marked UNCONFIRMED where platforms.md marks it so, to be corrected in
 * one place.
 */
final class GraphResponses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;

    /** Token invalid or expired (190), API session (102): the token must be replaced. */
    private static final Set<Integer> TOKEN_CODES = Set.of(190, 102);
    /** Throttling, "request limit reached" (platforms.md §1). 80004 and 341 (application limit,
     *  Graph error-handling guide) are not in the CAPI docs: UNCONFIRMED for this edge. */
    private static final Set<Integer> THROTTLE_CODES = Set.of(4, 17, 32, 613, 80004, 341);
    /** "API Unknown" / "API Service": temporary downtime, "wait and retry" (Graph error-handling guide). */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(1, 2);
    /**
     * 100/33, "Object with ID ... does not exist, cannot be loaded due to missing permissions":
     * a wrong pixel id, which no retry or split can fix. Commonly observed, not in the CAPI docs:
     * UNCONFIRMED.
     */
    private static final int UNKNOWN_OBJECT_SUBCODE = 33;
    /**
     * Meta signals throttling by error code, not by {@code Retry-After} (UNCONFIRMED, §1 "Limits"),
     * so a throttled batch waits at least this long before the engine's own backoff takes over.
     */
    static final Duration THROTTLE_DEFAULT_DELAY = Duration.ofMinutes(1);

    /** The Graph error envelope's useful part. */
    record GraphError(int code, Optional<Integer> subcode, String type, String message) {
        /** {@code "code"} or {@code "code/subcode"}: the {@link Rejected#platformCode()} format. */
        String platformCode() {
            return subcode.map(s -> code + "/" + s).orElse(String.valueOf(code));
        }
    }

    private GraphResponses() {
    }

    static DeliveryOutcome interpret(HttpResponseSpec response, int batchSize, Optional<Duration> retryAfter) {
        Optional<JsonNode> body = parse(response.body());
        if (response.isSuccess()) {
            return success(body, batchSize);
        }
        Optional<GraphError> error = body.flatMap(GraphResponses::error);
        return error.isPresent()
                ? classify(response.status(), error.get(), retryAfter)
                : DeliveryOutcome.fromStatus("meta", response.status(), retryAfter);
    }

    /**
     * 2xx means Meta accepted the payload as valid (support page); {@code events_received} should
     * equal the batch size. If it does not, the request is retried: safe, because Meta
     * deduplicates on event_id + event_name for 48 hours.
     */
    private static DeliveryOutcome success(Optional<JsonNode> body, int batchSize) {
        Optional<String> trace = body.map(b -> b.path("fbtrace_id")).filter(JsonNode::isTextual).map(JsonNode::asText);
        JsonNode received = body.map(b -> b.path("events_received")).orElse(null);
        if (received != null && received.canConvertToInt() && received.intValue() != batchSize) {
            return new RetryLater("meta: events_received " + received.intValue() + " of " + batchSize, Optional.empty());
        }
        return new Delivered(trace);
    }

    /**
     * The retry/reject decision for a Graph error. Order matters: credential problems first
     * (whatever the status, retrying cannot help and dead-lettering would lose good events), then
     * throttling and transient codes, then the HTTP status: 5xx is Meta's trouble, any other
     * error is the batch's. Meta refuses a whole batch for one bad event and does not say which,
     * so a 4xx is {@link Rejected} for the batch; the engine bisects it to find the event.
     */
    static DeliveryOutcome classify(int status, GraphError e, Optional<Duration> retryAfter) {
        String reason = "meta: HTTP " + status + " " + e.type() + " code " + e.platformCode() + ": " + e.message();
        if (TOKEN_CODES.contains(e.code())) {
            return new Unhealthy(reason + " (replace the access token)");
        }
        if (e.code() == 100 && e.subcode().equals(Optional.of(UNKNOWN_OBJECT_SUBCODE))) {
            return new Unhealthy(reason + " (check pixel-id: the pixel does not exist or the token cannot see it)");
        }
        if (e.code() == 10 || (e.code() >= 200 && e.code() <= 299)) {
            return new Unhealthy(reason + " (the token lacks permission on the pixel)");
        }
        if (THROTTLE_CODES.contains(e.code())) {
            return new RetryLater(reason, retryAfter.or(() -> Optional.of(THROTTLE_DEFAULT_DELAY)));
        }
        if (TRANSIENT_CODES.contains(e.code()) || status >= 500 || status == 408 || status == 429) {
            return new RetryLater(reason, retryAfter);
        }
        return new Rejected(reason, Optional.of(e.platformCode()));
    }

    private static Optional<GraphError> error(JsonNode body) {
        JsonNode e = body.path("error");
        if (!e.path("code").canConvertToInt()) {
            return Optional.empty();
        }
        JsonNode sub = e.path("error_subcode");
        return Optional.of(new GraphError(e.path("code").intValue(),
                sub.canConvertToInt() ? Optional.of(sub.intValue()) : Optional.empty(),
                scrub(e.path("type").asText("GraphError")),
                // error_user_title is a short localized title; message is the English description.
                scrub(e.path("message").asText(""))));
    }

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static final int MAX_TEXT = 160;

    /**
     * Platform text goes into dead letters and logs: keep its words, drop what may be data
     * ({@link PlatformText}; until session 40 a regex here let IPv6 addresses and user agents through).
     */
    static String scrub(String text) {
        return PlatformText.truncate(PlatformText.scrub(text), MAX_TEXT);
    }
}
