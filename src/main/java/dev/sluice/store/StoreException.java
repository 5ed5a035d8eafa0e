package dev.sluice.store;

/**
 * The store could not do what was asked: unreachable, closed, or a transaction that failed and
 * was rolled back. Messages name the operation, never event data.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public StoreException(String message) {
        super(message);
    }

    /** Creates an exception with a message and its cause. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
