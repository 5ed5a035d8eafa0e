package dev.sluice.store;

import java.util.List;

/**
 * Durable storage for accepted events and their outbox rows: the SPI behind the group-commit
 * writer, implemented for SQLite (embedded) and PostgreSQL (shared by replicas).
 *
 * <p>Contract for every implementation:
 * <ol>
 *   <li>{@link #write} is atomic: all of a list or nothing of it is committed.</li>
 *   <li>Deduplication is by {@code (tenantId, eventName, eventId)} within each key's window, and
 *       holds across calls, processes, restarts and (on PostgreSQL) replicas.</li>
 *   <li>Every read is scoped to one tenant.</li>
 *   <li>The store never reads the wall clock: every time comes from the caller.</li>
 *   <li>Failures surface as {@link StoreException}, whose messages carry no event data.</li>
 * </ol>
 * Implementations are thread-safe; writes are serialized by the store where the database needs it.
 */
public interface Store extends AutoCloseable {

    /**
     * Writes all events in one transaction, in list order. Per event the outcome is
     * {@link WriteOutcome#INSERTED} (event row and its outbox rows written) or
     * {@link WriteOutcome#DUPLICATE} (nothing written) — also for a repeat earlier in the same
     * list. A stored key whose {@code dedupUntil} is at or before the new event's
     * {@code receivedAt} no longer counts: the event is accepted again as a new event row.
     *
     * @param events the events to commit, possibly empty
     * @return one outcome per event, in the same order
     * @throws StoreException when the transaction fails; then nothing of the list was written
     */
    List<WriteOutcome> write(List<EventRecord> events);

    /** Returns whether the database answers a trivial query now. Never throws. */
    boolean ping();

    /** Counts the tenant's stored event rows, including superseded ones not yet purged. */
    long countEvents(String tenantId);

    /**
     * Lists up to {@code limit} of the tenant's outbox rows, ordered by id; on SQLite followed by
     * the copies still in the delivery log, in event order, as pending rows whose (negative) ids
     * are the ids a claim hands them out with.
     *
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    List<OutboxRow> outbox(String tenantId, int limit);

    /** The outbox's delivery operations: claims, outcomes, dead letters, backlog. */
    DeliveryStore delivery();

    /** Returns {@code "sqlite"} or {@code "postgres"}. */
    String kind();

    /** SQL access for capabilities with their own tables (audit, ledger); see {@link SqlAccess}. */
    SqlAccess sql();

    /** Closes connections; later calls throw {@link StoreException}. Idempotent. */
    @Override
    void close();
}
