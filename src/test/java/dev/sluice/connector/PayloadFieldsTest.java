package dev.sluice.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PayloadFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void textIsPresentOnlyAsANonEmptyString() throws Exception {
        JsonNode node = JSON.readTree("{\"a\":\"x\",\"b\":\"\",\"c\":1,\"d\":null}");
        assertEquals("x", PayloadFields.text(node, "a"));
        for (String field : List.of("b", "c", "d", "missing")) {
            assertNull(PayloadFields.text(node, field), field);
        }
        var out = RequestBodies.NODES.objectNode();
        PayloadFields.putText(out, "A", node, "a");
        PayloadFields.putText(out, "B", node, "b");
        assertEquals("{\"A\":\"x\"}", new String(RequestBodies.bytes(out)));
    }

    @Test
    void moneyStaysTheDecimalItWasAndIsWrittenPlain() throws Exception {
        JsonNode node = JSON.readTree("{\"a\":\"0.1\",\"b\":\"129.90\",\"c\":\"1E+3\",\"d\":\"abc\"}");
        assertEquals(new BigDecimal("0.1"), PayloadFields.decimal(item(), node.path("a")));
        var out = RequestBodies.NODES.objectNode();
        out.put("b", PayloadFields.decimal(item(), node.path("b")));
        out.put("c", PayloadFields.decimal(item(), node.path("c")));
        assertEquals("{\"b\":129.90,\"c\":1000}", new String(RequestBodies.bytes(out)));
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> PayloadFields.decimal(item(), node.path("d")));
        assertEquals("custom.value is not a decimal number", e.reason());
    }

    @Test
    void hashesAreListsWhateverTheyWereStoredAs() throws Exception {
        JsonNode node = JSON.readTree("{\"one\":\"h1\",\"many\":[\"h1\",\"h2\"],\"empty\":\"\"}");
        assertEquals("[\"h1\"]", PayloadFields.hashes(node.path("one")).toString());
        assertEquals("[\"h1\",\"h2\"]", PayloadFields.hashes(node.path("many")).toString());
        assertEquals("[]", PayloadFields.hashes(node.path("empty")).toString());
        assertEquals("[]", PayloadFields.hashes(node.path("missing")).toString());
    }

    @Test
    void batchSizeIsOneToMax() {
        RequestBodies.requireBatchSize(List.of(1), 1);
        assertThrows(IllegalArgumentException.class, () -> RequestBodies.requireBatchSize(List.of(), 5));
        assertThrows(IllegalArgumentException.class, () -> RequestBodies.requireBatchSize(List.of(1, 2), 1));
    }

    private static OutboxItem item() {
        return TestItems.purchase(1, "e-1");
    }
}
