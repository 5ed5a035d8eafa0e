package dev.sluice.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The delivery benchmark's other side: a fake Meta Conversions API endpoint on loopback that
 * acknowledges every batch ({@code events_received}) and records each {@code event_id}, and an
 * ingest load generator that posts events to a running Sluice at a fixed rate. Once a second it
 * prints the events acknowledged by ingest, the events acknowledged by the fake Meta, and the
 * difference (the backlog: committed but not yet delivered); at the end a summary over the
 * steady window (after warm-up) and the drain time once ingest stops.
 *
 * <p>Run by {@code src/load/delivery-load.sh}, which starts Sluice with
 * {@code src/load/delivery-load.yaml} pointed at this receiver. By hand:
 * {@code java -cp "target/classes:target/libs/*" dev.sluice.bench.DeliveryLoad
 * <receiver-port> <sluice-port> <events-per-second> <seconds> <warm-up-seconds> <batch> [<latency-ms>
 * [<destinations>]]} (the fake Meta answers each request that many milliseconds after reading it,
 * as a platform across the internet would; 0 unless given). With several destinations (pixels,
 * {@code src/load/delivery-load-two.yaml}) each (pixel, event id) counts once, and the figures
 * per second are events delivered to every destination: deliveries divided by destinations.
 *
 * <p>Not a test: a number for {@code docs/benchmarks.md}, bounded in time, loopback only.
 */
public final class DeliveryLoad {
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");
    private static final String KEY = "slk_demo_local_only";
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
            + "x".repeat(220);

    private final Delivered delivered = new Delivered();
    private final AtomicLong receivedItems = new AtomicLong();
    private final AtomicLong receivedRequests = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong ingestFailures = new AtomicLong();
    private final long latencyMillis;
    /** Destinations every event goes to (each a Meta pixel of its own, all served here). */
    private final int destinations;

    private DeliveryLoad(long latencyMillis, int destinations) {
        this.latencyMillis = latencyMillis;
        this.destinations = destinations;
    }

    public static void main(String[] args) throws Exception {
        int receiverPort = Integer.parseInt(args[0]);
        int sluicePort = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        long latencyMillis = args.length > 6 ? Long.parseLong(args[6]) : 0;
        int destinations = args.length > 7 ? Integer.parseInt(args[7]) : 1;
        new DeliveryLoad(latencyMillis, destinations).run(receiverPort, sluicePort, rate, seconds, warmup, batch);
    }

    /** Starts only the fake Meta endpoint; the script starts it before Sluice. */
    private HttpServer receiver(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Matcher m = EVENT_ID.matcher(new String(body, StandardCharsets.UTF_8));
            int n = 0;
            while (m.find()) {
                // Per destination: each posts to its own pixel's path.
                delivered.add(exchange.getRequestURI().getPath(), m.group(1));
                n++;
            }
            receivedItems.addAndGet(n);
            receivedRequests.incrementAndGet();
            if (latencyMillis > 0) {
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] answer = ("{\"events_received\":" + n + ",\"fbtrace_id\":\"bench\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return server;
    }

    private void run(int receiverPort, int sluicePort, int rate, int seconds, int warmup, int batch) throws Exception {
        HttpServer server = receiver(receiverPort);
        System.out.println("READY receiver on 127.0.0.1:" + receiverPort);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        awaitReady(client, sluicePort);
        URI events = URI.create("http://127.0.0.1:" + sluicePort + "/v1/events");
        double requestsPerSecond = (double) rate / batch;
        long intervalNanos = (long) (1e9 / requestsPerSecond);
        Semaphore inFlight = new Semaphore(64);
        AtomicLong sequence = new AtomicLong();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<long[]> samples = new ArrayList<>(); // second, accepted, delivered
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            long next = start + 1_000_000_000L;
            long prevA = 0;
            long prevD = 0;
            System.out.println("  t   ingest/s  delivered/s   backlog");
            for (int s = 1; !Thread.currentThread().isInterrupted(); s++) {
                try {
                    sleepUntil(next);
                } catch (IllegalStateException interrupted) {
                    return;
                }
                next += 1_000_000_000L;
                long a = accepted.get();
                long d = deliveredEvents();
                synchronized (samples) {
                    samples.add(new long[]{s, a, d});
                }
                System.out.printf(Locale.ROOT, "%3d %10d %12d %9d%n", s, a - prevA, d - prevD, a - d);
                prevA = a;
                prevD = d;
            }
        });
        // Open loop: one request every interval, whether or not the previous ones have finished,
        // up to 64 in flight (beyond that the generator falls behind and says so in its rate).
        long due = start;
        while (due < end) {
            sleepUntil(due);
            due += intervalNanos;
            if (!inFlight.tryAcquire()) {
                continue;
            }
            long first = sequence.getAndAdd(batch);
            Thread.ofVirtual().start(() -> {
                try {
                    post(client, events, first, batch);
                } finally {
                    inFlight.release();
                }
            });
        }
        inFlight.acquire(64);
        long ingestEnd = System.nanoTime();
        long target = accepted.get();
        long drainDeadline = ingestEnd + Duration.ofSeconds(60).toNanos();
        while (delivered.size() < target * destinations && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }
        long drained = System.nanoTime();
        sampler.interrupt();
        summary(samples, warmup, seconds, target, (drained - ingestEnd) / 1_000_000, sluicePort, client);
        server.stop(0);
        System.exit(0);
    }

    private void post(HttpClient client, URI uri, long first, int batch) {
        StringBuilder body = new StringBuilder(batch * 1100).append("{\"events\":[");
        long now = System.currentTimeMillis() / 1000 - 60;
        for (int i = 0; i < batch; i++) {
            long n = first + i;
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"event_id\":\"load-").append(n).append("\",\"event_name\":\"Purchase\",\"event_time\":").append(now)
                    .append(",\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/checkout?step=confirm\",")
                    .append("\"user\":{\"email\":\"shopper").append(n).append("@example.com\",\"phone\":\"+1 650 555 ")
                    .append(String.format(Locale.ROOT, "%04d", n % 10000))
                    .append("\",\"first_name\":\"Jane\",\"last_name\":\"Doe\",\"city\":\"Menlo Park\",\"state\":\"CA\",")
                    .append("\"zip\":\"94025\",\"country\":\"US\",\"external_id\":\"cust-").append(n)
                    .append("\",\"client_ip\":\"203.0.113.7\",\"user_agent\":\"").append(UA)
                    .append("\",\"click_ids\":{\"fbp\":\"fb.1.1596403881668.1116446470\"}},")
                    .append("\"custom\":{\"value\":\"129.90\",\"currency\":\"EUR\",\"order_id\":\"o-").append(n)
                    .append("\",\"content_ids\":[\"sku-1\",\"sku-2\"],\"num_items\":2},")
                    .append("\"consent\":{\"ad_user_data\":\"granted\",\"ad_personalization\":\"denied\",\"gpc\":false}}");
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> res = client.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"accepted\":(\\d+)").matcher(res.body());
            if (res.statusCode() == 202 && m.find()) {
                accepted.addAndGet(Long.parseLong(m.group(1)));
            } else {
                ingestFailures.incrementAndGet();
            }
        } catch (IOException e) {
            ingestFailures.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deliveries so far divided by the destinations: events delivered, on average per destination. */
    private long deliveredEvents() {
        return delivered.size() / destinations;
    }

    private void summary(List<long[]> samples, int warmup, int seconds, long accepted, long drainMillis, int port,
                         HttpClient client) {
        long[] from;
        long[] to;
        long maxBacklog = 0;
        synchronized (samples) {
            from = samples.stream().filter(s -> s[0] == warmup).findFirst().orElse(samples.getFirst());
            to = samples.stream().filter(s -> s[0] == seconds).findFirst().orElse(samples.getLast());
            for (long[] s : samples) {
                if (s[0] > warmup && s[0] <= seconds) {
                    maxBacklog = Math.max(maxBacklog, s[1] - s[2]);
                }
            }
        }
        double window = to[0] - from[0];
        System.out.printf(Locale.ROOT, "RESULT window=%ds (after %ds warm-up) ingest=%.0f ev/s delivered=%.0f ev/s"
                        + " backlog_at_window_start=%d backlog_at_window_end=%d max_backlog=%d%n",
                (long) window, warmup, (to[1] - from[1]) / window, (to[2] - from[2]) / window, from[1] - from[2],
                to[1] - to[2], maxBacklog);
        System.out.printf(Locale.ROOT, "RESULT accepted=%d delivered_distinct=%d received_items=%d duplicates=%d"
                        + " requests_to_meta=%d ingest_failures=%d drain_after_ingest_stopped=%dms%n",
                accepted, delivered.size(), receivedItems.get(), receivedItems.get() - delivered.size(),
                receivedRequests.get(), ingestFailures.get(), drainMillis);
        System.out.printf(Locale.ROOT, "RESULT load_generator_and_fake_meta_cpu=%ds%n",
                ProcessHandle.current().info().totalCpuDuration().map(Duration::toSeconds).orElse(-1L));
        try {
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("sluice_delivery_latency_seconds_count") || line.startsWith("sluice_delivery_latency_seconds_sum")
                        || line.startsWith("sluice_delivery_latency_seconds_max")
                        || line.startsWith("sluice_delivery_batch_size_count") || line.startsWith("sluice_delivery_batch_size_sum")) {
                    System.out.println("METRIC " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitReady(HttpClient client, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("sluice not ready on port " + port);
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The distinct (pixel path, event id) pairs received. The generator's ids are {@code load-<n>},
     * kept as one bit per id and path: a set of strings held about 125 bytes per delivery, and at
     * 10,000 events/s to two pixels it filled this JVM's 512 MB heap after about three minutes,
     * when the fake endpoint slowed to a crawl in garbage collection and made Sluice's delivery
     * look as if it fell behind (docs/benchmarks.md, session 29). Other ids go to a set.
     */
    static final class Delivered {
        private final Map<String, BitSet> byPath = new ConcurrentHashMap<>();
        private final Set<String> other = ConcurrentHashMap.newKeySet();
        private final AtomicLong distinct = new AtomicLong();

        void add(String path, String eventId) {
            long n = eventId.startsWith("load-") ? parse(eventId, 5) : -1;
            if (n < 0 || n > Integer.MAX_VALUE) {
                if (other.add(path + "|" + eventId)) {
                    distinct.incrementAndGet();
                }
                return;
            }
            BitSet bits = byPath.computeIfAbsent(path, k -> new BitSet());
            synchronized (bits) {
                if (!bits.get((int) n)) {
                    bits.set((int) n);
                    distinct.incrementAndGet();
                }
            }
        }

        long size() {
            return distinct.get();
        }

        /** The decimal number from {@code from} to the end, or -1 if that is not one. */
        private static long parse(String s, int from) {
            if (from >= s.length() || s.length() - from > 12) {
                return -1;
            }
            long n = 0;
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }
    }
}
