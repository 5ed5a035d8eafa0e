package dev.sluice.http;

import dev.sluice.config.TenantConfig;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Identifies the tenant behind a request and checks optional request signatures.
 *
 * <p>API keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * configured hash without an early exit, so timing reveals nothing about which key nearly matched.
 *
 * <p>Signed requests carry {@code Sluice-Signature: t=<unix seconds>,v1=<hex>}, where the value is
 * HMAC-SHA256 over {@code t + "." + body} with the tenant's signing secret; {@code t} must lie
 * within the tenant's tolerance of now, which bounds how long a captured request can be replayed.
 */
final class Authenticator {
    static final String SIGNATURE_HEADER = "Sluice-Signature";

    private final List<TenantConfig> tenants;
    private final InstantSource clock;

    Authenticator(Collection<TenantConfig> tenants, InstantSource clock) {
        this.tenants = List.copyOf(tenants);
        this.clock = clock;
    }

    /** The tenant whose API key is in the {@code Authorization: Bearer} header, if any. */
    Optional<TenantConfig> tenantFor(Optional<String> authorization) {
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
            for (byte[] hash : tenant.apiKeyHashes()) {
                if (MessageDigest.isEqual(hash, presented)) {
                    match = tenant;
                }
            }
        }
        return Optional.ofNullable(match);
    }

    /** Whether the request satisfies the tenant's signing requirement (always true without a secret). */
    boolean signatureValid(TenantConfig tenant, Optional<String> header, byte[] body) {
        if (tenant.signingSecret().isEmpty()) {
            return true;
        }
        if (header.isEmpty()) {
            return false;
        }
        String timestamp = null;
        String signature = null;
        for (String part : header.get().split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                timestamp = p.substring(2);
            } else if (p.startsWith("v1=")) {
                signature = p.substring(3);
            }
        }
        if (timestamp == null || signature == null || timestamp.length() > 12 || !timestamp.chars().allMatch(Character::isDigit)) {
            return false;
        }
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
        long skew = Math.abs(clock.instant().getEpochSecond() - signedAt.getEpochSecond());
        if (skew > tenant.signatureTolerance().toSeconds()) {
            return false;
        }
        byte[] expected = sign(tenant.signingSecret().get().bytes(), timestamp, body);
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, presented);
    }

    /** HMAC-SHA256 over {@code timestamp + "." + body}: what a client computes to sign a request. */
    static byte[] sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
