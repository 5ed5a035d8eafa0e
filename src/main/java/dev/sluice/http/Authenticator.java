package dev.sluice.http;

import dev.sluice.config.TenantConfig;
import dev.sluice.connector.webhook.WebhookSignature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Identifies the tenant behind a request and checks optional request signatures.
 *
 * <p>API keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * configured hash without an early exit, so timing reveals nothing about which key nearly matched.
 *
 * <p>Signed requests carry {@code Sluice-Signature: t=<unix seconds>,v1=<hex>}, where the value is
 * HMAC-SHA256 over {@code t + "." + body} with the tenant's signing secret; {@code t} must lie
 * within the tenant's tolerance of now, which bounds how long a captured request can be replayed.
 * It is the same scheme Sluice's webhook destinations sign with ({@link WebhookSignature}), so a
 * merchant needs one implementation for both directions.
 */
final class Authenticator {
    static final String SIGNATURE_HEADER = WebhookSignature.HEADER;
    /** Cloned for each key presented ({@link #sha256}). */
    private static final MessageDigest SHA256 = newSha256();

    private final List<TenantConfig> tenants;
    private final InstantSource clock;

    Authenticator(Collection<TenantConfig> tenants, InstantSource clock) {
        this.tenants = List.copyOf(tenants);
        this.clock = clock;
    }

    /**
     * The request's one {@code Authorization} header; empty when there is none or more than one.
     * RFC 9110 allows the field once: of two (one a client's, one a proxy's, or a key and a
     * guess), the first opened the tenant and the other was ignored, so that which credential
     * counted depended on the order of the lines; such a request is now answered 401.
     */
    static Optional<String> authorization(io.helidon.http.Headers headers) {
        if (!headers.contains(io.helidon.http.HeaderNames.AUTHORIZATION)) {
            return Optional.empty();
        }
        io.helidon.http.Header header = headers.get(io.helidon.http.HeaderNames.AUTHORIZATION);
        return header.valueCount() == 1 ? Optional.of(header.get()) : Optional.empty();
    }

    /** The tenant whose ingest API key is in the {@code Authorization: Bearer} header, if any. */
    Optional<TenantConfig> tenantFor(Optional<String> authorization) {
        return match(authorization, TenantConfig::apiKeyHashes);
    }

    /**
     * The tenant whose admin key is in the {@code Authorization: Bearer} header, if any. Admin
     * keys open the admin, audit, privacy and report endpoints; ingest keys never do, so a leaked
     * ingest key (it sits in the merchant backend) cannot read audit records or replay events.
     */
    Optional<TenantConfig> adminTenantFor(Optional<String> authorization) {
        return match(authorization, TenantConfig::adminKeyHashes);
    }

    private Optional<TenantConfig> match(Optional<String> authorization, Function<TenantConfig, List<byte[]>> keys) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String key = authorization.get().substring(7).strip();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(key.getBytes(StandardCharsets.UTF_8));
        TenantConfig match = null;
        for (TenantConfig tenant : tenants) {
            for (byte[] hash : keys.apply(tenant)) {
                if (MessageDigest.isEqual(hash, presented)) {
                    match = tenant;
                }
            }
        }
        return Optional.ofNullable(match);
    }

    /** The request header carrying a signature. */
    static final io.helidon.http.HeaderName SIGNATURE = io.helidon.http.HeaderNames.create(SIGNATURE_HEADER);

    /**
     * For a tenant with a signing secret, the verifier of the request's signature header, to be
     * fed the body as it is read; empty when the header is missing, malformed or out of the
     * tolerance window, which is refused before the body is read ({@link #badSignature}).
     */
    Optional<WebhookSignature.Verifier> signatureVerifier(TenantConfig tenant, Optional<String> header) {
        return header.flatMap(h -> WebhookSignature.verifier(tenant.signingSecret().orElseThrow(), h, clock.instant(),
                tenant.signatureTolerance()));
    }

    /** The answer to a request of a signing tenant without a valid signature: 401 {@code bad-signature}. */
    static void badSignature(io.helidon.webserver.http.ServerResponse res) {
        Responses.problem(res, Problem.of(401, "bad-signature", "Unauthorized",
                "this tenant requires a valid '" + SIGNATURE_HEADER
                        + ": t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>' header within the tolerance window"));
    }

    /** Whether the request satisfies the tenant's signing requirement (always true without a secret). */
    boolean signatureValid(TenantConfig tenant, Optional<String> header, byte[] body) {
        if (tenant.signingSecret().isEmpty()) {
            return true;
        }
        return header.isPresent() && WebhookSignature.verify(tenant.signingSecret().get(), header.get(), body,
                clock.instant(), tenant.signatureTolerance());
    }

    /**
     * A clone of one prototype per call: {@code MessageDigest.getInstance} looks the provider up
     * every time, which was the request thread's busiest JCA frame under single-event load.
     */
    static byte[] sha256(byte[] bytes) {
        try {
            return ((MessageDigest) SHA256.clone()).digest(bytes);
        } catch (CloneNotSupportedException e) {
            return newSha256().digest(bytes);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
