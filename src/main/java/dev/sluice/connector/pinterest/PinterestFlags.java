package dev.sluice.connector.pinterest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The consent decision's flags for one event, read from the payload's {@code platform_flags},
 * which the consent policy writes in Pinterest's own field names (shipped policy:
 * {@code {custom_data: {opt_out_type: LDP}}} for a LIMITED decision).
 *
 * <p>A flag this connector does not know makes the item unmappable instead of being dropped: the
 * policy asked for it, and sending the event without it would send more than the decision allows.
 *
 * @param optOut     the per-event {@code opt_out}
 * @param optOutType {@code custom_data.opt_out_type}: flags such as {@code LDP}, comma-separated
 *                   as Pinterest takes several
 */
record PinterestFlags(Optional<Boolean> optOut, Optional<String> optOutType) {
    static final PinterestFlags NONE = new PinterestFlags(Optional.empty(), Optional.empty());

    private static final String OPT_OUT = "opt_out";
    private static final String CUSTOM_DATA = "custom_data";
    private static final String OPT_OUT_TYPE = "opt_out_type";
    /** One {@code opt_out_type} flag, e.g. {@code LDP}; Pinterest documents LDP, older examples CPRA and GPC. */
    private static final Pattern OPT_OUT_TOKEN = Pattern.compile("[A-Za-z0-9_]{1,32}");

    static PinterestFlags read(OutboxItem item, JsonNode flags) {
        if (flags.isMissingNode() || flags.isNull()) {
            return NONE;
        }
        if (!flags.isObject()) {
            throw new UnmappableItemException(item.id(), "platform_flags is not an object");
        }
        Optional<Boolean> optOut = Optional.empty();
        Optional<String> optOutType = Optional.empty();
        for (Map.Entry<String, JsonNode> flag : flags.properties()) {
            switch (flag.getKey()) {
                case OPT_OUT -> {
                    if (!flag.getValue().isBoolean()) {
                        throw new UnmappableItemException(item.id(), "platform_flags.opt_out is not a boolean");
                    }
                    optOut = Optional.of(flag.getValue().booleanValue());
                }
                case CUSTOM_DATA -> optOutType = optOutType(item, flag.getValue());
                default -> throw unknown(item, flag.getKey());
            }
        }
        return new PinterestFlags(optOut, optOutType);
    }

    private static Optional<String> optOutType(OutboxItem item, JsonNode customData) {
        if (!customData.isObject()) {
            throw new UnmappableItemException(item.id(), "platform_flags.custom_data is not an object");
        }
        for (Map.Entry<String, JsonNode> field : customData.properties()) {
            if (!field.getKey().equals(OPT_OUT_TYPE)) {
                throw unknown(item, CUSTOM_DATA + "." + field.getKey());
            }
        }
        JsonNode type = customData.path(OPT_OUT_TYPE);
        if (type.isMissingNode() || type.isNull()) {
            return Optional.empty();
        }
        List<JsonNode> tokens = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(tokens::add);
        } else {
            tokens.add(type);
        }
        StringJoiner joined = new StringJoiner(",");
        for (JsonNode token : tokens) {
            if (!token.isTextual() || !OPT_OUT_TOKEN.matcher(token.asText()).matches()) {
                throw new UnmappableItemException(item.id(),
                        "platform_flags.custom_data.opt_out_type must be flag names such as LDP");
            }
            joined.add(token.asText());
        }
        return joined.length() == 0 ? Optional.empty() : Optional.of(joined.toString());
    }

    private static UnmappableItemException unknown(OutboxItem item, String name) {
        return new UnmappableItemException(item.id(), "platform_flags." + name
                + " is not a flag the Pinterest connector can send; sending without it would ignore the consent policy");
    }
}
