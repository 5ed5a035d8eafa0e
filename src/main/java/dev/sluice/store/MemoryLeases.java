package dev.sluice.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Delivery claims of the embedded (SQLite) store, held in memory instead of written to the
 * outbox. One process owns a SQLite file, so a claim only has to keep this process's dispatchers
 * apart; writing it would cost a write transaction per batch (waiting for the writer that ingest's
 * group commit keeps busy, then an fsync) and a rewrite of every claimed row with its payload.
 * Held here, a claim is a plain read on the reader connection and each delivered row is written
 * once, when it is settled.
 *
 * <p>The contract is the same as PostgreSQL's leases: a claimed row is not claimed again until
 * its lease expires; after expiry another owner may take it, and only the row's current owner can
 * settle it. A crash loses the leases, so every row not yet settled is due again at restart:
 * at-least-once delivery, with the event id letting the platform deduplicate, exactly as with
 * leases that expire in the database.
 *
 * <p>A lease is dropped only after the settling transaction committed, so a row is never
 * claimable while its settlement is still uncommitted.
 */
final class MemoryLeases {

    private record Lease(String owner, long until) {
    }

    private final Map<Long, Lease> leases = new HashMap<>();

    /**
     * Ids that a live lease keeps from being claimed at {@code now}. An expired lease stays
     * recorded until it is settled or claimed again, so, as with a lease in the database, its
     * owner can still settle the row as long as nobody else has taken it.
     */
    synchronized Set<Long> held(Instant now) {
        long at = now.toEpochMilli();
        Set<Long> live = new java.util.HashSet<>();
        leases.forEach((id, lease) -> {
            if (lease.until > at) {
                live.add(id);
            }
        });
        return live;
    }

    /** Records the leases of a claim, whose ids were free when read (checked under {@link #lock()}). */
    synchronized void lease(List<Long> ids, String owner, Instant until) {
        for (long id : ids) {
            leases.put(id, new Lease(owner, until.toEpochMilli()));
        }
    }

    /** The ids of {@code ids} that {@code owner} holds (expired or not, as long as nobody else took them). */
    synchronized List<Long> ownedBy(String owner, List<Long> ids) {
        List<Long> owned = new ArrayList<>(ids.size());
        for (long id : ids) {
            Lease lease = leases.get(id);
            if (lease != null && lease.owner.equals(owner)) {
                owned.add(id);
            }
        }
        return owned;
    }

    /** Drops the leases of settled rows, if {@code owner} still holds them. */
    synchronized void drop(String owner, List<Long> ids) {
        for (long id : ids) {
            Lease lease = leases.get(id);
            if (lease != null && lease.owner.equals(owner)) {
                leases.remove(id);
            }
        }
    }

    /** Drops every lease (startup: nothing can be in flight); returns how many there were. */
    synchronized int clear() {
        int n = leases.size();
        leases.clear();
        return n;
    }

    /** Serializes claims, so two claimers never read the same free row. */
    Object lock() {
        return this;
    }
}
