package dev.sluice.privacy;

/**
 * A sealed payload that cannot be opened. The message names the reason and, for an unknown key,
 * the key id (not secret); never key material or plaintext.
 */
public final class SealedDataException extends RuntimeException {

    /** Why a payload could not be opened. */
    public enum Reason {
        /** Not in the sealed format, or a format version this build does not know. */
        MALFORMED,
        /** Sealed under a key id the keyring does not hold (removed after rotation?). */
        UNKNOWN_KEY,
        /** The authentication tag does not match: altered bytes, wrong AAD or wrong tenant. */
        TAMPERED
    }

    private final Reason reason;

    SealedDataException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
