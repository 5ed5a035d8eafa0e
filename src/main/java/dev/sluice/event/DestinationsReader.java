package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code destinations}, the optional subset of the tenant's destination ids an event is
 * meant for. Whether the ids exist is checked later by the pipeline, against the tenant's config.
 */
final class DestinationsReader {

    static final int MAX_DESTINATIONS = 32;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private DestinationsReader() {
    }

    static List<String> read(JsonNode node, FieldReader fields) {
        if (FieldReader.absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            fields.error("/destinations", ProblemCode.INVALID_TYPE, "must be an array of destination ids");
            return List.of();
        }
        ArrayNode array = (ArrayNode) node;
        // An empty list would read as "all destinations" downstream; omitting the field says that.
        if (array.isEmpty()) {
            fields.error("/destinations", ProblemCode.OUT_OF_RANGE,
                    "must list at least one destination; omit it to send to all");
            return List.of();
        }
        if (array.size() > MAX_DESTINATIONS) {
            fields.error("/destinations", ProblemCode.TOO_MANY, "must list at most " + MAX_DESTINATIONS + " destinations");
            return List.of();
        }
        List<String> ids = new ArrayList<>(array.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String pointer = "/destinations/" + i;
            if (!element.isTextual()) {
                fields.error(pointer, ProblemCode.INVALID_TYPE, "must be a string");
            } else if (!ID.matcher(element.textValue()).matches()) {
                fields.error(pointer, ProblemCode.INVALID_FORMAT,
                        "must be a destination id: lower-case letters, digits, _ and -, at most 64 characters");
            } else if (!seen.add(element.textValue())) {
                fields.error(pointer, ProblemCode.DUPLICATE_VALUE, "is listed twice");
            } else {
                ids.add(element.textValue());
            }
        }
        return ids;
    }
}
