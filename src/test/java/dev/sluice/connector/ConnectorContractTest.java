package dev.sluice.connector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.connector.DeliveryOutcome.Delivered;
import dev.sluice.connector.DeliveryOutcome.Rejected;
import dev.sluice.connector.DeliveryOutcome.RetryLater;
import dev.sluice.connector.DeliveryOutcome.Unhealthy;
import dev.sluice.delivery.JdkTransport;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviour every connector owes the delivery engine, run against a real socket: each request is
 * prepared, sent through the JDK HTTP client to MockWebServer, and the answer interpreted, the
 * way the engine will do it. Subclass once per platform and supply its documented shapes.
 */
public abstract class ConnectorContractTest {
    /** Five minutes after the example event happened. */
    protected static final Instant NOW = Instant.parse("2025-11-28T10:20:00Z");
    protected static final InstantSource CLOCK = InstantSource.fixed(NOW);

    /** The transport the engine sends with (HTTP/1.1, answers bounded in size and time). */
    private final JdkTransport transport = new JdkTransport(Duration.ofSeconds(2));
    protected MockWebServer server;

    /** The platform's connector, pointed at {@code baseUrl}, on {@code clock}. */
    protected abstract Connector connector(URI baseUrl, InstantSource clock);

    /** The credential configured for the connector; it must never be printed. */
    protected abstract String secretValue();

    /** Asserts the request for the documented example, field by field. */
    protected abstract void assertDocumentedRequest(RecordedRequest request, JsonNode body);

    /** The platform's answer when it accepted a batch of {@code size} events. */
    protected abstract MockResponse.Builder accepted(int size);

    /** The platform's answer when one bad event made it refuse the batch. */
    protected abstract MockResponse.Builder poisonBatch();

    /** The platform's answer to a revoked or expired credential. */
    protected abstract MockResponse.Builder credentialsRevoked();

    /** The platform's throttling answer, without a Retry-After header. */
    protected abstract MockResponse.Builder throttled();

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stopServer() {
        transport.close();
        server.close();
    }

    /** Prepare, send, interpret: the engine's loop for one attempt. */
    protected DeliveryOutcome deliver(Connector connector, List<OutboxItem> batch, Duration timeout) {
        HttpRequestSpec spec = connector.prepare(batch);
        try {
            return connector.interpret(transport.send(spec, timeout), batch);
        } catch (IOException e) {
            return connector.onTransportError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    protected DeliveryOutcome deliver(List<OutboxItem> batch) {
        return deliver(connector(baseUrl(), CLOCK), batch, Duration.ofSeconds(5));
    }

    protected URI baseUrl() {
        return server.url("/").uri();
    }

    /**
     * The shared example ({@code connector/purchase-v1.json}) as outbox row {@code id}. Override
     * when the platform cannot take that example as it stands, e.g. because it needs an identifier
     * the example lacks; every test here builds its items through this method.
     */
    protected OutboxItem purchase(long id, String eventId) {
        return TestItems.purchase(id, eventId);
    }

    protected List<OutboxItem> example() {
        return List.of(purchase(1, "order-1"));
    }

    /**
     * Two events for one request, or one for a platform whose requests carry a single event
     * ({@link Connector#maxBatchSize()} 1): the batch-level tests then check the same outcomes
     * for the one request the engine would send.
     */
    protected List<OutboxItem> twoEvents() {
        List<OutboxItem> two = List.of(purchase(1, "order-1"), purchase(2, "order-2"));
        return two.subList(0, Math.min(two.size(), connector(baseUrl(), CLOCK).maxBatchSize()));
    }

    @Test
    void documentedExample_goesOutInThePlatformsShape() throws InterruptedException {
        server.enqueue(accepted(1).build());
        deliver(example());
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertDocumentedRequest(request, TestItems.json(request.getBody().toByteArray()));
    }

    @Test
    void acceptedBatch_isDelivered() {
        server.enqueue(accepted(2).build());
        assertThat(deliver(twoEvents()), instanceOf(Delivered.class));
    }

    @Test
    void batchRefusedForOneBadEvent_isRejectedAsAWhole() {
        server.enqueue(poisonBatch().build());
        assertThat(deliver(twoEvents()), instanceOf(Rejected.class));
    }

    @Test
    void revokedCredentials_makeTheDestinationUnhealthy() {
        server.enqueue(credentialsRevoked().build());
        assertThat(deliver(example()), instanceOf(Unhealthy.class));
    }

    @Test
    void bare401_makesTheDestinationUnhealthy() {
        server.enqueue(new MockResponse.Builder().code(401).body("Unauthorized").build());
        assertThat(deliver(example()), instanceOf(Unhealthy.class));
    }

    @Test
    void throttledWithRetryAfterSeconds_retriesNoSoonerThanAsked() {
        server.enqueue(throttled().setHeader("Retry-After", "120").build());
        assertEquals(Optional.of(Duration.ofSeconds(120)), retryAfter(deliver(example())));
    }

    @Test
    void throttledWithRetryAfterDate_retriesNoSoonerThanAsked() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
        server.enqueue(throttled().setHeader("Retry-After", date).build());
        assertEquals(Optional.of(Duration.ofSeconds(90)), retryAfter(deliver(example())));
    }

    @Test
    void serverError_isRetriedLater() {
        server.enqueue(new MockResponse.Builder().code(500).body("<html>oops</html>").build());
        assertThat(deliver(example()), instanceOf(RetryLater.class));
    }

    @Test
    void unreadable4xx_isRejected() {
        server.enqueue(new MockResponse.Builder().code(400).body("<html>bad request</html>").build());
        assertThat(deliver(example()), instanceOf(Rejected.class));
    }

    @Test
    void timeout_isRetriedLater() {
        server.enqueue(accepted(1).headersDelay(2, TimeUnit.SECONDS).build());
        DeliveryOutcome outcome = deliver(connector(baseUrl(), CLOCK), example(), Duration.ofMillis(200));
        assertEquals(new RetryLater("transport: HttpTimeoutException", Optional.empty()), outcome);
    }

    @Test
    void prepare_isDeterministic() {
        HttpRequestSpec first = connector(baseUrl(), CLOCK).prepare(twoEvents());
        HttpRequestSpec second = connector(baseUrl(), CLOCK).prepare(twoEvents());
        assertArrayEquals(first.body(), second.body());
        assertEquals(first, second);
    }

    @Test
    void printedRequestsAndConnectors_neverShowSecretsOrPayloads() {
        Connector connector = connector(baseUrl(), CLOCK);
        HttpRequestSpec spec = connector.prepare(example());
        String email = example().getFirst().payload().path("user").path("hashed").path("email").asText();
        for (String printed : List.of(spec.toString(), spec.redactedUri(), connector.toString(), example().toString())) {
            assertThat(printed, not(containsString(secretValue())));
            assertThat(printed, not(containsString(email)));
            assertThat(printed, not(containsString("203.0.113.7")));
        }
    }

    @Test
    void prepare_refusesEmptyAndOversizedBatches() {
        Connector connector = connector(baseUrl(), CLOCK);
        assertThrows(IllegalArgumentException.class, () -> connector.prepare(List.of()));
        List<OutboxItem> tooMany = java.util.Collections.nCopies(connector.maxBatchSize() + 1, example().getFirst());
        assertThrows(IllegalArgumentException.class, () -> connector.prepare(tooMany));
    }

    @Test
    void prepare_readsEachItemOnce_inOrder_soTheEngineMayOpenPayloadsAsTheyAreRead() {
        Connector connector = connector(baseUrl(), CLOCK);
        List<OutboxItem> items = java.util.stream.LongStream.rangeClosed(1, Math.min(3, connector.maxBatchSize()))
                .mapToObj(i -> purchase(i, "order-" + i)).toList();
        List<Integer> reads = new java.util.ArrayList<>();
        List<OutboxItem> opening = new java.util.AbstractList<>() {
            @Override
            public OutboxItem get(int index) {
                reads.add(index);
                return items.get(index);
            }

            @Override
            public int size() {
                return items.size();
            }
        };

        HttpRequestSpec spec = connector.prepare(opening);

        assertEquals(java.util.stream.IntStream.range(0, items.size()).boxed().toList(), reads);
        assertArrayEquals(connector.prepare(items).body(), spec.body());
    }

    @Test
    void fullBatch_isPreparedAndAccepted() {
        Connector connector = connector(baseUrl(), CLOCK);
        List<OutboxItem> full = java.util.stream.LongStream.rangeClosed(1, connector.maxBatchSize())
                .mapToObj(i -> purchase(i, "order-" + i)).toList();
        server.enqueue(accepted(full.size()).build());
        assertThat(deliver(connector, full, Duration.ofSeconds(10)), is(instanceOf(Delivered.class)));
    }

    private static Optional<Duration> retryAfter(DeliveryOutcome outcome) {
        assertThat(outcome, instanceOf(RetryLater.class));
        return ((RetryLater) outcome).retryAfter();
    }

    /** The member names of a JSON object, sorted. */
    protected static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Meta's user_data keys, which Pinterest and Snapchat share, for the canonical hashed fields. */
    protected static final Map<String, String> META_STYLE_HASH_KEYS = Map.ofEntries(Map.entry("em", "email"),
            Map.entry("ph", "phone"), Map.entry("fn", "first_name"), Map.entry("ln", "last_name"),
            Map.entry("db", "date_of_birth"), Map.entry("ge", "gender"), Map.entry("ct", "city"), Map.entry("st", "state"),
            Map.entry("zp", "zip"), Map.entry("country", "country"), Map.entry("external_id", "external_id"));

    /** Each hashed field of the payload arrives under its Meta-style key as a one-element list, unchanged. */
    protected static void assertMetaStyleHashLists(JsonNode userData, JsonNode hashed) {
        META_STYLE_HASH_KEYS.forEach((platformKey, sluiceKey) -> {
            JsonNode list = userData.path(platformKey);
            assertTrue(list.isArray() && list.size() == 1, platformKey + " is a one-element list");
            assertEquals(hashed.path(sluiceKey).textValue(), list.get(0).textValue(), platformKey);
        });
    }
}
