package dev.sluice.delivery;

import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JDK HTTP client, one per destination so that connection pools are not shared: a platform
 * that hangs on to connections cannot exhaust another's. HTTP/1.1 (what conversion APIs and
 * receivers reliably speak), redirects never followed (a conversion endpoint that redirects a
 * POST is misconfigured; the connector reads the 3xx), TLS verified by the JDK's defaults.
 *
 * <p>A response is read to at most {@link #MAX_RESPONSE_BYTES} (what a conversion API answers is
 * a few hundred bytes of JSON; connectors classify by status and read an error's first fields), and
 * the whole exchange, body included, must end within the connect timeout and the send's timeout
 * together (the lease a dispatcher takes allows for both). Before session 34 a body
 * was read whole with no time limit: a destination answering a large body (a misconfigured
 * endpoint's file download, a proxy's error page streamed without end) was read into the 64 MiB
 * heap until the gateway exited on {@code OutOfMemoryError}, and since the batch stayed due, it
 * did so again after every restart; one dripping its body a byte at a time held the dispatcher
 * forever (the client's request timeout ends when the headers arrive).
 *
 * <p>The client is built on the first send, not at startup: building one initializes the JDK's
 * TLS machinery (trust store, SSL context), which costs a noticeable share of the time to ready
 * and is not needed at all by an ingest-only replica.
 */
public final class JdkTransport implements Transport {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    /** The most of a response body that is read; the rest is not (the connection is then closed). */
    static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    private final Duration connectTimeout;
    private HttpClient client;
    private boolean closed;

    /** A transport whose connections time out after {@code connectTimeout}; the client is built on the first send. */
    public JdkTransport(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    private synchronized HttpClient client() throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return client;
    }

    @Override
    public HttpResponseSpec send(HttpRequestSpec spec, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(spec.uri())
                .timeout(timeout)
                .method(spec.method(), HttpRequest.BodyPublishers.ofByteArray(spec.body()));
        spec.headers().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                request.header(name, value);
            }
        });
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client().sendAsync(request.build(), info -> new Bounded(MAX_RESPONSE_BYTES));
        // Connecting has its own timeout; what follows it, the answer's body included, the send's.
        Duration whole = connectTimeout.plus(timeout);
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(whole.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("the response did not end within " + whole.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
        return new HttpResponseSpec(response.statusCode(), response.headers().map(), response.body());
    }

    /** Collects a response body up to {@code limit} bytes, then stops reading it. */
    private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Bounded(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), limit - body.size());
                byte[] bytes = new byte[take];
                buffer.get(bytes);
                body.writeBytes(bytes);
            }
            if (body.size() >= limit) {
                subscription.cancel();
                result.complete(body.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(body.toByteArray());
        }
    }

    @Override
    public void close() {
        HttpClient open;
        synchronized (this) {
            closed = true;
            open = client;
        }
        if (open != null) {
            open.close();
        }
    }
}
