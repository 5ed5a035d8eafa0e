package dev.sluice.store;

/** What {@link Store#write} did with one event. */
public enum WriteOutcome {
    /** The event row and its outbox rows were written. */
    INSERTED,
    /** The dedup key was live (earlier in the same list or already stored); nothing was written. */
    DUPLICATE
}
