package dev.sluice.connector;

/**
 * Thrown by {@link Connector#prepare} when one item can never be sent to the platform: a payload
 * version the connector does not know, or a field the platform requires that the event lacks.
 * The engine dead-letters that item with {@link #reason()} and prepares the rest of the batch
 * again, rather than letting one poison event fail a whole batch at the platform.
 *
 * <p>The message names the item id and field names, never values.
 */
public final class UnmappableItemException extends RuntimeException {
    private final long itemId;
    private final String reason;

    public UnmappableItemException(long itemId, String reason) {
        super("outbox item " + itemId + " cannot be mapped: " + reason);
        this.itemId = itemId;
        this.reason = reason;
    }

    /** The {@link OutboxItem#id()} of the item at fault. */
    public long itemId() {
        return itemId;
    }

    /** Why, in words fit for a dead letter. */
    public String reason() {
        return reason;
    }
}
