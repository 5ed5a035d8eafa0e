package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * An audit record as stored: its chain fields, its canonical body (what was hashed) and the
 * columns that repeat parts of the body for filtering.
 *
 * @param body canonical JSON of the record; holds no personal data
 */
public record StoredRecord(long seq, String prevHash, String hash, String body, String kind, Instant recordedAt,
                           String eventId, String destinationId, String decision, String ruleIds) {

    /** Whether the filter columns say what the body says. */
    boolean agreesWith(JsonNode parsed) {
        return kind.equals(parsed.path("kind").asText())
                && recordedAt.toEpochMilli() == parsed.path("time").asLong(Long.MIN_VALUE)
                && Objects.equals(eventId, text(parsed, "event_id"))
                && Objects.equals(destinationId, "decision".equals(kind) ? text(parsed, "destination_id") : null)
                && Objects.equals(decision, text(parsed, "decision"))
                && Objects.equals(ruleIds, parsed.has("rule_ids") ? ruleColumn(parsed.get("rule_ids")) : null);
    }

    private static String text(JsonNode parsed, String field) {
        JsonNode n = parsed.get(field);
        return n == null || !n.isTextual() ? null : n.asText();
    }

    private static String ruleColumn(JsonNode ids) {
        java.util.List<String> list = new java.util.ArrayList<>();
        ids.forEach(n -> list.add(n.asText()));
        return ChainAppender.ruleColumn(list);
    }
}
