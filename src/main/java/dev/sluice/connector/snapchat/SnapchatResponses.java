package dev.sluice.connector.snapchat;

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
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Reads Snap's answers to {@code POST /v3/{pixel}/events} and {@code .../events/validate}
 * (platforms.md §5, "Responses"). Every Snapchat-specific fact about responses lives here, marked
 * UNCONFIRMED where Snap's text does not settle it, to be corrected in one place.
 *
 * <p>Documented (Snap's v3 OpenAPI description in business-sdk-v3-java): the events endpoint
 * answers one {@code EventResponse} {@code {status: VALID|INVALID, reason, event, errors:{codes[],
 * error_msgs[]}}} for the whole request, {@code event} being "the event identifier, only present
 * in error responses"; the validate endpoint answers {@code {status, test_event, reason,
 * event_logs:[{event, status, errors, warnings}]}}, per event. The Test Event Tool table gives
 * HTTP 400 with INVALID for a missing required field, a PURCHASE without price or currency, a
 * hashed IP, a timestamp out of range, unhashed PII and insufficient PII. Everything else about
 * statuses (401/403 for tokens, 429, 5xx) is UNCONFIRMED and read the way HTTP means it.
 *
 * <p>{@link Rejected#platformCode()} is the first of Snap's {@code errors.codes}, or empty.
 */
final class SnapchatResponses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;
    private static final String PLATFORM = "snapchat";

    static final String VALID = "VALID";
    static final String INVALID = "INVALID";
    /**
     * A token that may not post to the pixel (or a pixel id that does not exist) is answered
     * {@code {"status":"INVALID","reason":"Unauthorized resources"}} (Treasure Data's Snapchat
     * connector notes; the HTTP status is not given: UNCONFIRMED). No single event can cause it,
     * so whatever the status, it is the destination's fault.
     */
    private static final Pattern UNAUTHORIZED = Pattern.compile("(?i)\\bunauthori[sz]ed\\b");
    /** Snap's error codes are short names; anything else is not passed on. */
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private SnapchatResponses() {
    }

    /**
     * The retry/reject decision, one HTTP status at a time:
     * <ul>
     *   <li>2xx: delivered, unless the body says {@code INVALID} (then as a 400);</li>
     *   <li>401, 403: unhealthy: the access token is wrong, expired or not allowed on the pixel;</li>
     *   <li>404: unhealthy: no single event makes the path unknown, so pixel-id or base-url is wrong;</li>
     *   <li>408, 425, 429, 5xx: retry later, honouring {@code Retry-After} (whether Snap sends one
     *       is UNCONFIRMED; without it the engine's backoff decides);</li>
     *   <li>other 4xx (400 INVALID, 413, 422): rejected for the batch, which the engine bisects to
     *       isolate the bad event, since Snap names it only by an index of unconfirmed meaning;
     *       with per-event {@code event_logs} (test mode) each event is settled on its own;</li>
     *   <li>a body saying "Unauthorized resources": unhealthy, whatever the 4xx;</li>
     *   <li>anything else (1xx, 3xx): unhealthy, a misconfigured endpoint.</li>
     * </ul>
     * An unreadable body changes nothing but the reason.
     */
    static DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch, Optional<Duration> retryAfter) {
        int status = response.status();
        Optional<JsonNode> body = parse(response.body());
        String reason = PLATFORM + ": HTTP " + status + body.map(SnapchatResponses::describe).orElse("");
        if (status == 401 || status == 403) {
            return new Unhealthy(reason + " (check access-token, and that its organization owns pixel-id)");
        }
        if (status == 404) {
            return new Unhealthy(reason + " (check pixel-id and base-url)");
        }
        if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
            return new RetryLater(reason, retryAfter);
        }
        boolean success = status >= 200 && status < 300;
        if (!success && (status < 400 || status >= 500)) {
            return new Unhealthy(reason + " (unexpected status; check base-url)");
        }
        Optional<DeliveryOutcome> perEvent = body.flatMap(b -> perEvent(b, batch));
        if (perEvent.isPresent()) {
            return perEvent.get();
        }
        boolean invalid = body.map(b -> INVALID.equals(b.path("status").asText())).orElse(false);
        if (success && !invalid) {
            return new Delivered(Optional.empty());
        }
        if (body.map(b -> UNAUTHORIZED.matcher(b.path("reason").asText("")).find()).orElse(false)) {
            return new Unhealthy(reason + " (check access-token, and that its organization owns pixel-id)");
        }
        return new Rejected(reason, body.flatMap(SnapchatResponses::code));
    }

    /**
     * Outcomes from the validate endpoint's {@code event_logs} when it holds one entry per item.
     * Entries are taken in request order; whether Snap's {@code event} index counts from 0 or 1
     * is UNCONFIRMED, so it is not relied on. A status other than VALID or INVALID is retried
     * rather than guessed at.
     */
    static Optional<DeliveryOutcome> perEvent(JsonNode body, List<OutboxItem> batch) {
        JsonNode logs = body.path("event_logs");
        if (!logs.isArray() || logs.size() != batch.size()) {
            return Optional.empty();
        }
        Map<Long, DeliveryOutcome> outcomes = new HashMap<>();
        boolean allValid = true;
        for (int i = 0; i < batch.size(); i++) {
            JsonNode log = logs.get(i);
            String status = log.path("status").asText("");
            DeliveryOutcome outcome = switch (status) {
                case VALID -> new Delivered(Optional.empty());
                case INVALID -> new Rejected(PLATFORM + ": event invalid" + messages(log.path("errors")), code(log));
                default -> new RetryLater(PLATFORM + ": event status " + (status.isEmpty() ? "missing" : scrub(status)),
                        Optional.empty());
            };
            allValid &= outcome instanceof Delivered;
            outcomes.put(batch.get(i).id(), outcome);
        }
        return Optional.of(allValid ? new Delivered(Optional.empty()) : new PerItem(outcomes));
    }

    /** Snap's {@code status}, {@code reason}, {@code event} index and error messages, scrubbed. */
    private static String describe(JsonNode body) {
        StringBuilder out = new StringBuilder();
        String status = body.path("status").asText("");
        if (!status.isEmpty()) {
            out.append(' ').append(scrub(status));
        }
        String reason = body.path("reason").asText("");
        if (!reason.isEmpty()) {
            out.append(": ").append(scrub(reason));
        }
        if (body.path("event").isIntegralNumber()) {
            out.append(" (event ").append(body.path("event").asLong()).append(')');
        }
        out.append(messages(body.path("errors")));
        return out.toString();
    }

    private static String messages(JsonNode errors) {
        JsonNode msgs = errors.path("error_msgs");
        if (!msgs.isArray() || msgs.isEmpty()) {
            return "";
        }
        StringJoiner joined = new StringJoiner("; ", ": ", "");
        msgs.forEach(m -> joined.add(scrub(m.asText(""))));
        return truncate(joined.toString());
    }

    private static Optional<String> code(JsonNode body) {
        JsonNode codes = body.path("errors").path("codes");
        if (codes.isArray() && !codes.isEmpty() && codes.get(0).isTextual() && CODE.matcher(codes.get(0).asText()).matches()) {
            return Optional.of(codes.get(0).asText());
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || !node.isObject() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static final int MAX_TEXT = 200;

    /** Platform text goes into dead letters and logs: keep its words, drop what may be data ({@link PlatformText}). */
    static String scrub(String text) {
        return PlatformText.truncate(PlatformText.scrub(text), MAX_TEXT);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
