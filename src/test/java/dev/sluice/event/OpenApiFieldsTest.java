package dev.sluice.event;

import dev.sluice.testing.OpenApiSpec;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The members docs/openapi.yaml documents are the ones the event parser reads: a member it reads
 * and the file leaves out, or the other way round, fails here (a documented member the parser does
 * not know would come back as an {@code unknown_field} warning).
 */
class OpenApiFieldsTest {
    private static final OpenApiSpec SPEC = OpenApiSpec.load();

    @Test
    void everyObjectOfAnEventDocumentsTheMembersTheParserReads() {
        assertEquals(sorted(EventReader.KNOWN), SPEC.properties("Event"));
        assertEquals(sorted(UserReader.KNOWN), SPEC.properties("User"));
        assertEquals(sorted(ClickIdReader.KNOWN), SPEC.properties("ClickIds"));
        assertEquals(sorted(CustomReader.KNOWN), SPEC.properties("Custom"));
        assertEquals(sorted(ConsentReader.KNOWN), SPEC.properties("Consent"));
        assertEquals(Set.of("events"), SPEC.properties("Batch"));
    }

    @Test
    void theDocumentedLengthsAreTheParsersLimits() {
        assertEquals(EventReader.MAX_EVENT_ID_LENGTH, SPEC.root().at("/components/schemas/Event/properties/event_id/maxLength").asInt());
        assertEquals(EventReader.MAX_URL_LENGTH, SPEC.root().at("/components/schemas/Event/properties/event_source_url/maxLength").asInt());
        assertEquals(UserReader.MAX_LENGTH, SPEC.root().at("/components/schemas/PersonalValue/maxLength").asInt());
        assertEquals(UserReader.MAX_USER_AGENT_LENGTH, SPEC.root().at("/components/schemas/User/properties/user_agent/maxLength").asInt());
        assertEquals(ClickIdReader.MAX_LENGTH, SPEC.root().at("/components/schemas/ClickId/maxLength").asInt());
        assertEquals(CustomReader.MAX_ORDER_ID_LENGTH, SPEC.root().at("/components/schemas/Custom/properties/order_id/maxLength").asInt());
        assertEquals(CustomReader.MAX_CONTENT_IDS, SPEC.root().at("/components/schemas/Custom/properties/content_ids/maxItems").asInt());
        assertEquals(CustomReader.MAX_CONTENT_ID_LENGTH, SPEC.root().at("/components/schemas/Custom/properties/content_ids/items/maxLength").asInt());
        assertEquals(CustomReader.MAX_NUM_ITEMS, SPEC.root().at("/components/schemas/Custom/properties/num_items/maximum").asInt());
        assertEquals(AttributionReader.MAX_ENTRIES, SPEC.root().at("/components/schemas/Event/properties/attribution/maxProperties").asInt());
        assertEquals(AttributionReader.MAX_VALUE_LENGTH, SPEC.root().at("/components/schemas/Event/properties/attribution/additionalProperties/maxLength").asInt());
        assertEquals(DestinationsReader.MAX_DESTINATIONS, SPEC.root().at("/components/schemas/Event/properties/destinations/maxItems").asInt());
        assertEquals(ConsentReader.MAX_TCF_LENGTH, SPEC.root().at("/components/schemas/Consent/properties/tcf/maxLength").asInt());
    }

    private static Set<String> sorted(Set<String> names) {
        return new TreeSet<>(names);
    }
}
