package dev.sluice.connector.tiktok;

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
import java.util.regex.Pattern;

/**
 * Reads TikTok's answers to {@code POST /open_api/v1.3/event/track/}. TikTok answers HTTP 200
 * for most errors and puts the verdict in the body's {@code code} (platforms.md §4
 * "Responses"). Every TikTok-specific fact about responses lives here, marked UNCONFIRMED where
 * no official text backs it, to be corrected in one place.
 *
 * <p>TikTok does not report results per event (none of the sources show a per-event list), so
 * the outcome is always for the whole batch; a {@link Rejected} batch is bisected by the engine.
 */
final class TiktokResponses {
    private static final ObjectMapper JSON = AnswerJson.MAPPER;

    static final int OK = 0;
    /**
     * "Partial success". RudderStack's TikTok handler treats it as delivered; what TikTok drops
     * and whether it says which is UNCONFIRMED, so nothing finer than the batch can be reported.
     */
    static final int PARTIAL_SUCCESS = 20001;
    /**
     * No permission on the pixel (TikTok Business Messaging error list, adskull.io; RudderStack
     * aborts on it). Only the token's owner can fix that.
     */
    static final int NO_PERMISSION = 40001;
    /**
     * Too many requests (QPS/QPM/QPD): RudderStack throttles on it, the Business Messaging list
     * says "rate limit". Confirmed by integrations, not by TikTok's Events API pages.
     */
    static final int RATE_LIMITED = 40100;
    /**
     * The rest of the 401xx family is authentication: 40101 app id/secret, 40105 access token
     * missing or incorrect (Business Messaging list), 40110 auth code (integration source). That
     * the whole family means "credentials" is UNCONFIRMED.
     */
    static final int AUTH_FAMILY_FIRST = 40101;
    static final int AUTH_FAMILY_LAST = 40199;
    /**
     * 40700: RudderStack retries it as a TikTok server error; its meaning is UNCONFIRMED. 5xxxx
     * codes are TikTok's system errors (50000, 50002 in integrators' lists: UNCONFIRMED).
     */
    static final Set<Integer> TRANSIENT_CODES = Set.of(40700);
    static final int SYSTEM_ERROR_FIRST = 50000;
    static final int SYSTEM_ERROR_LAST = 59999;
    /**
     * TikTok's use of {@code Retry-After} is UNCONFIRMED; a throttled batch without it waits at
     * least this long before the engine's own backoff takes over.
     */
    static final Duration THROTTLE_DEFAULT_DELAY = Duration.ofMinutes(1);

    /** The useful part of TikTok's envelope: {@code code}, {@code message}, {@code request_id}. */
    record Answer(int code, String message, Optional<String> requestId) {
    }

    private TiktokResponses() {
    }

    static DeliveryOutcome interpret(HttpResponseSpec response, Optional<Duration> retryAfter) {
        Optional<Answer> answer = parse(response.body());
        if (answer.isPresent()) {
            return classify(response.status(), answer.get(), retryAfter);
        }
        if (response.isSuccess()) {
            // 200 is no verdict from TikTok, and this body carries none (a proxy page, a truncated
            // answer). Retrying is safe: TikTok deduplicates on event + event_id for 48 hours.
            return new RetryLater("tiktok: HTTP " + response.status() + " without a result code", retryAfter);
        }
        return DeliveryOutcome.fromStatus("tiktok", response.status(), retryAfter);
    }

    /**
     * The retry/reject decision for an answer with a code. Order matters: success first, then
     * credential problems (whatever the status, retrying cannot help and dead-lettering would
     * lose good events), then throttling and TikTok-side failures, then the HTTP status: 5xx is
     * TikTok's trouble, any other code is the batch's. The code is read before the status
     * because TikTok sends its verdicts with HTTP 200.
     *
     * <p>Invalid parameters fall to {@link Rejected}: 40002 is "a problem with the parameters" in
     * TikTok's Business Messaging list, while platforms.md groups it with 40001 as permission
     * (from RudderStack, which aborts on both without saying why). Rejected is the safer reading:
     * a wrong guess dead-letters events that can be replayed, where Unhealthy would pause the
     * destination for every event because of one bad one.
     */
    static DeliveryOutcome classify(int status, Answer a, Optional<Duration> retryAfter) {
        if ((a.code() == OK || a.code() == PARTIAL_SUCCESS) && status >= 200 && status < 300) {
            return new Delivered(a.requestId());
        }
        String reason = "tiktok: HTTP " + status + " code " + a.code() + ": " + a.message();
        if (a.code() == NO_PERMISSION) {
            return new Unhealthy(reason + " (the access token lacks permission on the pixel)");
        }
        if (a.code() >= AUTH_FAMILY_FIRST && a.code() <= AUTH_FAMILY_LAST) {
            return new Unhealthy(reason + " (replace the access token)");
        }
        if (a.code() == RATE_LIMITED || status == 429) {
            return new RetryLater(reason, retryAfter.or(() -> Optional.of(THROTTLE_DEFAULT_DELAY)));
        }
        if (TRANSIENT_CODES.contains(a.code()) || (a.code() >= SYSTEM_ERROR_FIRST && a.code() <= SYSTEM_ERROR_LAST)
                || status >= 500 || status == 408) {
            return new RetryLater(reason, retryAfter);
        }
        if (status == 401 || status == 403) {
            return new Unhealthy(reason + " (check the destination's credentials)");
        }
        if ((status >= 200 && status < 300) || (status >= 400 && status < 500)) {
            return new Rejected(reason, Optional.of(String.valueOf(a.code())));
        }
        return new Unhealthy(reason + " (unexpected status; check the destination's base-url)");
    }

    private static Optional<Answer> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject() || !node.path("code").isIntegralNumber()
                    || !node.path("code").canConvertToInt()) {
                return Optional.empty();
            }
            JsonNode id = node.path("request_id");
            return Optional.of(new Answer(node.path("code").intValue(), scrub(node.path("message").asText("")),
                    id.isTextual() && REQUEST_ID.matcher(id.asText()).matches() ? Optional.of(id.asText()) : Optional.empty()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static final int MAX_TEXT = 160;
    /** TikTok's log id, e.g. {@code 20220829194722CBE87ED59D524E727021}; kept only in that shape. */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * Platform text goes into dead letters and logs: keep its words, drop what may be data
     * ({@link PlatformText}; until session 40 a regex here let IPv6 addresses and user agents through).
     */
    static String scrub(String text) {
        return PlatformText.truncate(PlatformText.scrub(text), MAX_TEXT);
    }
}
