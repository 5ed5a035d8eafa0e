package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code user}. Personal fields are only checked for type and length here: normalizing
 * and judging their format is the privacy stage's job, per destination. Blank strings count as
 * absent, since merchants' templates often render missing values as {@code ""}.
 */
final class UserReader {

    static final int MAX_LENGTH = 256;
    static final int MAX_USER_AGENT_LENGTH = 1024;

    static final Set<String> KNOWN = Set.of(
            "email", "phone", "first_name", "last_name", "date_of_birth", "gender", "city", "state", "zip",
            "country", "external_id", "client_ip", "user_agent", "click_ids");

    private UserReader() {
    }

    static UserData read(JsonNode node, FieldReader fields) {
        Optional<ObjectNode> object = fields.object(node, "/user");
        if (object.isEmpty()) {
            return UserData.empty();
        }
        ObjectNode user = object.get();
        fields.warnUnknownKeys(user, KNOWN, "/user");
        return new UserData(
                personal(user, "email", "/user/email", fields),
                phone(user.get("phone"), fields),
                personal(user, "first_name", "/user/first_name", fields),
                personal(user, "last_name", "/user/last_name", fields),
                personal(user, "date_of_birth", "/user/date_of_birth", fields),
                personal(user, "gender", "/user/gender", fields),
                personal(user, "city", "/user/city", fields),
                personal(user, "state", "/user/state", fields),
                personal(user, "zip", "/user/zip", fields),
                personal(user, "country", "/user/country", fields),
                externalId(user, fields),
                clientIp(user.get("client_ip"), fields),
                nonBlank(fields.string(user.get("user_agent"), "/user/user_agent", MAX_USER_AGENT_LENGTH)),
                ClickIdReader.read(user.get("click_ids"), fields));
    }

    private static Optional<String> personal(ObjectNode user, String key, String pointer, FieldReader fields) {
        return nonBlank(fields.string(user.get(key), pointer, MAX_LENGTH));
    }

    /**
     * The merchant's own id for the shopper, hashed as given (case kept). Held to the rules of an
     * event id: no control characters, bidirectional controls or line separators, which would be
     * hashed into a digest no platform matches (until session 43 an id of a lone U+200E was);
     * nothing but invisible characters is blank, and left out.
     */
    private static Optional<String> externalId(ObjectNode user, FieldReader fields) {
        Optional<String> id = personal(user, "external_id", "/user/external_id", fields);
        if (id.isEmpty() || FieldReader.isCleanToken(id.get())) {
            return id;
        }
        if (FieldReader.isInvisible(id.get())) {
            return Optional.empty();
        }
        fields.error("/user/external_id", ProblemCode.INVALID_FORMAT, "must contain no control characters");
        return Optional.empty();
    }

    /** A phone may also be sent as a JSON integer; its digits are then the value. */
    private static Optional<String> phone(JsonNode node, FieldReader fields) {
        if (node != null && node.isIntegralNumber()) {
            if (node.bigIntegerValue().signum() < 0) {
                fields.error("/user/phone", ProblemCode.INVALID_TYPE, "must be a string or a non-negative integer");
                return Optional.empty();
            }
            String digits = node.bigIntegerValue().toString();
            if (digits.length() > MAX_LENGTH) {
                fields.error("/user/phone", ProblemCode.TOO_LONG, "must be at most " + MAX_LENGTH + " characters");
                return Optional.empty();
            }
            return Optional.of(digits);
        }
        if (node != null && node.isNumber()) {
            fields.error("/user/phone", ProblemCode.INVALID_TYPE, "must be a string or a non-negative integer");
            return Optional.empty();
        }
        return nonBlank(fields.string(node, "/user/phone", MAX_LENGTH));
    }

    private static Optional<String> clientIp(JsonNode node, FieldReader fields) {
        Optional<String> ip = nonBlank(fields.string(node, "/user/client_ip", MAX_LENGTH));
        if (ip.isPresent() && !IpLiteral.isValid(ip.get())) {
            fields.error("/user/client_ip", ProblemCode.INVALID_FORMAT, "must be an IPv4 or IPv6 address literal");
            return Optional.empty();
        }
        return ip;
    }

    private static Optional<String> nonBlank(Optional<String> text) {
        return text.filter(value -> !value.isBlank());
    }
}
