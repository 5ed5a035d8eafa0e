package dev.sluice.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outbox as the delivery engine and the admin API see it: claims with leases, outcomes per
 * row, dead letters and their replay, backlog per destination.
 *
 * <p>Contract, in addition to {@link Store}'s:
 * <ol>
 *   <li>A claim takes due pending rows ({@code next_attempt_at <= now}) of one tenant's
 *       destination and leases them to {@code owner} until {@code now + lease}; a leased row is
 *       not claimed again until the lease runs out, so a crashed owner's rows become due again
 *       then. Two concurrent claimers never get the same row. PostgreSQL writes the lease into
 *       the row ({@code next_attempt_at}, {@code FOR UPDATE SKIP LOCKED}); SQLite, owned by one
 *       process, keeps it in that process's memory ({@code MemoryLeases}), so a restart finds
 *       every unsettled row due at once.</li>
 *   <li>Every outcome ({@link #markDelivered}, {@link #reschedule}, {@link #deadLetter},
 *       {@link #release}) applies only to pending rows still claimed by the same owner, so a
 *       replica whose lease expired cannot overwrite the work of the one that took over; each
 *       returns how many rows it changed.</li>
 *   <li>A delivered row is deleted, payload (the encrypted client IP and user agent) and all:
 *       nothing of a delivered event stays in the outbox. Dead rows keep their payload, so they
 *       can be replayed. On SQLite the copies of destinations named by {@link #deliverFromLog}
 *       are claimed from the delivery log with negative ids, under the same lease and ownership
 *       rules; a delivered copy is passed by its destination's cursor, a log row deleted once
 *       every cursor of its tenant passed it, and a retried or dead copy becomes an outbox row.</li>
 *   <li>Nothing here returns or logs payloads except {@link #claim}.</li>
 * </ol>
 */
public interface DeliveryStore {

    /** The most dead letter ids one replay may name. */
    int MAX_REPLAY_IDS = 1000;

    /** Claims up to {@code limit} due rows, oldest due first, and leases them to {@code owner}. */
    List<Claimed> claim(String tenantId, String destinationId, int limit, Instant now, Duration lease, String owner);

    /** Deletes delivered rows, payload and all, and drops their leases. */
    int markDelivered(String tenantId, String owner, List<Long> ids);

    /** Counts an attempt on each row and makes it due again at its {@link Retry#at()}. */
    int reschedule(String tenantId, String owner, List<Retry> retries, Instant now);

    /** Moves rows to the dead letters with their reason and platform code. */
    int deadLetter(String tenantId, String owner, List<Dead> dead, Instant now);

    /** Gives rows back unchanged (no attempt counted), due at {@code now}: shutdown, pauses. */
    int release(String tenantId, String owner, List<Long> ids, Instant now);

    /**
     * Hands back, due at {@code now}, every claim a previous process left behind, where that is
     * safe: on SQLite one process owns the outbox, so at delivery start every claim (held in
     * memory, or written into a row by an older version) is an orphan of a process that died
     * (e.g. {@code kill -9}) and need not wait out its lease. On
     * PostgreSQL other replicas may hold live claims, so nothing changes there: leases expire.
     *
     * @return the number of rows handed back
     */
    int releaseOrphanedClaims(Instant now);

    /**
     * Names, per tenant, the destinations a dispatcher of this process delivers, before ingest
     * and delivery start. On SQLite their copies of new events then go to the delivery log (one
     * row per event, a cursor per destination; see {@code DeliveryLog}) instead of an outbox row
     * each; copies of a tenant's destination that was logged and is no longer named move to the
     * outbox, due at {@code now}. Ids a claim hands out for log copies are negative; retries,
     * dead letters and replays of them are outbox rows with ids of their own. PostgreSQL keeps
     * an outbox row per destination: nothing changes there.
     *
     * @return the copies moved to the outbox
     * @throws IllegalArgumentException for more than 256 destinations of one tenant
     */
    int deliverFromLog(java.util.Map<String, java.util.Set<String>> destinations, Instant now);

    /** One page of the tenant's dead letters in id order, after {@code query.after()}. */
    DeadLetterPage deadLetters(String tenantId, DeadLetterQuery query);

    /**
     * Makes the selected dead letters pending again, due now, with a fresh retry budget: attempts
     * reset, and the retry age counted from {@code now} ({@link Claimed#retryFrom()}). A replay by
     * ids (at most {@link #MAX_REPLAY_IDS}) is one transaction, which also reads why each listed id
     * it did not replay was left, so that the list and the count describe the same moment.
     *
     * @return the number of rows replayed and, for a replay by ids, the ids not replayed
     */
    ReplayResult replay(String tenantId, ReplaySelector selector, Instant now);

    /** Pending and dead counts per destination of the tenant that has any rows. */
    List<Backlog> backlog(String tenantId);

    /**
     * A claimed row: enough to open its payload and to measure commit-to-acknowledgement time.
     *
     * @param id        outbox row id
     * @param eventName the event's name (part of the payload's AAD)
     * @param eventId   the event's id (part of the payload's AAD)
     * @param attempts  attempts before this claim
     * @param createdAt when the row was committed
     * @param payload   the sealed payload, taken as it is: a store hands over an array of its own
     *                  (read for this claim) and keeps no reference to it, so copying it again
     *                  would only double what a round of 1,000 claimed rows allocates
     * @param keyId     the data key that sealed it
     * @param retryFrom where its retry age ({@code retry-max-age}) counts from: its last replay, or
     *                  its commit ({@code createdAt}) when it was never replayed
     */
    record Claimed(long id, String eventName, String eventId, int attempts, Instant createdAt, byte[] payload,
                   String keyId, Instant retryFrom) {
        public Claimed {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(retryFrom, "retryFrom");
        }

        /** A row never replayed: its retry age counts from its commit. */
        public Claimed(long id, String eventName, String eventId, int attempts, Instant createdAt, byte[] payload,
                       String keyId) {
            this(id, eventName, eventId, attempts, createdAt, payload, keyId, createdAt);
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** The sealed payload's length, without copying it. */
        public int payloadSize() {
            return payload.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Claimed c && id == c.id && attempts == c.attempts && eventName.equals(c.eventName)
                    && eventId.equals(c.eventId) && createdAt.equals(c.createdAt) && Arrays.equals(payload, c.payload)
                    && keyId.equals(c.keyId) && retryFrom.equals(c.retryFrom);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, eventName, eventId, attempts, createdAt, Arrays.hashCode(payload), keyId, retryFrom);
        }

        @Override
        public String toString() {
            return "Claimed[id=" + id + ", attempts=" + attempts + ", payload=" + payload.length + " bytes]";
        }
    }

    /** A row to try again at {@code at}; {@code error} names a status or code, never data. */
    record Retry(long id, Instant at, String error) {
        public Retry {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * A row to dead-letter.
     *
     * @param attempted whether it was sent (counts an attempt) or dead-lettered unsent
     */
    record Dead(long id, String reason, Optional<String> platformCode, boolean attempted) {
        public Dead {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(platformCode, "platformCode");
        }
    }

    /**
     * A dead letter as the admin API lists it: never the payload.
     *
     * @param createdAt when the event was committed
     * @param deadAt    when it was dead-lettered
     */
    record DeadLetter(long id, String destinationId, String eventName, String eventId, int attempts, String reason,
                      Optional<String> platformCode, Instant createdAt, Instant deadAt) {
    }

    /**
     * Filters for {@link #deadLetters}.
     *
     * @param destinationId only this destination
     * @param reasonPrefix  only reasons starting with this
     * @param after         only ids greater than this (the previous page's cursor)
     * @param limit         page size, 1..1000
     */
    record DeadLetterQuery(Optional<String> destinationId, Optional<String> reasonPrefix, long after, int limit) {
        public DeadLetterQuery {
            Objects.requireNonNull(destinationId, "destinationId");
            Objects.requireNonNull(reasonPrefix, "reasonPrefix");
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be 1..1000");
            }
        }
    }

    /** A page of dead letters; {@code next} is the cursor for the following page, if there is one. */
    record DeadLetterPage(List<DeadLetter> items, Optional<Long> next) {
        public DeadLetterPage {
            items = List.copyOf(items);
        }
    }

    /**
     * Which dead letters to replay: all conditions that are present must hold, and at least one
     * must be present (replaying everything by accident would resend a whole history).
     *
     * @param ids           only these row ids (empty: no id condition)
     * @param destinationId only this destination
     * @param reasonPrefix  only reasons starting with this
     * @param configured    only dead letters of these destinations, when present: the admin API
     *                      passes the tenant's configured destinations, so that no replay (by ids
     *                      or reason either) makes a removed destination's dead letters pending,
     *                      where nothing would deliver or purge them
     */
    record ReplaySelector(List<Long> ids, Optional<String> destinationId, Optional<String> reasonPrefix,
                          Optional<java.util.Set<String>> configured) {
        public ReplaySelector {
            ids = List.copyOf(ids);
            Objects.requireNonNull(destinationId, "destinationId");
            Objects.requireNonNull(reasonPrefix, "reasonPrefix");
            configured = configured.map(java.util.Set::copyOf);
            if (ids.isEmpty() && destinationId.isEmpty() && reasonPrefix.isEmpty()) {
                throw new IllegalArgumentException("select dead letters by ids, destination or reason");
            }
            if (ids.size() > MAX_REPLAY_IDS) {
                throw new IllegalArgumentException("at most " + MAX_REPLAY_IDS + " ids per replay");
            }
        }

        /** A selector over every destination's dead letters. */
        public ReplaySelector(List<Long> ids, Optional<String> destinationId, Optional<String> reasonPrefix) {
            this(ids, destinationId, reasonPrefix, Optional.empty());
        }
    }

    /**
     * What a replay did.
     *
     * @param replayed    the dead letters it made pending
     * @param notReplayed for a replay by ids: each listed id it did not replay, once, in id order;
     *                    empty for a replay by destination or reason only, which has no list of
     *                    its own to answer for
     */
    record ReplayResult(int replayed, List<NotReplayed> notReplayed) {
        public ReplayResult {
            notReplayed = List.copyOf(notReplayed);
        }
    }

    /**
     * An id a replay listed and did not replay, and why.
     *
     * @param destinationId the dead letter's destination; empty exactly for
     *                      {@link Cause#NOT_A_DEAD_LETTER}, which must not tell another tenant's
     *                      row, or anything about it, from an id that does not exist
     */
    record NotReplayed(long id, Cause cause, Optional<String> destinationId) {
        public NotReplayed {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(destinationId, "destinationId");
            if ((cause == Cause.NOT_A_DEAD_LETTER) != destinationId.isEmpty()) {
                throw new IllegalArgumentException("a destination is named exactly for the tenant's own dead letters");
            }
        }

        /** Why an id was not replayed; the admin API answers {@link #code()}, which clients match on. */
        public enum Cause {
            /**
             * No dead letter of the tenant has this id: none ever had, it is another tenant's, or
             * it is no longer dead (replayed, delivered, purged or erased). Which of these is never
             * said.
             */
            NOT_A_DEAD_LETTER,
            /** A dead letter of a destination not in {@link ReplaySelector#configured()}: left dead on purpose. */
            DESTINATION_NOT_CONFIGURED,
            /** A dead letter of another destination than the replay's {@link ReplaySelector#destinationId()}. */
            EXCLUDED_BY_DESTINATION,
            /** A dead letter whose reason does not start with the replay's {@link ReplaySelector#reasonPrefix()}. */
            EXCLUDED_BY_REASON;

            /** The name the admin API answers: {@code not_a_dead_letter}, ... */
            public String code() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /**
     * One destination's outbox.
     *
     * @param pending       rows not yet delivered or dead, including leased ones
     * @param oldestPending commit time of the oldest pending row
     * @param dead          dead letters
     */
    record Backlog(String destinationId, long pending, Optional<Instant> oldestPending, long dead) {
    }
}
