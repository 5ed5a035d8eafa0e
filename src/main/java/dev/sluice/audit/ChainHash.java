package dev.sluice.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
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

    /**
     * Binds a record's hash or previous hash as the store keeps it: on the embedded store 32 raw
     * bytes ({@code raw}; docs/audit.md, Stored form), elsewhere its 64 hex digits. A value that
     * is not 64 lower-case hex digits is bound as the text it is.
     */
    static void bind(PreparedStatement ps, int index, String hash, boolean raw) throws SQLException {
        if (raw && hash.length() == HEX_LENGTH && isLowerHex(hash)) {
            ps.setBytes(index, HexFormat.of().parseHex(hash));
        } else {
            ps.setString(index, hash);
        }
    }

    /** A hash column as hex digits: raw bytes (the embedded store's form) formatted, text as it is. */
    static String read(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        return value instanceof byte[] raw ? HexFormat.of().formatHex(raw) : value.toString();
    }

    private static boolean isLowerHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
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
