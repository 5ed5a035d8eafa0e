package dev.sluice.connector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The mapper the connectors read platform answers with. An answer is at most 1 MiB (the
 * transport's bound), but a tree costs the heap many times its JSON: 1 MiB of {@code [{},{},...]}
 * retained 23 MiB, a third of the shipped heap, and a destination answers every batch. The
 * mapper therefore refuses an answer of more than {@link #MAX_TOKENS} tokens (about 6.6 MiB of
 * tree at worst) or nested deeper than {@link #MAX_DEPTH}; the connectors treat a refused answer
 * as one they cannot read, by its status alone. The largest real answers, LinkedIn's per-element
 * results for a batch of 5,000, are about ten tokens an element.
 */
public final class AnswerJson {
    /** Most JSON tokens an answer may have. */
    public static final long MAX_TOKENS = 200_000;
    /** Deepest nesting an answer may have. */
    public static final int MAX_DEPTH = 64;

    /** Shared and thread-safe, as ObjectMapper is once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxTokenCount(MAX_TOKENS)
                    .maxNestingDepth(MAX_DEPTH)
                    .build())
            .build());

    private AnswerJson() {
    }
}
