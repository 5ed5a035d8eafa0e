package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code consent}. Only the shape is checked; what the signals mean for each destination is
 * decided by the consent stage. Flags are matched exactly ({@code "granted"}, {@code "denied"}):
 * guessing at a consent signal is worse than rejecting it.
 */
final class ConsentReader {

    static final int MAX_TCF_LENGTH = 4096;

    static final Set<String> KNOWN = Set.of(
            "ad_storage", "ad_user_data", "ad_personalization", "analytics_storage", "tcf", "gpc", "us_privacy",
            "opt_out", "jurisdiction");
    // A TC string is base64url segments joined by dots.
    private static final Pattern TCF = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern US_PRIVACY = Pattern.compile("1[YNyn-]{3}");
    // ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: "DE", "US-CA".
    private static final Pattern JURISDICTION = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");

    private ConsentReader() {
    }

    static ConsentSignals read(JsonNode node, FieldReader fields) {
        Optional<ObjectNode> object = fields.object(node, "/consent");
        if (object.isEmpty()) {
            return ConsentSignals.none();
        }
        ObjectNode consent = object.get();
        fields.warnUnknownKeys(consent, KNOWN, "/consent");
        return new ConsentSignals(
                flag(consent.get("ad_storage"), "/consent/ad_storage", fields),
                flag(consent.get("ad_user_data"), "/consent/ad_user_data", fields),
                flag(consent.get("ad_personalization"), "/consent/ad_personalization", fields),
                flag(consent.get("analytics_storage"), "/consent/analytics_storage", fields),
                matching(consent.get("tcf"), "/consent/tcf", MAX_TCF_LENGTH, TCF,
                        "must be an IAB TC string (base64url segments separated by dots)", fields),
                fields.bool(consent.get("gpc"), "/consent/gpc"),
                matching(consent.get("us_privacy"), "/consent/us_privacy", Integer.MAX_VALUE, US_PRIVACY,
                        "must be an IAB US Privacy string such as 1YNN", fields),
                fields.bool(consent.get("opt_out"), "/consent/opt_out"),
                matching(consent.get("jurisdiction"), "/consent/jurisdiction", 16, JURISDICTION,
                        "must be an ISO 3166 code such as DE or US-CA", fields));
    }

    private static Optional<ConsentSignals.Flag> flag(JsonNode node, String pointer, FieldReader fields) {
        Optional<String> text = fields.string(node, pointer, Integer.MAX_VALUE);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return switch (text.get()) {
            case "granted" -> Optional.of(ConsentSignals.Flag.GRANTED);
            case "denied" -> Optional.of(ConsentSignals.Flag.DENIED);
            default -> {
                fields.error(pointer, ProblemCode.UNKNOWN_VALUE, "must be \"granted\" or \"denied\"");
                yield Optional.empty();
            }
        };
    }

    private static Optional<String> matching(JsonNode node, String pointer, int maxLength, Pattern pattern,
                                             String expectation, FieldReader fields) {
        Optional<String> text = fields.string(node, pointer, maxLength);
        if (text.isPresent() && !pattern.matcher(text.get()).matches()) {
            fields.error(pointer, ProblemCode.INVALID_FORMAT, expectation);
            return Optional.empty();
        }
        return text;
    }
}
