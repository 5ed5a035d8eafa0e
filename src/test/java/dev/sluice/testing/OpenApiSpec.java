package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code docs/openapi.yaml}, read for tests: its component schemas as JSON Schema 2020-12 (what
 * OpenAPI 3.1 uses), the schema of each documented answer, its request examples and its lists.
 */
public final class OpenApiSpec {
    private static final String COMPONENTS = "#/components/schemas/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final ObjectNode definitions;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private OpenApiSpec(JsonNode root) {
        this.root = root;
        // OpenAPI's references point into components; a standalone schema keeps them in $defs.
        this.definitions = (ObjectNode) rewriteReferences(root.at("/components/schemas").deepCopy());
    }

    /** Reads the file from the repository (tests run in the project directory). */
    public static OpenApiSpec load() {
        try {
            return new OpenApiSpec(new YAMLMapper().readTree(Path.of("docs/openapi.yaml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** The problems {@code instance} has against the component schema {@code name}; empty when valid. */
    public List<String> problems(String name, JsonNode instance) {
        return problemsAgainst(JSON.createObjectNode().put("$ref", COMPONENTS + name), instance);
    }

    /** The problems {@code instance} has against a schema of the document, e.g. an answer's. */
    public List<String> problemsAgainst(JsonNode schemaInDocument, JsonNode instance) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.set("$defs", definitions);
        rewriteReferences(schemaInDocument.deepCopy()).properties().forEach(e -> schema.set(e.getKey(), e.getValue()));
        Schema compiled = registry.getSchema(schema.toString());
        List<String> problems = new ArrayList<>();
        for (Error error : compiled.validate(instance)) {
            problems.add(error.toString());
        }
        return problems;
    }

    /** The request body schema of an operation, e.g. {@code ("/v1/events", "post")}. */
    public JsonNode requestSchema(String path, String method) {
        return operation(path, method).at("/requestBody/content/application~1json/schema");
    }

    /** The request body examples of an operation, by name. */
    public Map<String, JsonNode> requestExamples(String path, String method) {
        Map<String, JsonNode> examples = new java.util.LinkedHashMap<>();
        operation(path, method).at("/requestBody/content/application~1json/examples")
                .properties().forEach(e -> examples.put(e.getKey(), e.getValue().get("value")));
        return examples;
    }

    /** The statuses an operation documents. */
    public Set<Integer> statuses(String path, String method) {
        Set<Integer> statuses = new TreeSet<>();
        operation(path, method).get("responses").fieldNames().forEachRemaining(s -> statuses.add(Integer.parseInt(s)));
        return statuses;
    }

    /** The media types an answer documents, e.g. {@code application/problem+json}. */
    public List<String> mediaTypes(String path, String method, int status) {
        List<String> types = new ArrayList<>();
        answer(path, method, status).path("content").fieldNames().forEachRemaining(types::add);
        if (types.isEmpty()) {
            throw new AssertionError(method + " " + path + " " + status + " documents no content");
        }
        return types;
    }

    /** The body schema of an answer in one of its media types. */
    public JsonNode answerSchema(String path, String method, int status, String mediaType) {
        return answer(path, method, status).path("content").path(mediaType).get("schema");
    }

    /** The headers an answer documents, by name: OpenAPI header objects ({@code required}, {@code schema}). */
    public Map<String, JsonNode> answerHeaders(String path, String method, int status) {
        Map<String, JsonNode> headers = new java.util.LinkedHashMap<>();
        answer(path, method, status).path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue()));
        return headers;
    }

    /** The values of an enum in a component schema, e.g. {@code ("ProblemCode", "")}. */
    public Set<String> enumValues(String name, String pointer) {
        Set<String> values = new TreeSet<>();
        root.at("/components/schemas/" + name + pointer + "/enum").forEach(v -> {
            if (!v.isNull()) {
                values.add(v.asText());
            }
        });
        if (values.isEmpty()) {
            throw new AssertionError("no enum at " + name + pointer);
        }
        return values;
    }

    /** The property names a component schema lists. */
    public Set<String> properties(String name) {
        Set<String> names = new TreeSet<>();
        root.at("/components/schemas/" + name + "/properties").fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            throw new AssertionError("no properties in " + name);
        }
        return names;
    }

    private JsonNode operation(String path, String method) {
        JsonNode operation = root.path("paths").path(path).path(method);
        if (operation.isMissingNode()) {
            throw new AssertionError("docs/openapi.yaml has no " + method + " " + path);
        }
        return operation;
    }

    private JsonNode answer(String path, String method, int status) {
        JsonNode answer = operation(path, method).path("responses").path(Integer.toString(status));
        if (answer.isMissingNode()) {
            throw new AssertionError("docs/openapi.yaml documents no " + status + " for " + method + " " + path);
        }
        return answer;
    }

    private static JsonNode rewriteReferences(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual() && e.getValue().asText().startsWith(COMPONENTS)) {
                    e.setValue(TextNode.valueOf("#/$defs/" + e.getValue().asText().substring(COMPONENTS.length())));
                } else {
                    rewriteReferences(e.getValue());
                }
            });
        } else if (node.isArray()) {
            node.forEach(OpenApiSpec::rewriteReferences);
        }
        return node;
    }
}
