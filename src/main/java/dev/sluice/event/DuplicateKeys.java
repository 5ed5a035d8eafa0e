package dev.sluice.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;

import java.util.Optional;

/**
 * The problem for a member given twice in one object, from the failure of a Jackson parser with
 * {@code STRICT_DUPLICATE_DETECTION} on: the request bodies other than events' (which has its own
 * reader, {@link JsonBodyReader}), where Jackson's default kept the last of the two without a
 * word ({@code {"email": a, "email": b}} erased b alone). Pointed at the member, or at its object
 * when the key is not {@linkplain FieldProblem#showable a field name}.
 */
public final class DuplicateKeys {
    /** The start of Jackson's message for a duplicate (it quotes the key, which is never echoed from it). */
    private static final String JACKSON_MESSAGE = "Duplicate field '";

    private DuplicateKeys() {
    }

    /** The problem when {@code e} is a duplicate member; empty for any other failure. */
    public static Optional<FieldProblem> problem(JsonProcessingException e) {
        if (!(e instanceof StreamReadException read) || !String.valueOf(e.getOriginalMessage()).startsWith(JACKSON_MESSAGE)
                || !(read.getProcessor() instanceof JsonParser parser)) {
            return Optional.empty();
        }
        JsonStreamContext object = parser.getParsingContext();
        String name = object.getCurrentName();
        if (name == null) {
            return Optional.empty();
        }
        String container = object.getParent() == null ? "" : object.getParent().pathAsPointer().toString();
        return Optional.of(FieldProblem.showable(name)
                ? new FieldProblem(FieldProblem.member(container, name), "duplicate_key", "the key appears twice in its object")
                : new FieldProblem(container, "duplicate_key", "a key appears twice in this object (not shown: it is not a field name)"));
    }
}
