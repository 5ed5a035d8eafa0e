package dev.sluice.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Delivery reads a claimed payload's event time alone before it reads the payload whole
 * ({@link PayloadFormat#eventTime}): the same time {@link PayloadFormat#readVersion1} would give,
 * for both versions, wherever the members stand.
 */
class PayloadEventTimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OptionalLong time(String payload) throws Exception {
        return PayloadFormat.eventTime(JSON, payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theEventTimeOfEitherVersionWhereverItStands() throws Exception {
        assertEquals(OptionalLong.of(1_795_000_000L), time("{\"v\":2,\"i\":\"a\",\"t\":1795000000,\"u\":{\"t\":5}}"));
        assertEquals(OptionalLong.of(1_795_000_000L), time("{\"u\":{\"t\":5},\"t\":1795000000,\"v\":2}"));
        assertEquals(OptionalLong.of(1_795_000_000L), time("{\"v\":1,\"event_time\":1795000000,\"t\":7}"));
        assertEquals(OptionalLong.of(1_795_000_000L), time("{\"event_id\":\"a\",\"event_time\":1795000000}"));
        // Whatever readVersion1 makes of it, its event_time is the same.
        String v2 = "{\"v\":2,\"i\":\"a\",\"n\":\"Purchase\",\"t\":1795000000}";
        assertEquals(PayloadFormat.readVersion1(JSON, v2.getBytes(StandardCharsets.UTF_8)).get("event_time").asLong(),
                time(v2).getAsLong());
    }

    @Test
    void noTimeWhenItIsMissingNestedOrNotAnInteger() throws Exception {
        assertEquals(OptionalLong.empty(), time("{\"v\":2,\"i\":\"a\",\"u\":{\"t\":5}}"));
        assertEquals(OptionalLong.empty(), time("{\"v\":2,\"event_time\":1795000000}"));
        assertEquals(OptionalLong.empty(), time("{\"v\":1,\"t\":1795000000}"));
        assertEquals(OptionalLong.empty(), time("{\"v\":2,\"t\":\"1795000000\"}"));
        assertEquals(OptionalLong.empty(), time("{\"v\":2,\"t\":1795000000.5}"));
        assertEquals(OptionalLong.empty(), time("{\"v\":2,\"t\":123456789012345678901234567890}"));
        assertEquals(OptionalLong.empty(), time("[1795000000]"));
    }
}
