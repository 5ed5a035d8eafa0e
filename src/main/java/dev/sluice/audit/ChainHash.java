package dev.sluice.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
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
    private static final int HEX_LENGTH = 64;
    private static final byte[] PREFIX_BYTES = "sluice-audit-v1\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** What {@link #newDigest} copies. */
    private static final MessageDigest PROTOTYPE = lookUp();

    private ChainHash() {
    }

    /** The hash of a record whose body is {@code body} after a record whose hash is {@code previousHash}: what verifiers compute. */
    static String of(String previousHash, String body) {
        MessageDigest digest = newDigest();
        digest.update(PREFIX_BYTES);
        digest.update(previousHash.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        return HexFormat.of().formatHex(digest.digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@link #of(String, String)} as the store's single writer computes it, on bytes: the previous
     * hash as the UTF-8 bytes of its text ({@link #hexAscii} of the previous record's digest, or
     * the head's hash), the body as rendered on the request threads and closed at {@code seq}.
     * Returns the digest's 32 bytes, which {@link #hexAscii} turns into the hash's text. The parts
     * are fed one after the other: no concatenated body, no hex string and back.
     *
     * @param digest a digest the caller reuses; it is left reset
     */
    static byte[] next(MessageDigest digest, byte[] previousHash, CanonicalJson.OpenObject body, long seq) {
        digest.update(PREFIX_BYTES);
        digest.update(previousHash);
        digest.update((byte) '\n');
        body.digest(digest, seq);
        return digest.digest();
    }

    /** The lower-case hex digits of {@code raw} as ASCII bytes: a hash's text, as the chain feeds it on. */
    static byte[] hexAscii(byte[] raw) {
        byte[] out = new byte[raw.length * 2];
        for (int i = 0; i < raw.length; i++) {
            out[2 * i] = HEX_DIGITS[(raw[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX_DIGITS[raw[i] & 0xf];
        }
        return out;
    }

    /**
     * The 32 bytes a hash's text stands for when it is 64 lower-case hex digits, the form the
     * embedded store keeps (docs/audit.md, Stored form); null for any other text, which is stored
     * as the text it is.
     */
    static byte[] rawOf(String hash) {
        if (hash.length() != HEX_LENGTH) {
            return null;
        }
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return HexFormat.of().parseHex(hash);
    }

    /** A hash column as hex digits: raw bytes (the embedded store's form) formatted, text as it is. */
    static String read(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        return value instanceof byte[] raw ? HexFormat.of().formatHex(raw) : value.toString();
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A fresh SHA-256 digest: a copy of one made at start. Looking the algorithm up among the
     * providers ({@link MessageDigest#getInstance}) costs the single writer, once per commit, about
     * what hashing a record does; copying a digest that has hashed nothing is an array copy.
     */
    static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp();
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
