package dev.sluice.audit;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The public half of the audit signing key, as an auditor holds it: verifies checkpoint
 * signatures. Read from PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo, as
 * {@code openssl pkey -pubout} writes it) or from the base64 of the raw 32-byte key.
 */
public final class AuditKey {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final byte[] raw;

    AuditKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        this.raw = raw.clone();
    }

    /**
     * Parses a PEM or base64 public key.
     *
     * @throws IllegalArgumentException when it is not an Ed25519 public key
     */
    public static AuditKey parse(String text) {
        String s = text.strip();
        byte[] der;
        try {
            if (s.startsWith("-----BEGIN PUBLIC KEY-----")) {
                String body = s.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
                der = Base64.getMimeDecoder().decode(body);
            } else {
                der = Base64.getDecoder().decode(s);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM or base64 Ed25519 public key");
        }
        if (der.length == 32) {
            return new AuditKey(der);
        }
        if (der.length == 44 && Arrays.equals(Arrays.copyOf(der, 12), SPKI_PREFIX)) {
            return new AuditKey(Arrays.copyOfRange(der, 12, 44));
        }
        throw new IllegalArgumentException("not an Ed25519 public key");
    }

    /** First 16 hex digits of the SHA-256 of the raw key: names the key in every checkpoint. */
    public String keyId() {
        return ChainHash.sha256(HexFormat.of().formatHex(raw)).substring(0, 16);
    }

    /** The key as PEM, for {@code sluice audit public-key}. */
    public String pem() {
        byte[] der = new byte[44];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, 12);
        System.arraycopy(raw, 0, der, 12, 32);
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }

    /** Whether {@code checkpoint} was signed by this key's private half. */
    public boolean verifies(Checkpoint checkpoint) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(checkpoint.signature().getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (signature.length != 64) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(raw, 0));
        byte[] message = checkpoint.message();
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public String toString() {
        return "AuditKey[" + keyId() + "]";
    }
}
