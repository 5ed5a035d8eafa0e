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

    /** {@code message (code)} with {@link #code} of {@code cause}, which becomes the cause. */
    public static StoreException of(String message, java.sql.SQLException cause) {
        return new StoreException(message + " (" + code(cause) + ")", cause);
    }

    /**
     * What went wrong, without any data: SQLite's result code (such as {@code SQLITE_FULL} for a
     * full disk, {@code SQLITE_IOERR_WRITE}, {@code SQLITE_BUSY}), whose driver sets no SQL state,
     * or else {@code sqlstate} and PostgreSQL's SQL state (such as {@code 53100}, disk full).
     */
    public static String code(java.sql.SQLException e) {
        if (e instanceof org.sqlite.SQLiteException sqlite && sqlite.getResultCode() != null) {
            return sqlite.getResultCode().name();
        }
        if (e instanceof SqliteConnections.DatabaseFileGone gone) {
            return gone.getMessage(); // a path and what to do: no data
        }
        return "sqlstate " + e.getSQLState();
    }
}
