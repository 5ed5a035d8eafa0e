package dev.sluice.audit;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs checkpoints with the audit Ed25519 private key. The key comes from a secret
 * ({@code sluice.audit.signing-key}) as the base64 of its 32-byte seed or as PKCS#8 PEM
 * ({@code openssl genpkey -algorithm ed25519}). Never prints the private key.
 */
public final class AuditSigner {
    /** DER prefix of an Ed25519 PKCS#8 v1 private key (RFC 8410); the 32-byte seed follows. */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private final Ed25519PrivateKeyParameters key;
    private final AuditKey publicKey;

    private AuditSigner(byte[] seed) {
        this.key = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicKey = new AuditKey(key.generatePublicKey().getEncoded());
    }

    /**
     * Reads a private key from a secret's text.
     *
     * @throws IllegalArgumentException when it is not an Ed25519 private key (the message never
     *                                  contains the text)
     */
    public static AuditSigner parse(String text) {
        String s = text.strip();
        byte[] der;
        try {
            der = s.startsWith("-----BEGIN PRIVATE KEY-----")
                    ? Base64.getMimeDecoder().decode(s.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""))
                    : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be the base64 of a 32-byte Ed25519 seed or a PKCS#8 PEM key");
        }
        if (der.length == 32) {
            return new AuditSigner(der);
        }
        if (der.length == 48 && Arrays.equals(Arrays.copyOf(der, 16), PKCS8_PREFIX)) {
            return new AuditSigner(Arrays.copyOfRange(der, 16, 48));
        }
        throw new IllegalArgumentException("must be the base64 of a 32-byte Ed25519 seed or a PKCS#8 PEM key");
    }

    /**
     * The configured key, or (when none is configured) the demo key in {@code demoFile},
     * generated there on first use with owner-only permissions. The caller allows the latter
     * only on loopback, like the demo data key.
     *
     * @throws dev.sluice.config.ConfigException naming {@code sluice.audit.signing-key} when the
     *                                           key cannot be read
     */
    public static AuditSigner load(java.util.Optional<dev.sluice.config.Secret> configured, java.nio.file.Path demoFile) {
        try {
            if (configured.isPresent()) {
                return parse(configured.get().text());
            }
            if (!java.nio.file.Files.exists(demoFile)) {
                java.nio.file.Files.writeString(demoFile, generate());
                try {
                    java.nio.file.Files.setPosixFilePermissions(demoFile,
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: nothing more to restrict.
                }
            }
            return parse(java.nio.file.Files.readString(demoFile));
        } catch (IllegalArgumentException e) {
            throw new dev.sluice.config.ConfigException("sluice.audit.signing-key", e.getMessage());
        } catch (java.io.IOException e) {
            throw new dev.sluice.config.ConfigException("sluice.audit.signing-key",
                    "cannot create the demo audit signing key in " + demoFile.getParent());
        }
    }

    /** A new random key, as the base64 seed {@link #parse} reads (for the demo's generated key). */
    public static String generate() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return Base64.getEncoder().encodeToString(seed);
    }

    /** The public half, for auditors. */
    public AuditKey publicKey() {
        return publicKey;
    }

    /** Signs a checkpoint of {@code tenantId}'s chain at {@code seq}. */
    Checkpoint sign(String tenantId, long seq, String hash, Instant signedAt) {
        Instant millis = Instant.ofEpochMilli(signedAt.toEpochMilli());
        byte[] message = Checkpoint.message(tenantId, seq, hash, millis);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return new Checkpoint(tenantId, seq, hash, millis, publicKey.keyId(),
                Base64.getEncoder().encodeToString(signer.generateSignature()));
    }

    @Override
    public String toString() {
        return "AuditSigner[" + publicKey.keyId() + ", private key redacted]";
    }
}
