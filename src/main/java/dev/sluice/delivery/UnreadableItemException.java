package dev.sluice.delivery;

/**
 * Thrown, while a connector maps a batch, by the view that opens each item's stored payload when
 * one no longer opens or reads ({@link Dispatcher}). Its round learned only the item's event time
 * when it claimed it, so a payload that is damaged further on is found here; {@link BatchSender}
 * dead-letters that item as unreadable and prepares the rest of the batch again, as it does for an
 * item the connector cannot map.
 */
final class UnreadableItemException extends RuntimeException {
    private final long itemId;

    UnreadableItemException(long itemId) {
        super("outbox item " + itemId + " cannot be opened or read", null, false, false);
        this.itemId = itemId;
    }

    long itemId() {
        return itemId;
    }
}
