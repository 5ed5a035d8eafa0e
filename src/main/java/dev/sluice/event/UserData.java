package dev.sluice.event;

import java.util.Map;
import java.util.Optional;

/**
 * Raw identifiers of the person behind an event, exactly as the merchant sent them (trimmed of
 * nothing). Personal data: never stored, logged or rendered; {@link #toString()} says only which
 * fields are present.
 *
 * <p>Empty strings are treated as absent by the parser, so every present value is non-blank.
 * Click ids are kept in key order.
 */
public record UserData(Optional<String> email,
                       Optional<String> phone,
                       Optional<String> firstName,
                       Optional<String> lastName,
                       Optional<String> dateOfBirth,
                       Optional<String> gender,
                       Optional<String> city,
                       Optional<String> state,
                       Optional<String> zip,
                       Optional<String> country,
                       Optional<String> externalId,
                       Optional<String> clientIp,
                       Optional<String> userAgent,
                       Map<String, String> clickIds) {

    public UserData {
        clickIds = SortedStrings.copyOf(clickIds);
    }

    /** A user with no identifiers at all. */
    public static UserData empty() {
        return new UserData(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    @Override
    public String toString() {
        return "UserData[redacted, clickIds=" + clickIds.keySet() + "]";
    }
}
