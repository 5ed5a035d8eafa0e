package dev.sluice.privacy;

/**
 * A value that cannot be normalized. Carries a stable code and a message that never contains
 * the value; stackless because it is an expected outcome of validating merchant input.
 */
final class InvalidValueException extends RuntimeException {
    private final String code;

    InvalidValueException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
