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
    private static final String PREFIX = "sluice-audit-v1\n";

    private ChainHash() {
    }

    static String of(String previousHash, String body) {
        return sha256(PREFIX + previousHash + "\n" + body);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
