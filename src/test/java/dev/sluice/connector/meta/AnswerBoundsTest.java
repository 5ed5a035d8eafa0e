package dev.sluice.connector.meta;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.AnswerJson;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.HttpResponseSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Platform answers are read with a bounded mapper: 1 MiB of {@code [{},{},...]} (what the
 * transport lets through) parses to a tree of 23 MiB, a third of the shipped heap.
 */
class AnswerBoundsTest {

    private static String emptyObjects(int n) {
        return "[" + "{},".repeat(n - 1) + "{}]";
    }

    @Test
    void anAnswerOfMoreTokensThanTheBoundIsRefusedAndTheLargestRealOnesAreRead() throws Exception {
        // n empty objects in an array are 2n + 2 tokens.
        int most = (int) (AnswerJson.MAX_TOKENS - 2) / 2;
        assertEquals(most, AnswerJson.MAPPER.readTree(emptyObjects(most)).size());
        assertThrows(StreamConstraintsException.class, () -> AnswerJson.MAPPER.readTree(emptyObjects(most + 1)));
        // LinkedIn answers a batch of 5,000 with a result per element.
        StringBuilder elements = new StringBuilder("{\"elements\":[");
        for (int i = 0; i < 5000; i++) {
            elements.append(i == 0 ? "" : ",").append("{\"status\":400,\"code\":\"INVALID\",\"message\":\"/elements/")
                    .append(i).append("/user: bad\"}");
        }
        JsonNode read = AnswerJson.MAPPER.readTree(elements.append("]}").toString());
        assertEquals(5000, read.path("elements").size());
        assertThrows(StreamConstraintsException.class,
                () -> AnswerJson.MAPPER.readTree("[".repeat(AnswerJson.MAX_DEPTH + 1) + "]".repeat(AnswerJson.MAX_DEPTH + 1)));
    }

    @Test
    void aMetaAnswerTooLargeToReadIsJudgedByItsStatusAlone() {
        String error = "{\"error\":{\"message\":\"Invalid OAuth access token\",\"type\":\"OAuthException\",\"code\":190}";
        // Readable: the token error is recognized (the destination is unhealthy; its events wait).
        DeliveryOutcome small = GraphResponses.interpret(answer(400, error + "}"), 10, Optional.empty());
        assertInstanceOf(DeliveryOutcome.Unhealthy.class, small, small.toString());
        // The same error beside a tree bomb: not read, so what any unreadable 400 gets.
        DeliveryOutcome bomb = GraphResponses.interpret(answer(400, error + ",\"x\":" + emptyObjects(340_000) + "}"),
                10, Optional.empty());
        assertEquals(DeliveryOutcome.fromStatus("meta", 400, Optional.empty()), bomb);
    }

    private static HttpResponseSpec answer(int status, String body) {
        return new HttpResponseSpec(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }
}
