package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code attribution}: free-form string hints such as {@code utm_source} or
 * {@code campaign_id}. Keys are the merchant's own, so none is unknown; a {@code null} value is
 * dropped like an absent one.
 */
final class AttributionReader {

    static final int MAX_ENTRIES = 32;
    static final int MAX_VALUE_LENGTH = 256;

    private AttributionReader() {
    }

    static Map<String, String> read(JsonNode node, FieldReader fields) {
        Optional<ObjectNode> object = fields.object(node, "/attribution");
        if (object.isEmpty()) {
            return Map.of();
        }
        if (object.get().size() > MAX_ENTRIES) {
            fields.error("/attribution", ProblemCode.TOO_MANY, "must have at most " + MAX_ENTRIES + " entries");
            return Map.of();
        }
        Map<String, String> attribution = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : object.get().properties()) {
            String pointer = FieldReader.member("/attribution", entry.getKey());
            fields.string(entry.getValue(), pointer, MAX_VALUE_LENGTH)
                    .ifPresent(value -> attribution.put(entry.getKey(), value));
        }
        return attribution;
    }
}
