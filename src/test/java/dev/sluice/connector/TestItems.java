package dev.sluice.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.Consumer;

/** Outbox items built from {@code connector/purchase-v1.json}, the canonical hashed example. */
public final class TestItems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestItems() {
    }

    /** A fresh copy of the example payload. */
    public static ObjectNode purchasePayload() {
        try (InputStream in = TestItems.class.getResourceAsStream("/connector/purchase-v1.json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example as outbox row {@code id}, with event id {@code eventId}. */
    public static OutboxItem purchase(long id, String eventId) {
        return purchase(id, eventId, payload -> { });
    }

    /** The example as outbox row {@code id}, with the payload changed by {@code edit}. */
    public static OutboxItem purchase(long id, String eventId, Consumer<ObjectNode> edit) {
        ObjectNode payload = purchasePayload();
        payload.put("event_id", eventId);
        edit.accept(payload);
        return item(id, payload);
    }

    /** An item whose id, name and time are read from the payload itself. */
    public static OutboxItem item(long id, JsonNode payload) {
        return new OutboxItem(id, payload.path("event_id").asText(), payload.path("event_name").asText(),
                Instant.ofEpochSecond(payload.path("event_time").asLong()), payload);
    }

    /** Parses JSON bytes, failing the test on bad JSON. */
    public static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError("not JSON", e);
        }
    }
}
