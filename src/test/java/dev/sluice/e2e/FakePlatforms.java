package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * One MockWebServer standing in for Meta ({@code .../events}, body {@code {"data":[...]}}) and for
 * a webhook receiver ({@code /hook}, body {@code {"events":[...]}}), recording per destination the
 * event ids it acknowledged with a 200 and how many requests it answered otherwise. It can be
 * taken down (503 to everything), slowed, and told to reject at Meta every batch that holds a
 * poison event id, as Meta does: the whole batch, without saying which event.
 */
final class FakePlatforms implements AutoCloseable {
    static final String META = "meta";
    static final String HOOK = "hook";
    private static final ObjectMapper JSON = new ObjectMapper();

    final MockWebServer server = new MockWebServer();
    final AtomicBoolean down = new AtomicBoolean();
    volatile String poisonId = "";
    volatile long delayMillis;
    /** Per destination: event id → times acknowledged with 200. */
    final Map<String, Map<String, AtomicInteger>> accepted = Map.of(META, new ConcurrentHashMap<>(), HOOK, new ConcurrentHashMap<>());
    /** Per destination: requests answered 200, and answered with an error. */
    final Map<String, AtomicInteger> ok = Map.of(META, new AtomicInteger(), HOOK, new AtomicInteger());
    final Map<String, AtomicInteger> failed = Map.of(META, new AtomicInteger(), HOOK, new AtomicInteger());
    /** Items that arrived without an event id (the platform could not deduplicate them). */
    final AtomicInteger withoutEventId = new AtomicInteger();

    FakePlatforms() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                return answer(request);
            }
        });
        server.start();
    }

    /** Meta's {@code base-url} setting. */
    String metaBase() {
        String url = server.url("/").toString();
        return url.substring(0, url.length() - 1);
    }

    /** The webhook's {@code url} setting. */
    String hookUrl() {
        return server.url("/hook").toString();
    }

    Map<String, AtomicInteger> accepted(String destination) {
        return accepted.get(destination);
    }

    int requests(String destination) {
        return ok.get(destination).get() + failed.get(destination).get();
    }

    private MockResponse answer(RecordedRequest request) throws InterruptedException {
        String destination = request.getUrl().encodedPath().equals("/hook") ? HOOK : META;
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        if (down.get()) {
            failed.get(destination).incrementAndGet();
            return json(503, "{}");
        }
        JsonNode items;
        try {
            items = JSON.readTree(request.getBody().toByteArray()).path(destination.equals(META) ? "data" : "events");
        } catch (IOException e) {
            failed.get(destination).incrementAndGet();
            return json(400, "{}");
        }
        for (JsonNode item : items) {
            if (destination.equals(META) && item.path("event_id").asText().equals(poisonId)) {
                failed.get(destination).incrementAndGet();
                return json(400, "{\"error\":{\"message\":\"Invalid parameter\",\"type\":\"OAuthException\",\"code\":100,"
                        + "\"error_subcode\":2804003,\"fbtrace_id\":\"x\"}}");
            }
        }
        for (JsonNode item : items) {
            String id = item.path("event_id").asText("");
            if (id.isEmpty()) {
                withoutEventId.incrementAndGet();
            }
            accepted.get(destination).computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
        ok.get(destination).incrementAndGet();
        return json(200, destination.equals(META) ? "{\"events_received\":" + items.size() + ",\"fbtrace_id\":\"x\"}" : "{}");
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    @Override
    public void close() {
        server.close();
    }
}
