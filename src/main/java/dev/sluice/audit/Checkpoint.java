package dev.sluice.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A signed statement that a tenant's chain had {@code hash} at {@code seq} at {@code signedAt}.
 * The signature is Ed25519 over the UTF-8 bytes of {@code "sluice-audit-checkpoint-v1\n"}
 * followed by the canonical JSON of {@code {"hash","seq","signed_at" (epoch ms),"tenant"}}.
 *
 * @param keyId     the signing key's id ({@link AuditKey#keyId()})
 * @param signature base64 (RFC 4648, padded) of the 64-byte signature
 */
public record Checkpoint(String tenantId, long seq, String hash, Instant signedAt, String keyId, String signature) {

    /** The exact bytes that are signed. */
    public byte[] message() {
        return message(tenantId, seq, hash, signedAt);
    }

    static byte[] message(String tenantId, long seq, String hash, Instant signedAt) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("tenant", tenantId);
        fields.put("seq", seq);
        fields.put("hash", hash);
        fields.put("signed_at", signedAt.toEpochMilli());
        return ("sluice-audit-checkpoint-v1\n" + CanonicalJson.write(fields)).getBytes(StandardCharsets.UTF_8);
    }
}
