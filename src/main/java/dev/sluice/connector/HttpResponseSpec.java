package dev.sluice.connector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP response as the delivery engine received it, for {@link Connector#interpret}. The body
 * may echo request data, so {@link #toString()} prints only the status and the body's length.
 *
 * @param status  HTTP status code
 * @param headers response headers; names are case-insensitive
 * @param body    response body bytes (a defensive copy is kept and returned)
 */
public record HttpResponseSpec(int status, Map<String, List<String>> headers, byte[] body) {
    public HttpResponseSpec {
        TreeMap<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> sorted.merge(name, List.copyOf(values), (a, b) -> {
            List<String> merged = new ArrayList<>(a);
            merged.addAll(b);
            return List.copyOf(merged);
        }));
        headers = Collections.unmodifiableMap(sorted);
        body = body.clone();
    }

    /** A response with no headers, for tests and simple callers. */
    public static HttpResponseSpec of(int status, String body) {
        return new HttpResponseSpec(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** The first value of the named header, matching the name case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponseSpec other && status == other.status && headers.equals(other.headers)
                && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "HttpResponseSpec[status=" + status + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
    }
}
