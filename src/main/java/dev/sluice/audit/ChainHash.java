package dev.sluice.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The chain's hash function: {@code hash(n) = hex(SHA-256(UTF-8("sluice-audit-v1\n" + hash(n-1)
 * + "\n" + body(n))))}, with {@link #GENESIS} before a tenant's first record and {@code body} the
 * record's {@link CanonicalJson}. The prefix keeps these hashes from ever colliding with a hash
 * of the same bytes made for another purpose.
 */
final class ChainHash {
    /** The previous hash of a tenant's first record: 64 zeros. */
    static final String GENESIS = "0".repeat(64);
    private static final byte[] PREFIX_BYTES = "sluice-audit-v1\n".getBytes(StandardCharsets.UTF_8);

    private ChainHash() {
    }

    /**
     * The parts are fed to the digest one after the other rather than concatenated first: the
     * store's single writer hashes every record, and the concatenation was a copy of each body.
     */
    static String of(String previousHash, String body) {
        return of(newDigest(), previousHash, body);
    }

    /** {@link #of(String, String)} on a digest the caller reuses (it is left reset). */
    static String of(MessageDigest digest, String previousHash, String body) {
        digest.update(PREFIX_BYTES);
        digest.update(previousHash.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        return HexFormat.of().formatHex(digest.digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
