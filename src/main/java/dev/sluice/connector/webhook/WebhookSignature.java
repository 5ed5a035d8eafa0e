package dev.sluice.connector.webhook;

import dev.sluice.config.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code Sluice-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, where the
 * MAC covers {@code t + "." + body} under the destination's shared secret. Signing the timestamp
 * with the body lets a receiver refuse replays older than its tolerance.
 *
 * <p>Receivers verify with {@link #verify}: recompute the MAC over the raw body bytes exactly as
 * received (before any JSON parsing), compare in constant time, and check the timestamp.
 */
public final class WebhookSignature {
    /** The header carrying the signature. */
    public static final String HEADER = "Sluice-Signature";
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code timestamp} (unix seconds). */
    public static String sign(Secret secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + HEX.formatHex(mac(secret, timestamp, body));
    }

    /**
     * Whether {@code header} is a valid signature of {@code body} made within {@code tolerance}
     * of {@code now}. Several {@code v1} entries are accepted, so a sender may sign with an old and
     * a new secret while the secret rotates. Malformed headers are simply invalid.
     */
    public static boolean verify(Secret secret, String header, byte[] body, Instant now, Duration tolerance) {
        return verifier(secret, header, now, tolerance).map(v -> v.update(body, 0, body.length).matches()).orElse(false);
    }

    /**
     * A verifier of {@code header} for a body that is read as a stream (a spend import, parsed as
     * it arrives): empty when the header is missing or malformed or its timestamp is outside
     * {@code tolerance} of {@code now}, which can be told before the body is read; else feed it
     * the body's bytes as they are read and ask {@link Verifier#matches} at the end.
     */
    public static java.util.Optional<Verifier> verifier(Secret secret, String header, Instant now, Duration tolerance) {
        if (header == null) {
            return java.util.Optional.empty();
        }
        Long timestamp = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.strip();
            if (p.startsWith("t=") && timestamp == null && p.length() > 2 && p.length() <= 14
                    && p.substring(2).chars().allMatch(Character::isDigit)) {
                timestamp = Long.parseLong(p.substring(2));
            } else if (p.startsWith("v1=") && p.length() == 3 + 64 && p.substring(3).chars().allMatch(HexFormat::isHexDigit)) {
                candidates.add(HEX.parseHex(p, 3, p.length()));
            }
        }
        if (timestamp == null || candidates.isEmpty()) {
            return java.util.Optional.empty();
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(timestamp), now).abs();
        if (skew.compareTo(tolerance) > 0) {
            return java.util.Optional.empty();
        }
        Mac mac = newMac(secret);
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        return java.util.Optional.of(new Verifier(mac, candidates));
    }

    /** The MAC of a body as it is read, against the header's candidates. */
    public static final class Verifier {
        private final Mac mac;
        private final List<byte[]> candidates;

        private Verifier(Mac mac, List<byte[]> candidates) {
            this.mac = mac;
            this.candidates = candidates;
        }

        /** Adds the body's next bytes. */
        public Verifier update(byte[] bytes, int offset, int length) {
            mac.update(bytes, offset, length);
            return this;
        }

        /** Whether the bytes added make a body one of the header's signatures is for; once only. */
        public boolean matches() {
            byte[] expected = mac.doFinal();
            boolean match = false;
            for (byte[] candidate : candidates) {
                match |= MessageDigest.isEqual(expected, candidate); // constant time; no early exit either
            }
            return match;
        }
    }

    private static byte[] mac(Secret secret, long timestamp, byte[] body) {
        Mac mac = newMac(secret);
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(body);
    }

    private static Mac newMac(Secret secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.bytes(), ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }
}
