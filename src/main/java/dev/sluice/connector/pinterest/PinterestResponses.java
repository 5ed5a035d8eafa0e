package dev.sluice.connector.pinterest;

import dev.sluice.connector.AnswerJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.PerItem;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.PlatformText;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Pinterest's answers to {@code POST /v5/ad_accounts/{id}/events} (platforms.md §6,
 * "Responses"). Every Pinterest-specific fact about responses lives here, marked UNCONFIRMED
 * where it rests on no Pinterest text, to be corrected in one place.
 *
 * <p>Documented: 200 {@code ConversionApiResponse} {@code {num_events_received,
 * num_events_processed, events:[{status: processed|failed, error_message, warning_message}]}},
 * events in request order; 400 invalid request ({@code Error {code, message}}, code 4196);
 * 401 authentication failed (code 2); 403 unauthorized access (code 29); 422 "not all events
 * were successfully processed" ({@code DetailedError {code, message, details}}); 429 rate limited
 * (code 8); 503 endpoint ramped down (code 4197).
 *
 * <p>{@link Rejected#platformCode()} is Pinterest's numeric {@code code} as a decimal string
 * (e.g. {@code "4196"}), or empty for a failed event and for an error body without a code.
 */
final class PinterestResponses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;

    static final String PROCESSED = "processed";
    static final String FAILED = "failed";
    /**
     * Pinterest's limit is per minute per ad account (5,000 calls). Whether a 429 carries
     * {@code Retry-After} is UNCONFIRMED, so without one a throttled batch waits at least this
     * long, the length of the window, before the engine's own backoff takes over.
     */
    static final Duration THROTTLE_DEFAULT_DELAY = Duration.ofMinutes(1);

    /** The {@code Error} / {@code DetailedError} envelope's useful part. */
    record PinterestError(int code, String message) {
    }

    private PinterestResponses() {
    }

    /**
     * The retry/reject decision. Pinterest uses HTTP statuses precisely (unlike Meta, whose error
     * codes say more than its statuses), so the status decides whether or not the body could be
     * read; the body adds the code and message to the reason, and per-event results where given.
     * Credentials and a wrong ad account make the destination unhealthy, since retrying or
     * dead-lettering cannot help; throttling and server trouble retry; any other 4xx is the
     * batch's fault, and the engine bisects it to find the event at fault.
     */
    static DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch, Optional<Duration> retryAfter) {
        int status = response.status();
        Optional<JsonNode> body = parse(response.body());
        if (response.isSuccess()) {
            return success(body, batch);
        }
        Optional<PinterestError> error = body.flatMap(PinterestResponses::error);
        String reason = "pinterest: HTTP " + status + error.map(e -> " code " + e.code() + ": " + e.message()).orElse("");
        Optional<String> code = error.map(e -> String.valueOf(e.code()));
        if (status == 401 || status == 403) {
            return new Unhealthy(reason + " (check conversion-token, and that its user may send events for ad-account-id)");
        }
        if (status == 404) {
            // Not in Pinterest's list; nothing about one event can make this path unknown, so the
            // ad account id or base URL is wrong, and dead-lettering every event would not help.
            return new Unhealthy(reason + " (check ad-account-id and base-url)");
        }
        if (status == 429) {
            return new RetryLater(reason, retryAfter.or(() -> Optional.of(THROTTLE_DEFAULT_DELAY)));
        }
        if (status == 408 || status == 425 || (status >= 500 && status < 600)) {
            return new RetryLater(reason, retryAfter);
        }
        if (status == 422) {
            // Per-event results in a 422 are UNCONFIRMED (DetailedError.details is undocumented).
            // Read them if they are there: settling each event spares the processed ones from
            // being sent again by a bisection, which for offline events, which Pinterest never
            // deduplicates, would mean double counts.
            return body.flatMap(b -> perEvent(b, batch)).orElseGet(() -> new Rejected(reason, code));
        }
        if (status >= 400 && status < 500) {
            return new Rejected(reason, code);
        }
        return new Unhealthy(reason + " (unexpected status; check base-url)");
    }

    /**
     * 2xx: Pinterest took the request and says per event what became of it. Without readable
     * per-event results the counts decide: fewer processed than sent is retried, which is safe
     * for web and app events because Pinterest deduplicates them on {@code event_id}.
     */
    private static DeliveryOutcome success(Optional<JsonNode> body, List<OutboxItem> batch) {
        if (body.isEmpty()) {
            return new Delivered(Optional.empty());
        }
        Optional<DeliveryOutcome> perEvent = perEvent(body.get(), batch);
        if (perEvent.isPresent()) {
            return perEvent.get();
        }
        JsonNode processed = body.get().path("num_events_processed");
        if (processed.canConvertToInt() && processed.intValue() != batch.size()) {
            return new RetryLater("pinterest: num_events_processed " + processed.intValue() + " of " + batch.size(),
                    Optional.empty());
        }
        return new Delivered(Optional.empty());
    }

    /**
     * Outcomes from {@code events[]}, which is in request order, when it has one entry per item.
     * A {@code failed} event is rejected for good: Pinterest judged that event, not the request.
     * A status Pinterest does not document is retried rather than guessed at.
     */
    static Optional<DeliveryOutcome> perEvent(JsonNode body, List<OutboxItem> batch) {
        JsonNode events = body.path("events");
        if (!events.isArray() || events.size() != batch.size()) {
            return Optional.empty();
        }
        Map<Long, DeliveryOutcome> outcomes = new HashMap<>();
        boolean allProcessed = true;
        for (int i = 0; i < batch.size(); i++) {
            JsonNode result = events.get(i);
            String status = result.path("status").asText("");
            DeliveryOutcome outcome = switch (status) {
                case PROCESSED -> new Delivered(Optional.empty());
                case FAILED -> new Rejected("pinterest: event failed: " + scrub(result.path("error_message").asText("")),
                        Optional.empty());
                default -> new RetryLater("pinterest: event status " + (status.isEmpty() ? "missing" : scrub(status)),
                        Optional.empty());
            };
            allProcessed &= outcome instanceof Delivered;
            outcomes.put(batch.get(i).id(), outcome);
        }
        return Optional.of(allProcessed ? new Delivered(Optional.empty()) : new PerItem(outcomes));
    }

    private static Optional<PinterestError> error(JsonNode body) {
        if (!body.path("code").canConvertToInt()) {
            return Optional.empty();
        }
        return Optional.of(new PinterestError(body.path("code").intValue(), scrub(body.path("message").asText(""))));
    }

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || node.isMissingNode() || !node.isObject() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static final int MAX_TEXT = 160;

    /**
     * Platform text goes into dead letters and logs: keep its words and quoted property names
     * ({@code 'category_name' was unexpected}), drop what may be data ({@link PlatformText}; until
     * session 40 a regex here let IPv6 addresses through).
     */
    static String scrub(String text) {
        return PlatformText.truncate(PlatformText.scrub(text), MAX_TEXT);
    }
}
