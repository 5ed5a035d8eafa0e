package dev.sluice.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

final class RequestBodiesTest {

    /** What mapInto's output must equal: the mapped trees put into the array and written with the body. */
    private static String asTrees(List<OutboxItem> batch) {
        ObjectNode root = RequestBodies.NODES.objectNode();
        batch.forEach(item -> root.withArray("data").add(mapped(item)));
        root.put("after", true);
        return new String(RequestBodies.bytes(root), StandardCharsets.UTF_8);
    }

    private static ObjectNode mapped(OutboxItem item) {
        ObjectNode event = RequestBodies.NODES.objectNode();
        event.put("event_id", item.eventId());
        event.put("value", new BigDecimal("129.90"));
        event.put("tiny", new BigDecimal("1E-7"));
        event.put("city", "Zürich \"Altstadt\" \u2603 \ud83d\ude00");
        event.putArray("ids").add(1).add("two").addNull();
        event.putObject("nested").put("empty", "");
        return event;
    }

    @Test
    void mappedItems_areWrittenAsTheTreesWouldBe_byteForByte() {
        List<OutboxItem> batch = List.of(TestItems.purchase(1, "order-1"), TestItems.purchase(2, "order-2"));
        ObjectNode root = RequestBodies.NODES.objectNode();

        RequestBodies.mapInto(root, "data", batch, RequestBodiesTest::mapped);
        root.put("after", true);

        String written = new String(RequestBodies.bytes(root), StandardCharsets.UTF_8);
        assertEquals(asTrees(batch), written);
        assertEquals(2, written.split("\"value\":129.90,", -1).length - 1);
        assertEquals(true, written.contains("\"tiny\":0.00000010") || written.contains("\"tiny\":0.0000001"));
    }
}
