package dev.sluice.privacy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One event's rendered and hashed values are kept only for the (field, shape) pairs a platform
 * table or the subject keys use; any other pair is still answered, from scratch, with the same
 * digest.
 */
class RenderedValuesTest {

    @Test
    void everyPairGetsTheDigestOfItsRenderingKeptOrNot() {
        Canonical[] parsed = new Canonical[PiiField.values().length];
        parsed[PiiField.EMAIL.ordinal()] = FieldParser.parse(PiiField.EMAIL, "Jane.Doe+x@GMail.com", "US", java.time.LocalDate.of(2026, 11, 28));
        parsed[PiiField.FIRST_NAME.ordinal()] = FieldParser.parse(PiiField.FIRST_NAME, "Zoë-Anne", "US", java.time.LocalDate.of(2026, 11, 28));
        parsed[PiiField.STATE.ordinal()] = FieldParser.parse(PiiField.STATE, "California", "US", java.time.LocalDate.of(2026, 11, 28));
        RenderedValues values = new RenderedValues(parsed);
        int checked = 0;
        for (PiiField field : new PiiField[] {PiiField.EMAIL, PiiField.FIRST_NAME, PiiField.STATE}) {
            for (Form form : Form.values()) {
                String rendering;
                try {
                    rendering = parsed[field.ordinal()].render(form);
                } catch (RuntimeException notThisFieldsShape) {
                    continue;
                }
                String digest = values.hash(field, form);
                assertEquals(Sha256.of(rendering), digest, field + " " + form);
                assertEquals(digest, values.hash(field, form), "asked again: " + field + " " + form);
                assertEquals(rendering, values.plain(field, form));
                checked++;
            }
        }
        assertTrue(checked >= 8, "pairs checked: " + checked);
        assertNull(values.hash(PiiField.PHONE, Form.PHONE_E164));
    }

    @Test
    void aKeptDigestIsComputedOnceAndOnlyUsedPairsHaveSlots() {
        Canonical[] parsed = new Canonical[PiiField.values().length];
        parsed[PiiField.EMAIL.ordinal()] = FieldParser.parse(PiiField.EMAIL, "jane@example.com", "US", java.time.LocalDate.of(2026, 11, 28));
        RenderedValues values = new RenderedValues(parsed);
        assertSame(values.hash(PiiField.EMAIL, Form.EMAIL_LOWER), values.hash(PiiField.EMAIL, Form.EMAIL_LOWER));
        int used = 0;
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (HashingProfile profile : HashingProfile.values()) {
            for (ProfileRules.Rule rule : ProfileRules.of(profile)) {
                pairs.add(rule.field() + "/" + rule.form());
            }
        }
        for (PiiField field : SubjectDigests.FIELDS) {
            for (Form form : SubjectDigests.forms(field)) {
                pairs.add(field + "/" + form);
            }
        }
        used = pairs.size();
        assertEquals(used, RenderedValues.slotCount());
        assertTrue(used < PiiField.values().length * Form.values().length / 3, "slots: " + used);
    }
}
