package dev.sluice.connector;

import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * An HTTP request a {@link Connector} wants sent. It is plain data: the delivery engine owns the
 * client, timeouts and retries.
 *
 * <p>The URI and headers may carry credentials (Meta's {@code access_token} query parameter,
 * bearer tokens, signatures) and the body carries personal data. Log only {@link #toString()} or
 * {@link #redactedUri()}, which mask every query parameter and header whose name looks secret and
 * print the body's length, never its content.
 *
 * @param method  HTTP method, e.g. {@code POST}
 * @param uri     absolute http(s) URI
 * @param headers request headers; names are case-insensitive, iteration order is sorted
 * @param body    request body bytes (a defensive copy is kept and returned)
 */
public record HttpRequestSpec(String method, URI uri, Map<String, String> headers, byte[] body) {
    private static final String MASK = "***";

    public HttpRequestSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("uri must be absolute http(s) with a host");
        }
        TreeMap<String, String> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sorted.putAll(headers);
        headers = Collections.unmodifiableMap(sorted);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The URI with user info and secret-looking query parameter values masked. */
    public String redactedUri() {
        StringBuilder out = new StringBuilder().append(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            out.append(MASK).append('@');
        }
        out.append(uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1));
        out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            StringJoiner query = new StringJoiner("&", "?", "");
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                query.add(eq >= 0 && isSecretName(name) ? name + "=" + MASK : pair);
            }
            out.append(query);
        }
        return out.toString();
    }

    /**
     * Whether a header or parameter of this name is treated as a credential. Deliberately broad:
     * masking a harmless value costs nothing, printing a token costs a rotation.
     */
    static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("token") || n.contains("secret") || n.contains("key") || n.contains("signature")
                || n.contains("authorization") || n.contains("password") || n.contains("proof")
                || n.contains("cookie");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpRequestSpec other && method.equals(other.method) && uri.equals(other.uri)
                && headers.equals(other.headers) && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        StringJoiner shown = new StringJoiner(", ", "{", "}");
        headers.forEach((name, value) -> shown.add(name + "=" + (isSecretName(name) ? MASK : value)));
        return "HttpRequestSpec[" + method + " " + redactedUri() + ", headers=" + shown + ", body=" + body.length + " bytes]";
    }
}
