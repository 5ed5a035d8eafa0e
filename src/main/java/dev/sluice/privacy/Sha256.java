package dev.sluice.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 as raw bytes or lowercase hex, for one event at a time. A session clones the JDK digest (whose
 * compression function is a HotSpot intrinsic) once instead of looking the algorithm up per
 * value, and hashes each distinct string once: most platforms share the same email and name.
 * Not thread-safe; one session per {@code hash} call.
 */
final class Sha256 {
    /** SHA-256 of the empty string: must never leave Sluice (platforms.md §10). */
    static final String EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final MessageDigest PROTOTYPE = prototype();
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest digest = newDigest();
    /**
     * The strings hashed so far and their digests, searched in order: an event has a dozen or so
     * distinct values, for which a scan of {@code String.equals} (a length check first) costs
     * less than a {@code HashMap}'s table, nodes and resizing, which were 4 % of the request
     * threads' CPU under the batch load (docs/benchmarks.md, session 27).
     */
    private String[] memoKeys = new String[16];
    private byte[][] memoDigests = new byte[16][];
    private int memoSize;

    /** Lowercase hex SHA-256 of the UTF-8 bytes of a non-empty string. */
    String hex(String normalized) {
        return HEX.formatHex(digest(normalized));
    }

    /**
     * The 32 bytes of SHA-256 of the UTF-8 bytes of a non-empty string: shared with every later
     * call for an equal string, so callers must not modify them.
     */
    byte[] digest(String normalized) {
        if (normalized.isEmpty()) {
            // Parsing guarantees non-empty values; reaching this is a bug, not bad input.
            throw new IllegalStateException("refusing to hash an empty string");
        }
        String[] keys = memoKeys;
        for (int i = 0; i < memoSize; i++) {
            if (normalized.equals(keys[i])) {
                return memoDigests[i];
            }
        }
        byte[] computed = digest.digest(normalized.getBytes(StandardCharsets.UTF_8));
        if (memoSize == keys.length) {
            memoKeys = Arrays.copyOf(keys, memoSize * 2);
            memoDigests = Arrays.copyOf(memoDigests, memoSize * 2);
        }
        memoKeys[memoSize] = normalized;
        memoDigests[memoSize++] = computed;
        return computed;
    }

    /** Lowercase hex of a digest. */
    static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    /** A one-off hash, for tests and tools. */
    static String of(String normalized) {
        return new Sha256().hex(normalized);
    }

    private static MessageDigest newDigest() {
        try {
            // Cloning only reads the untouched prototype, so concurrent clones are safe.
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return prototype();
        }
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }
}
