package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        if (!kind.equals(parsed.path("kind").asText())
                || recordedAt.toEpochMilli() != parsed.path("time").asLong(Long.MIN_VALUE)
                || !Objects.equals(eventId, text(parsed, "event_id"))) {
            return false;
        }
        if ("decision".equals(kind) && !DecisionColumns.legacy(parsed)) {
            List<DecisionColumns.Element> elements = DecisionColumns.elements(parsed);
            return Objects.equals(destinationId, DecisionColumns.destinations(elements))
                    && Objects.equals(decision, DecisionColumns.decisions(elements))
                    && Objects.equals(ruleIds, DecisionColumns.rules(elements));
        }
        return Objects.equals(destinationId, "decision".equals(kind) ? text(parsed, "destination_id") : null)
                && Objects.equals(decision, text(parsed, "decision"))
                && Objects.equals(ruleIds, parsed.has("rule_ids") ? legacyRules(parsed.get("rule_ids")) : null);
    }

    private static String text(JsonNode parsed, String field) {
        JsonNode n = parsed.get(field);
        return n == null || !n.isTextual() ? null : n.asText();
    }

    private static String legacyRules(JsonNode ids) {
        List<String> list = new ArrayList<>();
        ids.forEach(n -> list.add(n.asText()));
        return DecisionColumns.legacyRules(list);
    }
}
