package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies sent with {@code Content-Encoding: gzip}, as SDKs send them: decoded on every endpoint
 * that takes a body, bounded by each endpoint's limit once decoded, refused with a problem that
 * says what is wrong when the data is not gzip or the coding is another one.
 */
class ContentEncodingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    TestGateway sluice;

    @BeforeEach
    void start() {
        sluice = TestGateway.start(dir);
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    @Test
    void aGzippedBatchIsAcceptedAsItsJsonWouldBe() throws Exception {
        HttpResponse<String> res = post("/v1/events", TestGateway.ACME_KEY, "gzip",
                gzip(Events.batch(Events.purchase("gz-1"), Events.purchase("gz-2"))));

        assertEquals(202, res.statusCode(), res.body());
        assertEquals(2, JSON.readTree(res.body()).path("accepted").asInt());
        assertEquals(2, sluice.gateway().store().countEvents("acme"));
        assertEquals(202, post("/v1/events", TestGateway.ACME_KEY, "identity",
                Events.purchase("plain-1").getBytes(StandardCharsets.UTF_8)).statusCode());
        // Content codings are compared without case (RFC 9110, 8.4.1): GZIP was refused 415.
        HttpResponse<String> upper = post("/v1/events", TestGateway.ACME_KEY, "GZIP", gzip(Events.purchase("gz-upper")));
        assertEquals(202, upper.statusCode(), upper.body());
        assertEquals(202, post("/v1/events", TestGateway.ACME_KEY, "x-gzip", gzip(Events.purchase("gz-x"))).statusCode());
        assertEquals(5, sluice.gateway().store().countEvents("acme"));
    }

    /** A signed request signs its JSON, before the coding: what the gateway checks is what it parses. */
    @Test
    void aSignedGzippedBodyIsCheckedAgainstItsJson() {
        String event = Events.purchase("gz-signed");
        long now = Instant.now().getEpochSecond();
        String signature = "t=" + now + ",v1=" + HexFormat.of().formatHex(GatewayEndToEndTest.hmac(TestGateway.GLOBEX_SECRET, now + "." + event));

        HttpResponse<String> res = sluice.send(request("/v1/events", TestGateway.GLOBEX_KEY, "gzip", gzip(event))
                .header("Sluice-Signature", signature).build());

        assertEquals(202, res.statusCode(), res.body());
    }

    /**
     * About 50 KB of gzip that inflates to 50 MB of JSON (an array and its blanks): each endpoint
     * refuses it at its own limit, decoded, and the gateway goes on.
     */
    @Test
    void aBodyThatInflatesPastTheLimit_is413() throws Exception {
        byte[] json = new byte[50 * 1024 * 1024];
        Arrays.fill(json, (byte) ' ');
        byte[] start = "{\"rows\":[".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, json, 0, start.length);
        byte[] bomb = gzip(json);
        assertTrue(bomb.length < 100_000);

        HttpResponse<String> res = post("/v1/events", TestGateway.ACME_KEY, "gzip", bomb);

        assertEquals(413, res.statusCode());
        assertEquals("urn:sluice:problem:body-too-large", JSON.readTree(res.body()).path("type").asText());
        assertEquals(413, post("/v1/spend", TestGateway.ACME_KEY, "gzip", bomb).statusCode());
        assertEquals(413, post("/v1/privacy/erasure", TestGateway.ACME_ADMIN_KEY, "gzip", bomb).statusCode());
        assertEquals(202, post("/v1/events", TestGateway.ACME_KEY, "gzip", gzip(Events.purchase("after"))).statusCode());
    }

    @Test
    void dataThatIsNotGzip_orEndsInsideIt_is400BadContentEncoding() throws Exception {
        byte[] notGzip = Events.purchase("gz-bad").getBytes(StandardCharsets.UTF_8);
        for (String[] endpoint : new String[][] {{"/v1/events", TestGateway.ACME_KEY}, {"/v1/spend", TestGateway.ACME_KEY},
                {"/v1/privacy/erasure", TestGateway.ACME_ADMIN_KEY}}) {
            HttpResponse<String> res = post(endpoint[0], endpoint[1], "gzip", notGzip);
            assertEquals(400, res.statusCode(), endpoint[0]);
            assertEquals("urn:sluice:problem:bad-content-encoding", JSON.readTree(res.body()).path("type").asText(), endpoint[0]);
        }
        byte[] whole = gzip(Events.purchase("gz-cut"));
        HttpResponse<String> cut = post("/v1/events", TestGateway.ACME_KEY, "gzip", Arrays.copyOf(whole, whole.length - 10));
        assertEquals("urn:sluice:problem:bad-content-encoding", JSON.readTree(cut.body()).path("type").asText());
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void anotherCoding_is415NamingGzip() throws Exception {
        HttpResponse<String> res = post("/v1/events", TestGateway.ACME_KEY, "br", gzip(Events.purchase("br-1")));

        assertEquals(415, res.statusCode());
        assertEquals("gzip", res.headers().firstValue("Accept-Encoding").orElse(null));
        JsonNode problem = JSON.readTree(res.body());
        assertEquals("urn:sluice:problem:unsupported-content-encoding", problem.path("type").asText());
        assertEquals(0, sluice.gateway().store().countEvents("acme"));
    }

    @Test
    void otherEndpointsTakeGzippedBodiesToo() {
        String spend = "{\"rows\":[{\"date\":\"" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                + "\",\"platform\":\"meta\",\"campaign_id\":\"c1\",\"spend\":\"10.00\",\"currency\":\"EUR\"}]}";
        HttpResponse<String> imported = post("/v1/spend", TestGateway.ACME_KEY, "gzip", gzip(spend));
        assertEquals(200, imported.statusCode(), imported.body());

        HttpResponse<String> erased = post("/v1/privacy/erasure", TestGateway.ACME_ADMIN_KEY, "gzip",
                gzip("{\"email\":\"jane.doe@example.com\"}"));
        assertEquals(200, erased.statusCode(), erased.body());
    }

    private HttpResponse<String> post(String path, String key, String coding, byte[] body) {
        return sluice.send(request(path, key, coding, body).build());
    }

    private HttpRequest.Builder request(String path, String key, String coding, byte[] body) {
        return HttpRequest.newBuilder(sluice.uri(path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", coding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
