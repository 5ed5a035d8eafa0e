package dev.sluice.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One tenant's encryption and pepper, derived by {@link DataKeyring}. Seals payloads with
 * AES-256-GCM (96-bit nonce from {@link GcmNonces}, 128-bit tag) in the format
 * {@code version(1) | key-id length(1) | key id (ASCII) | nonce(12) | ciphertext+tag}; the header
 * is authenticated together with the caller's AAD, so it cannot be altered either. Opening picks
 * the key by the embedded id, so payloads sealed before a rotation still open.
 *
 * <p>Thread-safe; {@link #toString()} shows the tenant and key ids only.
 */
public final class TenantCrypto {
    static final byte VERSION = 1;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_LENGTH = GcmNonces.LENGTH;
    private static final int TAG_BITS = 128;
    /**
     * Ciphers for reuse: {@code Cipher.getInstance} looks the provider up on every call, about half
     * the cost of sealing a 1 KB payload. Every use initializes the cipher afresh with its own key
     * and a new nonce, so reuse carries no state from one payload to the next. Bounded: a
     * burst beyond it builds ciphers that are then dropped.
     */
    private static final java.util.concurrent.BlockingQueue<Cipher> CIPHERS = new java.util.concurrent.ArrayBlockingQueue<>(32);

    private final String tenantId;
    private final Map<String, SecretKey> keys;
    private final String activeKeyId;
    private final byte[] activeHeader;
    private final Mac pepperPrototype;
    /**
     * Keyed copies of the pepper's Mac, reused: an event needs up to five customer and subject
     * keys, and a copy per key was a tenth of what ingest allocated. Bounded, like the ciphers.
     */
    private final java.util.concurrent.BlockingQueue<Mac> peppers = new java.util.concurrent.ArrayBlockingQueue<>(32);

    TenantCrypto(String tenantId, Map<String, byte[]> aesKeys, String activeKeyId, byte[] pepper) {
        this.tenantId = tenantId;
        this.activeKeyId = activeKeyId;
        this.keys = aesKeys.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> new SecretKeySpec(e.getValue(), "AES")));
        this.activeHeader = header(activeKeyId);
        try {
            this.pepperPrototype = Mac.getInstance("HmacSHA256");
            pepperPrototype.init(new SecretKeySpec(pepper, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK must provide HmacSHA256", e);
        }
    }

    /** Encrypts {@code plaintext} under the active key, binding {@code aad} (may be empty). */
    public byte[] seal(byte[] plaintext, byte[] aad) {
        Objects.requireNonNull(plaintext, "plaintext");
        return seal(plaintext, 0, plaintext.length, aad);
    }

    /** Encrypts {@code plaintext[offset..offset+length)}, as {@link #seal(byte[], byte[])} does the whole array. */
    public byte[] seal(byte[] plaintext, int offset, int length, byte[] aad) {
        Objects.checkFromIndexSize(offset, length, plaintext.length);
        Cipher cipher = cipher();
        try {
            int headerLength = activeHeader.length + NONCE_LENGTH;
            byte[] out = new byte[headerLength + length + TAG_BITS / 8];
            System.arraycopy(activeHeader, 0, out, 0, activeHeader.length);
            GcmNonces.next(out, activeHeader.length);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId),
                    new GCMParameterSpec(TAG_BITS, out, activeHeader.length, NONCE_LENGTH));
            cipher.updateAAD(activeHeader);
            cipher.updateAAD(aad == null ? new byte[0] : aad);
            cipher.doFinal(plaintext, offset, length, out, headerLength);
            // Only a cipher that completed goes back; one that failed midway is dropped.
            CIPHERS.offer(cipher);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    private static Cipher cipher() {
        Cipher pooled = CIPHERS.poll();
        if (pooled != null) {
            return pooled;
        }
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK must provide " + TRANSFORMATION, e);
        }
    }

    /**
     * Decrypts a payload sealed by {@link #seal} for this tenant with the same {@code aad}.
     *
     * @throws SealedDataException when the payload is malformed, names an unknown key, or fails
     *                             authentication (altered, other AAD, other tenant)
     */
    public byte[] open(byte[] sealed, byte[] aad) {
        Objects.requireNonNull(sealed, "sealed");
        return open(sealed, 0, sealed.length, aad);
    }

    /** Decrypts the sealed payload at {@code sealed[offset..offset+length)}, as {@link #open(byte[], byte[])} does a whole array. */
    public byte[] open(byte[] sealed, int offset, int length, byte[] aad) {
        Objects.checkFromIndexSize(offset, length, sealed.length);
        if (length < 2 || sealed[offset] != VERSION) {
            throw new SealedDataException(SealedDataException.Reason.MALFORMED, "not a sealed payload of version " + VERSION);
        }
        int idLength = sealed[offset + 1] & 0xff;
        int headerLength = 2 + idLength;
        if (idLength == 0 || length < headerLength + NONCE_LENGTH + TAG_BITS / 8) {
            throw new SealedDataException(SealedDataException.Reason.MALFORMED, "sealed payload is truncated");
        }
        String keyId = new String(sealed, offset + 2, idLength, StandardCharsets.US_ASCII);
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new SealedDataException(SealedDataException.Reason.UNKNOWN_KEY,
                    "payload sealed under unknown key id '" + printable(keyId) + "'");
        }
        Cipher cipher = cipher();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset + headerLength, NONCE_LENGTH));
            cipher.updateAAD(sealed, offset, headerLength);
            cipher.updateAAD(aad == null ? new byte[0] : aad);
            int body = offset + headerLength + NONCE_LENGTH;
            byte[] plaintext = cipher.doFinal(sealed, body, offset + length - body);
            CIPHERS.offer(cipher);
            return plaintext;
        } catch (AEADBadTagException e) {
            throw new SealedDataException(SealedDataException.Reason.TAMPERED,
                    "sealed payload failed authentication: altered, other AAD or other tenant");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }

    /** The key id new payloads are sealed under. */
    public String activeKeyId() {
        return activeKeyId;
    }

    /**
     * The tenant's internal key for a customer: lowercase hex HMAC-SHA256 of the normalized
     * identifier (for example a normalized email) under the tenant's pepper. Stable for a tenant
     * and pepper key, different across tenants, and not a plain hash that could be matched
     * against the hashes platforms receive.
     */
    public String customerKey(String normalizedIdentifier) {
        Objects.requireNonNull(normalizedIdentifier, "normalizedIdentifier");
        return HexFormat.of().formatHex(customerKey(normalizedIdentifier.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@link #customerKey(String)} as its 32 bytes, of an identifier given as its UTF-8 bytes:
     * the hex of this is that key.
     */
    public byte[] customerKey(byte[] normalizedIdentifierUtf8) {
        Objects.requireNonNull(normalizedIdentifierUtf8, "normalizedIdentifierUtf8");
        Mac mac = peppers.poll();
        if (mac == null) {
            try {
                mac = (Mac) pepperPrototype.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 must be cloneable", e);
            }
        }
        // doFinal resets the Mac to its keyed initial state, so it can be used again.
        byte[] key = mac.doFinal(normalizedIdentifierUtf8);
        peppers.offer(mac);
        return key;
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + id.length).put(VERSION).put((byte) id.length).put(id).array();
    }

    /** Key ids come from the payload, so an attacker may have written them: print them safely. */
    private static String printable(String keyId) {
        StringBuilder out = new StringBuilder(keyId.length());
        keyId.chars().limit(64).forEach(c -> out.append(c >= 0x21 && c <= 0x7e ? (char) c : '?'));
        return out.toString();
    }

    @Override
    public String toString() {
        return "TenantCrypto[tenant=" + tenantId + ", active=" + activeKeyId + "]";
    }
}
