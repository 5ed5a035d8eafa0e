package dev.sluice.connector;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.UncheckedIOException;
import java.util.List;

/** What every JSON connector does to a batch before and after mapping it: check its size, write its bytes. */
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

    /** The body's bytes; decimals written plain, never in exponent form. */
    public static byte[] bytes(JsonNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
        }
    }
}
