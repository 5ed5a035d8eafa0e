package dev.sluice.connector;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/** What every JSON connector does to a batch around mapping its items: check its size, collect the mapped items, write the bytes. */
public final class RequestBodies {
    /** Nodes that keep decimals exact ({@code 129.90} stays {@code 129.90}). */
    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private RequestBodies() {
    }

    /** @throws IllegalArgumentException when the batch is empty or larger than {@code max} (a bug in the caller) */
    public static void requireBatchSize(List<?> batch, int max) {
        if (batch.isEmpty() || batch.size() > max) {
            throw new IllegalArgumentException("batch size must be 1.." + max + ", was " + batch.size());
        }
    }

    /**
     * Puts each item of the batch, mapped, into a new array {@code field} of {@code parent}, in batch
     * order. Each mapped item is written out as JSON text as soon as it is mapped, and the item is
     * read once: a batch of mapped trees is several times the size of its text, and the delivery
     * engine may open each item's payload only when it is read, so neither a batch of payload trees
     * nor a batch of mapped trees is ever on the heap at once (docs/benchmarks.md, Delivery,
     * session 13). The bytes are those of the mapped trees written in place.
     */
    public static void mapInto(ObjectNode parent, String field, List<OutboxItem> batch,
                               Function<OutboxItem, ? extends JsonNode> mapper) {
        ArrayNode items = parent.putArray(field);
        for (OutboxItem item : batch) {
            try {
                // Bytes first, as the body's writer would write them (it escapes characters outside
                // the Basic Multilingual Plane where a text writer would not), then kept as text.
                byte[] mapped = JSON.writeValueAsBytes(mapper.apply(item));
                items.addRawValue(new RawValue(new String(mapped, StandardCharsets.UTF_8)));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
            }
        }
    }

    /** The body's bytes; decimals written plain, never in exponent form. */
    public static byte[] bytes(JsonNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
        }
    }
}
