package dev.sluice.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The data keys (32 bytes each, by id) from which every tenant's encryption keys and pepper are
 * derived with HKDF-SHA256: info {@code "sluice/aes/" + tenantId} for AES-256-GCM keys (one per
 * data key, so payloads sealed before a rotation still open) and {@code "sluice/pepper/" +
 * tenantId} for the HMAC pepper of customer keys.
 *
 * <p>New payloads are sealed under the active key. The pepper comes from the pepper key, by
 * default the active one: changing it changes every customer key (and so breaks CLV continuity),
 * so when rotating the active key keep the pepper on the old key with
 * {@link #of(Map, String, String)}.
 *
 * <p>{@link #toString()} names key ids only. Thread-safe.
 */
public final class DataKeyring {
    static final int KEY_LENGTH = 32;

    private final Map<String, byte[]> keys;
    private final String activeKeyId;
    private final String pepperKeyId;
    private final Map<String, TenantCrypto> tenants = new ConcurrentHashMap<>();

    private DataKeyring(Map<String, byte[]> keys, String activeKeyId, String pepperKeyId) {
        this.keys = keys;
        this.activeKeyId = activeKeyId;
        this.pepperKeyId = pepperKeyId;
    }

    /** A keyring whose active key also provides the pepper. */
    public static DataKeyring of(Map<String, byte[]> keysById, String activeKeyId) {
        return of(keysById, activeKeyId, activeKeyId);
    }

    /**
     * A keyring sealing under {@code activeKeyId} and peppering customer keys with
     * {@code pepperKeyId}. Key ids are 1..255 printable ASCII characters; keys are 32 bytes.
     *
     * @throws IllegalArgumentException naming the offending key id, never the key
     */
    public static DataKeyring of(Map<String, byte[]> keysById, String activeKeyId, String pepperKeyId) {
        Objects.requireNonNull(keysById, "keysById");
        Map<String, byte[]> copy = new LinkedHashMap<>();
        keysById.forEach((id, key) -> {
            checkKeyId(id);
            if (key == null || key.length != KEY_LENGTH) {
                throw new IllegalArgumentException("data key '" + id + "' must be " + KEY_LENGTH + " bytes");
            }
            copy.put(id, key.clone());
        });
        for (String id : new String[] {activeKeyId, pepperKeyId}) {
            if (id == null || !copy.containsKey(id)) {
                throw new IllegalArgumentException("key id '" + id + "' is not in the keyring");
            }
        }
        return new DataKeyring(Map.copyOf(copy), activeKeyId, pepperKeyId);
    }

    /**
     * Reads a 32-byte key written as 64 hex characters or as base64 (standard or URL-safe).
     *
     * @throws IllegalArgumentException that does not echo the input
     */
    public static byte[] parseKey(String base64OrHex) {
        String text = base64OrHex == null ? "" : base64OrHex.strip();
        byte[] key = null;
        if (FieldParser.isSha256Hex(text)) { // 64 hex characters; base64 of 32 bytes has 44
            key = HexFormat.of().parseHex(text);
        } else {
            try {
                key = (text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                        .decode(text);
            } catch (IllegalArgumentException notBase64) {
                // Dropped on purpose: its message quotes a character of the key.
            }
        }
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a data key must be " + KEY_LENGTH
                    + " bytes written as 64 hex characters or base64");
        }
        return key;
    }

    /** The tenant's crypto, derived once and cached. */
    public TenantCrypto forTenant(String tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return tenants.computeIfAbsent(tenantId, this::derive);
    }

    /** The id new payloads are sealed under. */
    public String activeKeyId() {
        return activeKeyId;
    }

    private TenantCrypto derive(String tenantId) {
        Map<String, byte[]> aesKeys = new LinkedHashMap<>();
        keys.forEach((id, key) -> aesKeys.put(id, hkdf(key, "sluice/aes/" + tenantId)));
        byte[] pepper = hkdf(keys.get(pepperKeyId), "sluice/pepper/" + tenantId);
        TenantCrypto crypto = new TenantCrypto(tenantId, aesKeys, activeKeyId, pepper);
        // The key specs hold their own copies; do not leave derived keys lying around.
        aesKeys.values().forEach(key -> Arrays.fill(key, (byte) 0));
        Arrays.fill(pepper, (byte) 0);
        return crypto;
    }

    /** HKDF-SHA256 without salt: the input is a uniformly random key, so extraction needs none (RFC 5869 §3.1). */
    static byte[] hkdf(byte[] inputKey, String info) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(inputKey, null, info.getBytes(StandardCharsets.UTF_8)));
        byte[] out = new byte[KEY_LENGTH];
        generator.generateBytes(out, 0, out.length);
        return out;
    }

    static void checkKeyId(String id) {
        if (id == null || id.isEmpty() || id.length() > 255) {
            throw new IllegalArgumentException("a key id must be 1 to 255 characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("a key id must be printable ASCII without spaces");
            }
        }
    }

    @Override
    public String toString() {
        return "DataKeyring[active=" + activeKeyId + ", pepper=" + pepperKeyId + ", keys=" + new TreeSet<>(keys.keySet()) + "]";
    }
}
