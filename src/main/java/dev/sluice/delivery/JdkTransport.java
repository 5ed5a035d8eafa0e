package dev.sluice.delivery;

import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * The JDK HTTP client, one per destination so that connection pools are not shared: a platform
 * that hangs on to connections cannot exhaust another's. HTTP/1.1 (what conversion APIs and
 * receivers reliably speak), redirects never followed (a conversion endpoint that redirects a
 * POST is misconfigured; the connector reads the 3xx), TLS verified by the JDK's defaults.
 *
 * <p>The client is built on the first send, not at startup: building one initializes the JDK's
 * TLS machinery (trust store, SSL context), which costs a noticeable share of the time to ready
 * and is not needed at all by an ingest-only replica.
 */
final class JdkTransport implements Transport {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    private final Duration connectTimeout;
    private HttpClient client;
    private boolean closed;

    JdkTransport(Duration connectTimeout) {
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
        HttpResponse<byte[]> response = client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new HttpResponseSpec(response.statusCode(), response.headers().map(), response.body());
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
