package dev.sluice.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Reads a request body into a Jackson tree in one streaming pass, enforcing the body-level rules
 * itself rather than through ObjectMapper: that way each rejection gets a precise pointer and a
 * stable code instead of an exception message that would quote the input.
 *
 * <ul>
 *   <li>Duplicate keys are caught as the tree is built ({@code ObjectNode.replace} returns the
 *       previous value), which is what {@code STRICT_DUPLICATE_DETECTION} would do, minus the
 *       message that names the key's text.</li>
 *   <li>Depth is counted here; Jackson's own nesting limit sits one level higher as a backstop.</li>
 *   <li>Floats become {@link DecimalNode}s from {@link JsonParser#getDecimalValue()} directly, so
 *       money never passes through a double and keeps its scale ({@code 129.90}). (Through
 *       ObjectMapper it would also need {@code USE_BIG_DECIMAL_FOR_FLOATS} and a node factory
 *       that does not strip trailing zeros.)</li>
 *   <li>Only UTF-8 is accepted (RFC 8259); Jackson would otherwise auto-detect UTF-16 and -32.</li>
 *   <li>The values in a body are counted ({@link ParserLimits#maxValues()}): the tree is many
 *       times the size of its JSON, most of all for small objects and arrays.</li>
 * </ul>
 */
final class JsonBodyReader {

    /** The outcome: a root object, or the body-level problem. */
    sealed interface Result {
        record Root(ObjectNode root) implements Result {
        }

        record Rejected(FieldProblem problem) implements Result {
        }
    }

    private final JsonFactory factory;
    private final ParserLimits limits;

    JsonBodyReader(ParserLimits limits) {
        this.limits = limits;
        this.factory = JsonFactory.builder()
                // Jackson's default pool keeps buffers per thread; every request runs on a new
                // virtual thread, so that pool would allocate fresh buffers for each body.
                .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedBoundedPool())
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth() + 1)
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        .build())
                .build();
    }

    Result read(byte[] body) {
        if (body.length == 0) {
            return rejected("", ProblemCode.MALFORMED_JSON, "the body is empty");
        }
        if (!looksLikeUtf8(body)) {
            return rejected("", ProblemCode.MALFORMED_JSON, "the body must be JSON encoded as UTF-8");
        }
        JsonParser parser;
        try {
            parser = factory.createParser(body);
        } catch (IOException unreadable) {
            return rejected("", ProblemCode.MALFORMED_JSON, "the body is not valid JSON");
        }
        try (parser) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return rejected("", ProblemCode.MALFORMED_JSON, "the body holds no JSON value");
            }
            if (first != JsonToken.START_OBJECT) {
                return rejected("", ProblemCode.INVALID_TYPE, "the body must be a JSON object");
            }
            ObjectNode root = (ObjectNode) value(parser, first, 1, new Budget(limits.maxValues()));
            if (parser.nextToken() != null) {
                return rejected("", ProblemCode.MALFORMED_JSON, "the body has content after the JSON object");
            }
            return new Result.Root(root);
        } catch (Rejection rejection) {
            return new Result.Rejected(rejection.problem);
        } catch (StreamConstraintsException tooLong) {
            // Jackson's own length limit, reached while it reads a string, key or number: named
            // by where the parser stood, as the other body-level problems are; a key by its
            // object (the parser still names the key before it), never by the key's own text.
            boolean key = tooLong.getMessage() != null && tooLong.getMessage().startsWith("Name");
            return rejected(key ? containerPointer(parser) : pointer(parser), ProblemCode.TOO_LONG,
                    "a string, key or number in the body is longer than allowed" + location(tooLong));
        } catch (JsonProcessingException broken) {
            return rejected("", ProblemCode.MALFORMED_JSON, "the body is not valid JSON" + location(broken));
        } catch (IOException | RuntimeException unreadable) {
            // Number conversion (e.g. an exponent beyond int range) can surface as a runtime exception.
            return rejected("", ProblemCode.MALFORMED_JSON, "the body is not valid JSON");
        }
    }

    /**
     * How many more JSON values the body may hold. The tree costs the heap far more than the
     * body's bytes ({@code [{},{},...]}: an object for every three bytes), so a body within
     * {@code max-body-bytes} could otherwise fill the heap; the count bounds it whatever the shape.
     */
    private static final class Budget {
        private int left;

        Budget(int values) {
            this.left = values;
        }
    }

    private JsonNode value(JsonParser parser, JsonToken token, int depth, Budget budget) throws IOException {
        if (token == null) {
            throw new Rejection(problem("", ProblemCode.MALFORMED_JSON, "the body ends too early"));
        }
        if (--budget.left < 0) {
            throw new Rejection(problem(pointer(parser), ProblemCode.TOO_MANY,
                    "the body holds more than " + limits.maxValues() + " JSON values (sluice.ingest.max-body-values)"));
        }
        return switch (token) {
            case START_OBJECT -> object(parser, depth, budget);
            case START_ARRAY -> array(parser, depth, budget);
            case VALUE_STRING -> {
                if (parser.getTextLength() > limits.maxStringLength()) {
                    throw tooLong(parser);
                }
                yield TextNode.valueOf(parser.getText());
            }
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> IntNode.valueOf(parser.getIntValue());
                case LONG -> LongNode.valueOf(parser.getLongValue());
                default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> DecimalNode.valueOf(decimal(parser));
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.instance;
            default -> throw new Rejection(problem("", ProblemCode.MALFORMED_JSON, "the body is not valid JSON"));
        };
    }

    /**
     * The number the parser stands on. JSON bounds no exponent, but a BigDecimal's scale is an
     * int, so {@code 1e99999999999} cannot be held and the parser throws: such a number is read
     * as the nearest one that can (scale {@code Integer.MIN_VALUE} for a huge magnitude,
     * {@code Integer.MAX_VALUE} for a tiny one, the mantissa's sign kept), which every field
     * refuses as out of range and an unknown field ignores. Before, it made the whole
     * body 400 malformed_json at the root, naming no field.
     */
    private static BigDecimal decimal(JsonParser parser) throws IOException {
        try {
            return parser.getDecimalValue();
        } catch (NumberFormatException beyondAnInt) {
            String text = parser.getText();
            int e = Math.max(text.indexOf('e'), text.indexOf('E'));
            boolean tiny = e >= 0 && e + 1 < text.length() && text.charAt(e + 1) == '-';
            BigInteger unit = text.startsWith("-") ? BigInteger.ONE.negate() : BigInteger.ONE;
            return new BigDecimal(unit, tiny ? Integer.MAX_VALUE : Integer.MIN_VALUE);
        }
    }

    private ObjectNode object(JsonParser parser, int depth, Budget budget) throws IOException {
        checkDepth(parser, depth);
        ObjectNode object = new ObjectNode(JsonNodeFactory.instance, new Members());
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            if (token != JsonToken.FIELD_NAME) {
                throw new Rejection(problem("", ProblemCode.MALFORMED_JSON, "the body is not valid JSON"));
            }
            String name = parser.currentName();
            if (name.length() > limits.maxStringLength()) {
                throw new Rejection(problem(containerPointer(parser), ProblemCode.TOO_LONG,
                        "a key exceeds " + limits.maxStringLength() + " characters"));
            }
            JsonNode value = value(parser, parser.nextToken(), depth + 1, budget);
            if (object.replace(name, value) != null) {
                throw new Rejection(FieldProblem.showable(name)
                        ? problem(pointer(parser), ProblemCode.DUPLICATE_KEY, "the key appears twice in its object")
                        : problem(containerPointer(parser), ProblemCode.DUPLICATE_KEY,
                                "a key appears twice in this object (not shown: it is not a field name)"));
            }
        }
        return object;
    }

    private ArrayNode array(JsonParser parser, int depth, Budget budget) throws IOException {
        checkDepth(parser, depth);
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            array.add(value(parser, token, depth + 1, budget));
        }
        return array;
    }

    private void checkDepth(JsonParser parser, int depth) {
        if (depth > limits.maxNestingDepth()) {
            throw new Rejection(problem(pointer(parser), ProblemCode.TOO_DEEP,
                    "objects and arrays nest deeper than " + limits.maxNestingDepth() + " levels"));
        }
    }

    private Rejection tooLong(JsonParser parser) {
        return new Rejection(problem(pointer(parser), ProblemCode.TOO_LONG,
                "a string or key exceeds " + limits.maxStringLength() + " characters"));
    }

    /** Jackson's pointer to the current location, RFC 6901-escaped. */
    private static String pointer(JsonParser parser) {
        return parser.getParsingContext().pathAsPointer().toString();
    }

    /** The pointer to the object or array the parser is in, without the member it stands on. */
    private static String containerPointer(JsonParser parser) {
        com.fasterxml.jackson.core.JsonStreamContext parent = parser.getParsingContext().getParent();
        return parent == null ? "" : parent.pathAsPointer().toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /**
     * JSON text in UTF-16 or UTF-32 has a NUL byte among its first four bytes or starts with a
     * byte order mark of FE FF / FF FE; UTF-8 JSON never has either. Invalid UTF-8 sequences later
     * on are rejected by Jackson's UTF-8 decoder.
     */
    private static boolean looksLikeUtf8(byte[] body) {
        if (body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) {
            return false;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        return true;
    }

    private static Result rejected(String pointer, ProblemCode code, String message) {
        return new Result.Rejected(problem(pointer, code, message));
    }

    private static FieldProblem problem(String pointer, ProblemCode code, String message) {
        return new FieldProblem(pointer, code.code(), message);
    }

    /** Unwinds the recursive descent on a body-level rejection; no stack trace, it is not a bug. */
    private static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient FieldProblem problem;

        Rejection(FieldProblem problem) {
            super(null, null, false, false);
            this.problem = problem;
        }
    }
}
