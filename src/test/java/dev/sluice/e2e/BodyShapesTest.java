package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 5 (design.md) for the JSON bodies beside ingest: every member of a valid dead-letter
 * replay, erasure and spend import body (and of a spend row), and the body itself, replaced by a
 * value of every JSON shape. Each answer is below 500, and a 4xx is an RFC 9457 problem with its
 * status. Until session 38 an {@code "ids"} object in a replay was answered 500 (a
 * random-mutation run against the running gateway found it).
 */
class BodyShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One value of every JSON shape, and a few that are easily mistaken for others. */
    private static final List<String> SHAPES = List.of("null", "true", "0", "-1", "1.5", "1e400", "\"\"", "\"x\"",
            "[]", "[null]", "[1]", "[\"a\"]", "[[]]", "[{}]", "{}", "{\"a\":1}", "{\"id\":1}", "[".repeat(40) + "]".repeat(40));

    @TempDir
    Path dir;
    TestGateway sluice;

    @BeforeEach
    void start() {
        sluice = TestGateway.start(dir, InstantSource.system(), Map.of("sluice.tenants.0.rate-limit-per-second", "100000"));
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    @Test
    void everyMemberOfEveryShapeGetsAnAnswerBelow500() throws Exception {
        List<String> failures = new ArrayList<>();
        int sent = 0;
        Map<String, String[]> endpoints = Map.of(
                "/v1/admin/dead-letters/replay", new String[] {TestGateway.ACME_ADMIN_KEY,
                        "{\"ids\":[1,2],\"destination\":\"meta\",\"reason\":\"x\"}"},
                "/v1/privacy/erasure", new String[] {TestGateway.ACME_ADMIN_KEY,
                        "{\"email\":\"jane@example.com\",\"phone\":\"+16505551212\",\"external_id\":\"c1\",\"country\":\"US\"}"},
                "/v1/spend", new String[] {TestGateway.ACME_KEY,
                        "{\"rows\":[{\"date\":\"2026-11-01\",\"platform\":\"meta\",\"campaign_id\":\"c1\",\"campaign_name\":\"C\","
                                + "\"spend\":\"12.50\",\"currency\":\"EUR\",\"clicks\":10,\"impressions\":100}]}"});
        for (Map.Entry<String, String[]> endpoint : endpoints.entrySet()) {
            String path = endpoint.getKey();
            String key = endpoint.getValue()[0];
            ObjectNode valid = (ObjectNode) JSON.readTree(endpoint.getValue()[1]);
            List<String> bodies = new ArrayList<>(SHAPES);
            for (String shape : SHAPES) {
                for (Iterator<String> names = valid.fieldNames(); names.hasNext(); ) {
                    bodies.add(withMember(valid, names.next(), shape));
                }
                if (valid.has("rows")) {
                    for (Iterator<String> names = valid.get("rows").get(0).fieldNames(); names.hasNext(); ) {
                        ObjectNode row = (ObjectNode) valid.get("rows").get(0);
                        bodies.add("{\"rows\":[" + withMember(row, names.next(), shape) + "]}");
                    }
                }
            }
            for (String body : bodies) {
                HttpResponse<String> res = sluice.send(HttpRequest.newBuilder(sluice.uri(path))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
                sent++;
                int status = res.statusCode();
                if (status >= 500) {
                    failures.add(path + " " + status + " for " + body);
                } else if (status >= 400) {
                    boolean problem = res.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
                    JsonNode parsed = problem ? JSON.readTree(res.body()) : null;
                    if (parsed == null || parsed.path("status").asInt() != status) {
                        failures.add(path + " " + status + " without a problem body for " + body);
                    }
                }
            }
        }
        assertTrue(sent > 300, "a few hundred bodies: " + sent);
        assertTrue(failures.isEmpty(), failures.size() + " of " + sent + ":\n" + String.join("\n", failures));
        assertEquals(200, sluice.get("/health/live").statusCode());
    }

    /** {@code object} as JSON text with member {@code name} set to the JSON text {@code shape}. */
    private static String withMember(ObjectNode object, String name, String shape) {
        ObjectNode copy = object.deepCopy();
        copy.putNull(name);
        return copy.toString().replace("\"" + name + "\":null", "\"" + name + "\":" + shape);
    }
}
