package dev.sluice.connector.linkedin;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads LinkedIn's answers to {@code BATCH_CREATE /rest/conversionEvents} (platforms.md §7,
 * "Responses"). Every LinkedIn-specific fact about responses lives here, marked UNCONFIRMED where
 * it rests on no LinkedIn text, to be corrected in one place.
 *
 * <ul>
 *   <li>Success: 200 {@code {"elements":[{"status":201}, ...]}}, one entry per element in request
 *       order (LinkedIn's Postman collection and the API reference's example). Entries with another
 *       status, which Rest.li batch methods return with an {@code error} object, settle their item
 *       alone (UNCONFIRMED for this endpoint: the digest notes that DMP-segment batches moved to
 *       per-element statuses in 202502).</li>
 *   <li>Errors: JSON {@code {status, code, serviceErrorCode, message}} (LinkedIn's error-handling
 *       guide). One bad element fails the whole batch: RudderStack's integration, from traffic,
 *       reads a 422 whose message lists the bad elements as
 *       {@code "Index: 0, ERROR :: /conversionValue/amount :: field is required ...\n"}, and a 400
 *       naming them as {@code "indices [0] (0-indexed)"}. Neither format is documented
 *       (UNCONFIRMED); when it can be read the named items are rejected and the rest retried,
 *       otherwise the batch is rejected and the engine bisects it.</li>
 * </ul>
 *
 * <p>{@link Rejected#platformCode()} is LinkedIn's symbolic {@code code} (e.g.
 * {@code "INVALID_VALUE"}), else its numeric {@code serviceErrorCode} as a decimal string, else empty.
 */
final class LinkedinResponses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;
    private static final String PLATFORM = "linkedin";

    /**
     * LinkedIn's limits are per minute (600 requests) and per day (300,000 per Salesforce's and
     * partner docs, 500,000 per one Salesforce page: UNCONFIRMED which), reset at midnight UTC.
     * Whether a 429 carries {@code Retry-After} is UNCONFIRMED, so without one a throttled batch
     * waits at least a minute, the shorter window, before the engine's own backoff takes over.
     */
    static final Duration THROTTLE_DEFAULT_DELAY = Duration.ofMinutes(1);

    /**
     * Answers that mean the {@code LinkedIn-Version} header names a version LinkedIn no longer
     * serves: {@code 426 {"code":"NONEXISTENT_VERSION","message":"Requested version 20250401 is
     * not active"}}, as many integrations reported when versions were sunset (n8n, Pipedream,
     * Composio issues, 2023-2026), and {@code VERSION_MISSING} for a request without the header
     * (LinkedIn's versioning guide; UNCONFIRMED here). No event is at fault, so the destination
     * is paused until {@code linkedin-version} is fixed.
     */
    static final int VERSION_GONE_STATUS = 426;
    static final Set<String> VERSION_CODES = Set.of("NONEXISTENT_VERSION", "VERSION_MISSING");

    private static final Pattern INDEX_LINE = Pattern.compile("^\\s*Index:\\s*(\\d{1,5}),\\s*ERROR\\s*::\\s*(.*)$");
    private static final Pattern ERROR_LINE = Pattern.compile("^\\s*ERROR\\s*::\\s*(.*)$");
    private static final Pattern INDICES = Pattern.compile("indices\\s*\\[([0-9,\\s]{1,4000})\\]");

    /**
     * LinkedIn's error envelope: {@code message} scrubbed, {@code rawMessage} as sent, kept only to
     * find the element indices in it and never printed.
     */
    record LinkedinError(Optional<String> code, String message, String rawMessage) {
        @Override
        public String toString() {
            return "LinkedinError[code=" + code + ", message=" + message + "]";
        }
    }

    private LinkedinResponses() {
    }

    static DeliveryOutcome interpret(HttpResponseSpec response, List<OutboxItem> batch, Optional<Duration> retryAfter) {
        Optional<JsonNode> body = parse(response.body());
        if (response.isSuccess()) {
            return body.flatMap(b -> perElement(b, batch)).orElseGet(() -> new Delivered(Optional.empty()));
        }
        Optional<LinkedinError> error = body.flatMap(LinkedinResponses::error);
        int status = response.status();
        if (status == 400 || status == 422) {
            Optional<DeliveryOutcome> perItem = error.flatMap(e -> namedElements(status, e, batch));
            if (perItem.isPresent()) {
                return perItem.get();
            }
        }
        return classify(status, error, retryAfter);
    }

    /**
     * The retry/reject decision for a non-2xx answer as a whole:
     * <ul>
     *   <li>401 (token expired, revoked or invalid): unhealthy, replace the token;</li>
     *   <li>403: unhealthy, the token lacks {@code rw_conversions} or its member has no role on the
     *       rule's ad account;</li>
     *   <li>404: unhealthy, a wrong base URL (the endpoint takes no path parameters);</li>
     *   <li>426, or a versioning error code: unhealthy, the pinned version is gone;</li>
     *   <li>408, 425, 429, 5xx: retry later, honouring {@code Retry-After}, and for 429 not before
     *       {@link #THROTTLE_DEFAULT_DELAY};</li>
     *   <li>other 4xx: rejected for the batch, which the engine bisects to find the bad event;</li>
     *   <li>anything else (1xx, 3xx): unhealthy, a misconfigured endpoint.</li>
     * </ul>
     * An unreadable body changes nothing but the reason.
     */
    static DeliveryOutcome classify(int status, Optional<LinkedinError> error, Optional<Duration> retryAfter) {
        String reason = PLATFORM + ": HTTP " + status + error.map(e -> e.code().map(c -> " " + c).orElse("")
                + (e.message().isEmpty() ? "" : ": " + e.message())).orElse("");
        Optional<String> code = error.flatMap(LinkedinError::code);
        if (status == 401) {
            return new Unhealthy(reason + " (replace access-token: LinkedIn member tokens expire and can be revoked)");
        }
        if (status == 403) {
            return new Unhealthy(reason + " (the token needs the rw_conversions scope and its member a role on the ad account)");
        }
        if (status == 404) {
            return new Unhealthy(reason + " (check base-url)");
        }
        if (status == VERSION_GONE_STATUS || code.filter(VERSION_CODES::contains).isPresent()) {
            return new Unhealthy(reason + " (set linkedin-version to a version LinkedIn still serves)");
        }
        if (status == 429) {
            return new RetryLater(reason, retryAfter.or(() -> Optional.of(THROTTLE_DEFAULT_DELAY)));
        }
        if (status == 408 || status == 425 || (status >= 500 && status < 600)) {
            return new RetryLater(reason, retryAfter);
        }
        if (status >= 400 && status < 500) {
            return new Rejected(reason, code);
        }
        return new Unhealthy(reason + " (unexpected status; check base-url)");
    }

    /**
     * Outcomes from a 2xx body's {@code elements}, when it has one entry per item. A 2xx entry is
     * delivered; any other is classified like a whole answer with that status, so a bad element
     * is rejected alone and a throttled one retried. An entry without a status is retried rather
     * than guessed at. Without usable entries the 2xx status decides.
     */
    static Optional<DeliveryOutcome> perElement(JsonNode body, List<OutboxItem> batch) {
        JsonNode elements = body.path("elements");
        if (!elements.isArray() || elements.size() != batch.size()) {
            return Optional.empty();
        }
        Map<Long, DeliveryOutcome> outcomes = new HashMap<>();
        boolean allDelivered = true;
        for (int i = 0; i < batch.size(); i++) {
            JsonNode element = elements.get(i);
            JsonNode status = element.path("status");
            DeliveryOutcome outcome;
            if (!status.isIntegralNumber()) {
                outcome = new RetryLater(PLATFORM + ": element status missing", Optional.empty());
            } else if (status.intValue() >= 200 && status.intValue() < 300) {
                outcome = new Delivered(Optional.empty());
            } else {
                JsonNode err = element.path("error");
                outcome = classify(status.intValue(), error(err.isObject() ? err : element), Optional.empty());
            }
            allDelivered &= outcome instanceof Delivered;
            outcomes.put(batch.get(i).id(), outcome);
        }
        return Optional.of(allDelivered ? new Delivered(Optional.empty()) : new PerItem(outcomes));
    }

    /**
     * A 400 or 422 that names the bad elements: those are rejected with their own messages, and
     * the others, which LinkedIn did not process, are retried (safe: nothing of the batch was
     * recorded). Empty when the message names no element of this batch.
     */
    private static Optional<DeliveryOutcome> namedElements(int status, LinkedinError error, List<OutboxItem> batch) {
        Map<Integer, String> named = indexedMessages(error.rawMessage());
        if (named.isEmpty()) {
            for (int index : indices(error.rawMessage())) {
                named.put(index, error.message());
            }
        }
        named.keySet().removeIf(index -> index >= batch.size());
        if (named.isEmpty()) {
            return Optional.empty();
        }
        Map<Long, DeliveryOutcome> outcomes = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            String message = named.get(i);
            outcomes.put(batch.get(i).id(), message == null
                    ? new RetryLater(PLATFORM + ": not processed: LinkedIn refused another event of the batch", Optional.empty())
                    : new Rejected(PLATFORM + ": HTTP " + status + ": " + message, error.code()));
        }
        return Optional.of(new PerItem(outcomes));
    }

    /** {@code "Index: N, ERROR :: a\nERROR :: b\n"} to {N: "a; b"}, scrubbed. */
    static Map<Integer, String> indexedMessages(String message) {
        Map<Integer, StringJoiner> byIndex = new LinkedHashMap<>();
        Integer current = null;
        for (String line : message.split("\\R")) {
            Matcher indexed = INDEX_LINE.matcher(line);
            Matcher continued = ERROR_LINE.matcher(line);
            if (indexed.matches()) {
                current = Integer.parseInt(indexed.group(1));
                byIndex.computeIfAbsent(current, k -> new StringJoiner("; ")).add(scrub(indexed.group(2)));
            } else if (current != null && continued.matches()) {
                byIndex.get(current).add(scrub(continued.group(1)));
            }
        }
        Map<Integer, String> out = new HashMap<>();
        byIndex.forEach((index, joined) -> out.put(index, truncate(joined.toString())));
        return out;
    }

    /** {@code "... indices [0, 2] (0-indexed)"} to [0, 2]. */
    static List<Integer> indices(String message) {
        Matcher m = INDICES.matcher(message);
        if (!m.find()) {
            return List.of();
        }
        return java.util.Arrays.stream(m.group(1).split(","))
                .map(String::strip).filter(s -> !s.isEmpty() && s.length() <= 5)
                .map(Integer::valueOf).toList();
    }

    private static Optional<LinkedinError> error(JsonNode body) {
        JsonNode message = body.path("message");
        JsonNode serviceCode = body.path("serviceErrorCode");
        JsonNode code = body.path("code");
        Optional<String> platformCode = code.isTextual() && CODE.matcher(code.asText()).matches() ? Optional.of(code.asText())
                : serviceCode.isIntegralNumber() ? Optional.of(String.valueOf(serviceCode.longValue())) : Optional.empty();
        if (!message.isTextual() && platformCode.isEmpty()) {
            return Optional.empty();
        }
        String raw = message.asText("");
        return Optional.of(new LinkedinError(platformCode, truncate(scrub(raw)), raw));
    }

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || !node.isObject() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** LinkedIn's symbolic codes: {@code REVOKED_ACCESS_TOKEN}, {@code INVALID_VALUE}, ... */
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    /** Names of fields and enums Sluice sends, kept in quotes (LinkedIn quotes them in camelCase, which {@link PlatformText} alone would redact). */
    private static final Set<String> QUOTABLE = Set.of("elements", "conversion", "conversionHappenedAt", "conversionValue",
            "currencyCode", "amount", "eventId", "user", "userIds", "idType", "idValue", "userInfo", "firstName", "lastName",
            "countryCode", LinkedinEventMapper.SHA256_EMAIL, LinkedinEventMapper.FIRST_PARTY_ADS_TRACKING_UUID);
    /** Longer than the other connectors' 160: LinkedIn's messages are mostly JSON pointers, and one item may have several. */
    private static final int MAX_TEXT = 200;

    /**
     * Platform text goes into dead letters and logs: keep its words, JSON pointers and quoted field
     * names, drop what may be data ({@link PlatformText}).
     */
    static String scrub(String text) {
        return PlatformText.scrub(text, QUOTABLE);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
