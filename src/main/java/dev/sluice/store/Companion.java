package dev.sluice.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Rows another capability adds to an accepted event (a consent audit record, a ledger entry),
 * written in the same transaction as the event and its outbox rows, and only when the event is
 * INSERTED: a duplicate writes nothing, so nothing is recorded or booked twice.
 *
 * <p>The capability owns its tables, migrations and SQL (next to its code, as the design says);
 * the store only calls its {@link Kind} with the inserted events' row ids.
 */
public interface Companion {

    /** The kind that writes this companion; one shared instance per kind. */
    Kind kind();

    /** Writes every companion of one kind for the events inserted by one transaction. */
    interface Kind {
        /**
         * Writes the companions, in order, inside the open transaction (never commit or roll
         * back here). A thrown exception rolls the whole transaction back.
         *
         * @param connection the transaction's connection
         * @param dialect    {@link StoreConfig#SQLITE} or {@link StoreConfig#POSTGRES}
         * @param placed     the companions with the row ids of their events, in write order
         */
        void write(Connection connection, String dialect, List<Placed> placed) throws SQLException;
    }

    /**
     * A companion of an inserted event.
     *
     * @param eventRowId the event's row id
     * @param event      the event as committed
     * @param companion  the companion to write
     */
    record Placed(long eventRowId, EventRecord event, Companion companion) {
    }
}
