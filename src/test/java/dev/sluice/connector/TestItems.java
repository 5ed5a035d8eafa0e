package dev.sluice.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PersonalData;
import dev.sluice.privacy.PiiField;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Outbox items built from {@code connector/purchase-v1.json}, the canonical hashed example. */
public final class TestItems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestItems() {
    }

    /** A fresh copy of the example payload. */
    public static ObjectNode purchasePayload() {
        return payload("/connector/purchase-v1.json");
    }

    /** A fresh copy of a payload kept as a test resource, e.g. {@code /connector/ga4-purchase-v1.json}. */
    public static ObjectNode payload(String resource) {
        try (InputStream in = TestItems.class.getResourceAsStream(resource)) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The design handbook's example shopper as ingest reads her, before hashing: the platform
     * examples under {@code /connector/} hold her hashes for each profile, and each connector's
     * tests check them against the real hasher.
     */
    public static HashedIdentity designExampleIdentity(HashingProfile profile) {
        Map<PiiField, String> user = new EnumMap<>(PiiField.class);
        user.put(PiiField.EMAIL, "Jane.Doe@Example.com");
        user.put(PiiField.PHONE, "+1 (650) 555-1212");
        user.put(PiiField.FIRST_NAME, "Jane");
        user.put(PiiField.LAST_NAME, "Doe");
        user.put(PiiField.DATE_OF_BIRTH, "1990-04-01");
        user.put(PiiField.GENDER, "f");
        user.put(PiiField.CITY, "Menlo Park");
        user.put(PiiField.STATE, "CA");
        user.put(PiiField.ZIP, "94025");
        user.put(PiiField.COUNTRY, "US");
        user.put(PiiField.EXTERNAL_ID, "cust-42");
        return IdentityHasher.create().hash(new PersonalData(user, "US"), Set.of(profile)).identities().get(profile);
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
