package dev.sluice.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;

/**
 * Reading the canonical hashed event (payload v1) the same way in every connector: a text field
 * is present only when it is a non-empty string, money is a decimal never read through
 * {@code double}, and hashes are lists (v1 holds one hash per field; a later version may hold
 * several).
 */
public final class PayloadFields {
    private PayloadFields() {
    }

    /** The field's text, or null when it is absent, empty or not a string. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    /** Copies {@code from.field} to {@code out.key} when it has text. */
    public static void putText(ObjectNode out, String key, JsonNode from, String field) {
        String v = text(from, field);
        if (v != null) {
            out.put(key, v);
        }
    }

    /**
     * A money amount, from the decimal string the payload holds (or a JSON number): going through
     * double would turn 0.1 into 0.1000000000000000055.
     *
     * @throws UnmappableItemException when it is not a decimal number
     */
    public static BigDecimal decimal(OutboxItem item, JsonNode value) {
        try {
            return value.isTextual() ? new BigDecimal(value.asText()) : value.decimalValue();
        } catch (NumberFormatException e) {
            throw new UnmappableItemException(item.id(), "custom.value is not a decimal number");
        }
    }

    /** A hashed field as a list of hashes (empty when the field is absent). */
    public static ArrayNode hashes(JsonNode value) {
        ArrayNode list = RequestBodies.NODES.arrayNode();
        if (value.isTextual() && !value.asText().isEmpty()) {
            list.add(value.asText());
        } else if (value.isArray()) {
            value.forEach(v -> list.add(v.asText()));
        }
        return list;
    }
}
