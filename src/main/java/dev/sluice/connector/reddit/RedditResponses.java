package dev.sluice.connector.reddit;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Reddit's answers to {@code POST /api/v3/pixels/{pixel}/conversion_events}. Every
 * Reddit-specific fact about responses lives here (platforms.md §8, "Responses"), marked
 * UNCONFIRMED where the docs do not settle it.
 *
 * <p>Reddit reports no per-event results: a request is processed whole or not at all ("There
 * were N invalid conversion events. None were processed."), so there is never a
 * {@link DeliveryOutcome.PerItem}. The HTTP status carries the meaning; the body only adds
 * Reddit's message to the reason, scrubbed, because it may echo submitted values.
 */
final class RedditResponses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;
    private static final String PLATFORM = "reddit";

    /** Documented success message; the count lets a short count be noticed. */
    private static final Pattern PROCESSED = Pattern.compile("Successfully processed (\\d{1,9}) conversion events?");

    /**
     * Reddit's error text as read from the body. The envelope {@code {"error":{"code":400,
     * "message":"..."}}} is what implementers have reported seeing; Reddit's docs list only the
     * messages, so a bare {@code message} or {@code error} string is read too (UNCONFIRMED).
     */
    record RedditError(Optional<Integer> code, String message) {
    }

    private RedditResponses() {
    }

    static DeliveryOutcome interpret(HttpResponseSpec response, int batchSize, Optional<Duration> retryAfter) {
        Optional<JsonNode> body = parse(response.body());
        if (response.isSuccess()) {
            return success(body, batchSize);
        }
        return classify(response.status(), body.flatMap(RedditResponses::error), retryAfter);
    }

    /**
     * 2xx means Reddit processed the request. If its message counts fewer events than were sent
     * the request is retried: safe, because Reddit deduplicates on {@code conversion_id}.
     */
    private static DeliveryOutcome success(Optional<JsonNode> body, int batchSize) {
        Optional<Matcher> processed = body.map(b -> b.path("data").path("message"))
                .filter(JsonNode::isTextual)
                .map(m -> PROCESSED.matcher(m.asText()))
                .filter(Matcher::find);
        if (processed.isPresent()) {
            int count = Integer.parseInt(processed.get().group(1));
            if (count != batchSize) {
                return new RetryLater(PLATFORM + ": processed " + count + " of " + batchSize + " events", Optional.empty());
            }
        }
        return new Delivered(Optional.empty());
    }

    /**
     * The retry/reject decision for a non-2xx answer, by status, the way Reddit's error table
     * reads:
     * <ul>
     *   <li>401 (no or invalid token), 403 (token not allowed on this pixel, or the app lacks the
     *       {@code adsconversions} scope): unhealthy, since no retry or dead letter helps;</li>
     *   <li>404: unhealthy. Reddit documents none for this endpoint, so it can only mean a wrong
     *       pixel id or base URL, and every further request would fail alike;</li>
     *   <li>408, 425, 429 (throttled), 5xx (service unavailable, "no conversion events were
     *       processed"): retry later, honouring {@code Retry-After} if Reddit sends one, which
     *       its docs do not mention (UNCONFIRMED); they say "retry with exponential backoff",
     *       which the engine does;</li>
     *   <li>other 4xx (400 "invalid conversion events. None were processed", 422): rejected for
     *       the batch, which the engine bisects to find the bad event;</li>
     *   <li>anything else (1xx, 3xx): unhealthy, a misconfigured endpoint.</li>
     * </ul>
     * An unreadable body changes nothing but the reason.
     */
    static DeliveryOutcome classify(int status, Optional<RedditError> error, Optional<Duration> retryAfter) {
        String reason = PLATFORM + ": HTTP " + status + error.map(e -> e.message().isEmpty() ? "" : ": " + e.message()).orElse("");
        if (status == 401) {
            return new Unhealthy(reason + " (replace the access token)");
        }
        if (status == 403) {
            return new Unhealthy(reason + " (the token may not post to this pixel: check pixel-id and the adsconversions scope)");
        }
        if (status == 404) {
            return new Unhealthy(reason + " (check pixel-id and base-url)");
        }
        if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
            return new RetryLater(reason, retryAfter);
        }
        if (status >= 400 && status < 500) {
            return new Rejected(reason, error.flatMap(RedditError::code).map(String::valueOf));
        }
        return new Unhealthy(reason + " (unexpected status; check base-url)");
    }

    private static Optional<RedditError> error(JsonNode body) {
        JsonNode e = body.path("error");
        Optional<Integer> code = e.path("code").canConvertToInt() && e.path("code").isIntegralNumber()
                ? Optional.of(e.path("code").intValue()) : Optional.empty();
        JsonNode message = e.path("message");
        if (!message.isTextual()) {
            message = e.isTextual() ? e : body.path("message");
        }
        if (!message.isTextual() && code.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RedditError(code, scrub(message.asText(""))));
    }

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || !node.isObject() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static final int MAX_TEXT = 160;

    /** Platform text goes into dead letters and logs: keep its words, drop what may be data ({@link PlatformText}). */
    static String scrub(String text) {
        return PlatformText.truncate(PlatformText.scrub(text), MAX_TEXT);
    }
}
