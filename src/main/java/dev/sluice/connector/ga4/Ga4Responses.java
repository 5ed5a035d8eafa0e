package dev.sluice.connector.ga4;

import dev.sluice.connector.AnswerJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.connector.HttpResponseSpec;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Reads GA4's answers to {@code POST /mp/collect} and {@code /debug/mp/collect} (platforms.md §3,
 * "Responses"). Every GA4-specific fact about responses lives here.
 *
 * <p>Documented (MP reference, "Response codes"; "Validating events"): the production endpoint
 * "always returns a 2xx status code if the HTTP request was received", also for malformed or
 * unprocessed data, with no error body; so a 2xx there says only that the request arrived, and
 * what GA4 dropped is not knowable. The validation server answers {@code {"validationMessages":
 * [{fieldPath, description, validationCode}]}}, an empty list when the request is valid, and
 * does not check {@code api_secret}. Statuses other than 2xx (401/403 for a bad secret, 404, 429,
 * 5xx) are not documented for either endpoint: UNCONFIRMED, read the way HTTP means them.
 *
 * <p>{@link Rejected#platformCode()} is the first message's {@code validationCode}, or empty.
 */
final class Ga4Responses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;
    private static final String PLATFORM = "ga4";

    /** Messages named in a reason; the rest are counted. */
    static final int MAX_MESSAGES = 5;
    /** Validation codes are upper-case names (VALUE_INVALID, NAME_RESERVED, ...); anything else is not passed on. */
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z_]{0,63}");
    /**
     * A field path names fields and indexes ({@code events[0].params.items[0].item_id}): names
     * of at most 40 characters (GA4's name limit, which a 64-character hash exceeds) that are
     * this connector's own or GA4's, never payload values. Anything else is not passed on.
     */
    private static final String SEGMENT = "[A-Za-z_][A-Za-z0-9_]{0,39}(?:\\[[0-9]{1,4}])?";
    private static final Pattern FIELD_PATH = Pattern.compile(SEGMENT + "(?:\\." + SEGMENT + "){0,7}");

    private Ga4Responses() {
    }

    /**
     * The retry/reject decision, one HTTP status at a time:
     * <ul>
     *   <li>2xx from the production endpoint: delivered (GA4 says nothing more);</li>
     *   <li>2xx from the validation server: rejected when it lists any validation message
     *       (dead-lettered with each message's {@code validationCode} and {@code fieldPath};
     *       never its {@code description}, which can quote the submitted value), delivered when
     *       the list is empty, retried when the body holds no list at all;</li>
     *   <li>401, 403: unhealthy: the API secret was deleted or belongs to another stream;</li>
     *   <li>404: unhealthy: no single event makes the path unknown, so base-url is wrong;</li>
     *   <li>408, 425, 429, 5xx: retry later, honouring {@code Retry-After};</li>
     *   <li>other 4xx (400, 413): rejected; with one event per request, that event is dead-lettered;</li>
     *   <li>anything else (1xx, 3xx): unhealthy, a misconfigured endpoint.</li>
     * </ul>
     */
    static DeliveryOutcome interpret(HttpResponseSpec response, boolean validate, Optional<Duration> retryAfter) {
        int status = response.status();
        String reason = PLATFORM + ": HTTP " + status;
        if (status >= 200 && status < 300) {
            return validate ? validation(response.body(), retryAfter) : new Delivered(Optional.empty());
        }
        if (status == 401 || status == 403) {
            return new Unhealthy(reason + " (check api-secret, and that it belongs to measurement-id's stream)");
        }
        if (status == 404) {
            return new Unhealthy(reason + " (check base-url)");
        }
        if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
            return new RetryLater(reason, retryAfter);
        }
        if (status >= 400 && status < 500) {
            return new Rejected(reason, Optional.empty());
        }
        return new Unhealthy(reason + " (unexpected status; check base-url)");
    }

    private static DeliveryOutcome validation(byte[] body, Optional<Duration> retryAfter) {
        JsonNode messages = parse(body).map(b -> b.path("validationMessages")).orElse(null);
        if (messages == null || !messages.isArray()) {
            // The validation server always lists its findings; without the list nothing was
            // validated. Retrying costs nothing: a validated event reaches no report.
            return new RetryLater(PLATFORM + ": validation answer without validationMessages", retryAfter);
        }
        if (messages.isEmpty()) {
            return new Delivered(Optional.empty());
        }
        StringJoiner found = new StringJoiner("; ", PLATFORM + ": validation failed: ", "");
        int shown = Math.min(messages.size(), MAX_MESSAGES);
        for (int i = 0; i < shown; i++) {
            JsonNode m = messages.get(i);
            found.add(code(m).orElse("UNKNOWN") + " at " + fieldPath(m));
        }
        String reason = found + (messages.size() > shown ? "; " + (messages.size() - shown) + " more" : "");
        return new Rejected(reason, code(messages.get(0)));
    }

    private static Optional<String> code(JsonNode message) {
        JsonNode code = message.path("validationCode");
        return code.isTextual() && CODE.matcher(code.asText()).matches() ? Optional.of(code.asText()) : Optional.empty();
    }

    private static String fieldPath(JsonNode message) {
        JsonNode path = message.path("fieldPath");
        if (!path.isTextual() || path.asText().isEmpty()) {
            return "(no field)";
        }
        return FIELD_PATH.matcher(path.asText()).matches() ? path.asText() : "<redacted>";
    }

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || !node.isObject() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
