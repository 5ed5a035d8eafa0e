package dev.sluice.store;

import dev.sluice.testing.Closing;
import static dev.sluice.store.TestEvents.T0;
import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.store.DeliveryStore.Backlog;
import dev.sluice.store.DeliveryStore.Claimed;
import dev.sluice.store.DeliveryStore.Dead;
import dev.sluice.store.DeliveryStore.DeadLetter;
import dev.sluice.store.DeliveryStore.DeadLetterPage;
import dev.sluice.store.DeliveryStore.DeadLetterQuery;
import dev.sluice.store.DeliveryStore.NotReplayed;
import dev.sluice.store.DeliveryStore.NotReplayed.Cause;
import dev.sluice.store.DeliveryStore.ReplayResult;
import dev.sluice.store.DeliveryStore.ReplaySelector;
import dev.sluice.store.DeliveryStore.Retry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link DeliveryStore} contract, run once per database by the subclasses. */
abstract class AbstractDeliveryStoreTest {
    static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path tempDir;

    TestDatabase db;
    Store store;
    DeliveryStore outbox;
    final String tenant = "tenant-" + UUID.randomUUID();
    /** A second tenant, for the tests that keep tenants apart. */
    final String other = "tenant-" + UUID.randomUUID();

    abstract TestDatabase createDatabase();

    @BeforeEach
    void open() {
        db = createDatabase();
        store = Stores.open(db.config());
        outbox = store.delivery();
    }

    @AfterEach
    void closeAll() {
        // Either is null when setup was skipped or failed.
        Closing.inOrder(store, db);
    }

    @Test
    void claim_leasesDueRowsOnceUntilTheLeaseExpires() {
        store.write(List.of(event(tenant, "a", "meta"), event(tenant, "b", "meta"), event(tenant, "c", "meta")));

        List<Claimed> first = outbox.claim(tenant, "meta", 2, T0, LEASE, "r1");
        assertThat(first.stream().map(Claimed::eventId).toList(), contains("a", "b"));
        assertArrayEquals(TestEvents.payload(tenant, "a", "meta"), first.getFirst().payload());
        assertThat(first.getFirst().createdAt(), is(T0));
        assertThat("never replayed: the retry age counts from the commit", first.getFirst().retryFrom(), is(T0));
        assertThat(outbox.claim(tenant, "meta", 10, T0, LEASE, "r2").stream().map(Claimed::eventId).toList(), contains("c"));
        assertThat(outbox.claim(tenant, "meta", 10, T0.plus(LEASE).minusMillis(1), LEASE, "r2"), empty());

        // Both crashed: their rows are due again once the lease runs out, and r1 can no longer settle them.
        List<Claimed> taken = outbox.claim(tenant, "meta", 10, T0.plus(LEASE), LEASE, "r3");
        assertThat(taken.stream().map(Claimed::eventId).toList(), contains("a", "b", "c"));
        assertThat(outbox.markDelivered(tenant, "r1", ids(first)), is(0));
        assertThat(store.outbox(tenant, 10), hasSize(3));
        assertThat(outbox.markDelivered(tenant, "r3", ids(taken)), is(3));
    }

    /**
     * Copies sharing a part (stored once in a delivery log row, joined to each copy in an outbox
     * row) are claimed as their joined form, a copy sealed whole as it was; and a retried copy is
     * claimed again with its shared part (an exception row of the log).
     */
    @Test
    void copiesWithASharedPartAreClaimedJoined_andARetriedOneKeepsItsSharedPart() {
        byte[] shared = TestEvents.payload(tenant, "s", "shared");
        EventRecord event = new EventRecord(tenant, TestEvents.NAME, "s", T0.minusSeconds(5), T0, T0.plus(TestEvents.WINDOW),
                List.of(OutboxRecord.sealed("meta", TestEvents.payload(tenant, "s", "meta"), "key-1", shared),
                        OutboxRecord.sealed("hook", TestEvents.payload(tenant, "s", "hook"), "key-1", shared)));
        store.write(List.of(event, event(tenant, "whole", "meta")));

        List<Claimed> meta = outbox.claim(tenant, "meta", 10, T0, LEASE, "r1");
        List<Claimed> hook = outbox.claim(tenant, "hook", 10, T0, LEASE, "r1");
        assertThat(meta.stream().map(Claimed::eventId).toList(), contains("s", "whole"));
        assertArrayEquals(StoredPayload.join(shared, TestEvents.payload(tenant, "s", "meta")), meta.getFirst().payload());
        assertArrayEquals(event.outbox().get(0).payload(), meta.getFirst().payload());
        assertArrayEquals(TestEvents.payload(tenant, "whole", "meta"), meta.get(1).payload());
        assertArrayEquals(StoredPayload.join(shared, TestEvents.payload(tenant, "s", "hook")), hook.getFirst().payload());

        Instant retryAt = T0.plusSeconds(30);
        assertThat(outbox.reschedule(tenant, "r1", List.of(new Retry(hook.getFirst().id(), retryAt, "hook: HTTP 503")), T0),
                is(1));
        assertThat(outbox.markDelivered(tenant, "r1", ids(meta)), is(2));
        Claimed again = outbox.claim(tenant, "hook", 10, retryAt, LEASE, "r2").getFirst();
        assertThat(again.attempts(), is(1));
        assertArrayEquals(StoredPayload.join(shared, TestEvents.payload(tenant, "s", "hook")), again.payload());
    }

    @Test
    void settle_anExpiredLeaseNobodyTookCanStillBeSettledByItsOwner() {
        store.write(List.of(event(tenant, "a", "meta")));
        List<Claimed> claimed = outbox.claim(tenant, "meta", 10, T0, LEASE, "r1");
        // Another destination's claim after the lease ran out must not take the row from r1.
        assertThat(outbox.claim(tenant, "hook", 10, T0.plus(LEASE).plusSeconds(1), LEASE, "r2"), empty());

        assertThat(outbox.markDelivered(tenant, "r1", ids(claimed)), is(1));
        assertThat(store.outbox(tenant, 10), empty());
    }

    @Test
    void claim_onlyTheTenantsDueRowsOfThatDestination() {
        store.write(List.of(event(tenant, "a", "meta", "hook"), event(other, "b", "meta"),
                event(tenant, "later", T0.plusSeconds(60), "meta")));

        assertThat(outbox.claim(tenant, "meta", 10, T0, LEASE, "r1").stream().map(Claimed::eventId).toList(), contains("a"));
        assertThat(outbox.claim(tenant, "hook", 10, T0, LEASE, "r1").stream().map(Claimed::eventId).toList(), contains("a"));
        assertThat(outbox.claim(other, "meta", 10, T0, LEASE, "r1").stream().map(Claimed::eventId).toList(), contains("b"));
        assertThat(outbox.claim(tenant, "meta", 10, T0.plusSeconds(60), LEASE, "r1").stream().map(Claimed::eventId).toList(),
                contains("later"));
    }

    @Test
    void markDelivered_deletesTheRowAndItsPayload_leavingTheEventsOtherRows() {
        store.write(List.of(event(tenant, "a", "meta", "hook"), event(tenant, "b", "meta")));
        List<Claimed> claimed = outbox.claim(tenant, "meta", 1, T0, LEASE, "r1");

        assertThat(outbox.markDelivered(tenant, "r1", ids(claimed)), is(1));

        // Only a's meta row went: its hook row and b's row are still to deliver.
        assertThat(store.outbox(tenant, 10).stream().map(r -> r.eventId() + ":" + r.destinationId()).toList(),
                containsInAnyOrder("a:hook", "b:meta"));
        assertThat(store.outbox(tenant, 10).stream().map(OutboxRow::state).toList(), everyItem(is("pending")));
        assertThat(outbox.backlog(tenant).stream().mapToLong(Backlog::pending).sum(), is(2L));
        assertThat(outbox.claim(tenant, "meta", 10, T0.plus(Duration.ofDays(1)), LEASE, "r1").stream()
                .map(Claimed::eventId).toList(), contains("b"));
    }

    @Test
    void reschedule_countsAnAttemptAndIsDueAgainAtItsTime() {
        store.write(List.of(event(tenant, "a", "meta")));
        long id = outbox.claim(tenant, "meta", 10, T0, LEASE, "r1").getFirst().id();
        Instant retryAt = T0.plusSeconds(30);

        assertThat(outbox.reschedule(tenant, "r1", List.of(new Retry(id, retryAt, "meta: HTTP 503")), T0), is(1));

        OutboxRow row = store.outbox(tenant, 10).getFirst();
        assertThat(row.attempts(), is(1));
        assertThat(row.nextAttemptAt(), is(retryAt));
        assertThat(outbox.claim(tenant, "meta", 10, retryAt.minusMillis(1), LEASE, "r1"), empty());
        assertThat(outbox.claim(tenant, "meta", 10, retryAt, LEASE, "r1").getFirst().attempts(), is(1));
    }

    @Test
    void release_givesRowsBackDueNowWithoutCountingAnAttempt() {
        store.write(List.of(event(tenant, "a", "meta")));
        List<Claimed> claimed = outbox.claim(tenant, "meta", 10, T0, LEASE, "r1");

        assertThat(outbox.release(tenant, "r1", ids(claimed), T0.plusSeconds(1)), is(1));

        assertThat(store.outbox(tenant, 10).getFirst().attempts(), is(0));
        assertThat(outbox.claim(tenant, "meta", 10, T0.plusSeconds(1), LEASE, "r2"), hasSize(1));
    }

    @Test
    void releaseOrphanedClaims_sqliteHandsBackADeadProcessesClaims_postgresWaitsForTheLease() {
        store.write(List.of(event(tenant, "a", "meta"), event(tenant, "b", "meta")));
        outbox.claim(tenant, "meta", 1, T0, LEASE, "killed");
        Instant restart = T0.plusSeconds(5);

        int released = outbox.releaseOrphanedClaims(restart);

        boolean singleProcess = StoreConfig.SQLITE.equals(db.config().kind());
        assertThat(released, is(singleProcess ? 1 : 0));
        assertThat(outbox.claim(tenant, "meta", 10, restart, LEASE, "restarted"), hasSize(singleProcess ? 2 : 1));
        assertThat(store.outbox(tenant, 10).stream().map(r -> r.attempts()).toList(), contains(0, 0));
    }

    @Test
    void deadLetters_listedPerTenantWithFiltersAndCursor() {
        store.write(List.of(event(tenant, "a", "meta"), event(tenant, "b", "meta"), event(tenant, "c", "hook"),
                event(other, "x", "meta")));
        kill(tenant, "meta", "meta: invalid parameter", Optional.of("100"));
        kill(tenant, "hook", "webhook: HTTP 400", Optional.empty());
        kill(other, "meta", "meta: invalid parameter", Optional.of("100"));

        DeadLetterPage first = outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 2));
        assertThat(first.items().stream().map(DeadLetter::eventId).toList(), contains("a", "b"));
        DeadLetter a = first.items().getFirst();
        assertThat(a.destinationId(), is("meta"));
        assertThat(a.reason(), is("meta: invalid parameter"));
        assertThat(a.platformCode(), is(Optional.of("100")));
        assertThat(a.attempts(), is(1));
        assertThat(a.deadAt(), is(T0.plusSeconds(1)));
        DeadLetterPage second = outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), first.next().orElseThrow(), 2));
        assertThat(second.items().stream().map(DeadLetter::eventId).toList(), contains("c"));
        assertThat(second.next(), is(Optional.empty()));

        assertThat(outbox.deadLetters(tenant, query(Optional.of("hook"), Optional.empty(), 0, 10)).items(), hasSize(1));
        assertThat(outbox.deadLetters(tenant, query(Optional.empty(), Optional.of("meta:"), 0, 10)).items(), hasSize(2));
        assertThat(outbox.deadLetters(tenant, query(Optional.empty(), Optional.of("meta%"), 0, 10)).items(), empty());
    }

    /** A reason prefix counts characters, as SQL's substr does: one outside the BMP is one, not two. */
    @Test
    void aReasonPrefixWithACharacterOutsideTheBmp_matches() {
        store.write(List.of(event(tenant, "a", "meta")));
        kill(tenant, "meta", "meta: \uD83D\uDE80 rejected", Optional.empty());

        assertThat(outbox.deadLetters(tenant, query(Optional.empty(), Optional.of("meta: \uD83D\uDE80"), 0, 10)).items(), hasSize(1));
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(), Optional.empty(), Optional.of("meta: \uD83D\uDE80")),
                T0.plusSeconds(100)).replayed(), is(1));
    }

    @Test
    void replay_byIdsDestinationOrReason_onlyTheTenantsDeadLetters() {
        store.write(List.of(event(tenant, "a", "meta"), event(tenant, "b", "meta"), event(tenant, "c", "hook"),
                event(other, "x", "meta")));
        kill(tenant, "meta", "meta: invalid parameter", Optional.of("100"));
        kill(tenant, "hook", "webhook: HTTP 400", Optional.empty());
        kill(other, "meta", "meta: invalid parameter", Optional.empty());
        long idOfA = outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 10)).items().getFirst().id();
        Instant now = T0.plusSeconds(100);

        assertThat(outbox.replay(other, new ReplaySelector(List.of(idOfA), Optional.empty(), Optional.empty()), now).replayed(), is(0));
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(idOfA), Optional.empty(), Optional.empty()), now).replayed(), is(1));
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(), Optional.empty(), Optional.of("webhook:")), now).replayed(), is(1));
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(), Optional.of("meta"), Optional.empty()), now).replayed(), is(1));

        assertThat(outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 10)).items(), empty());
        assertThat(outbox.deadLetters(other, query(Optional.empty(), Optional.empty(), 0, 10)).items(), hasSize(1));
        List<Claimed> again = outbox.claim(tenant, "meta", 10, now, LEASE, "r1");
        assertThat(again.stream().map(Claimed::attempts).toList(), contains(0, 0));
        // A fresh retry budget: the retry age counts from the replay, the commit time stays.
        assertThat(again.stream().map(Claimed::retryFrom).toList(), contains(now, now));
        assertThat(again.stream().map(Claimed::createdAt).toList(), contains(T0, T0));
        assertThrows(IllegalArgumentException.class, () -> new ReplaySelector(List.of(), Optional.empty(), Optional.empty()));
    }

    /**
     * A replay restricted to the configured destinations (as the admin API asks) leaves a removed
     * destination's dead letters dead, by reason or ids too: pending, nothing would deliver them.
     */
    @Test
    void replay_withinConfiguredDestinations_leavesOtherDestinationsDeadLettersDead() {
        store.write(List.of(event(tenant, "a", "meta", "gone")));
        kill(tenant, "meta", "HTTP 500", Optional.empty());
        kill(tenant, "gone", "HTTP 500", Optional.empty());
        List<Long> both = outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 10)).items().stream()
                .map(DeadLetter::id).toList();
        Optional<java.util.Set<String>> configured = Optional.of(java.util.Set.of("meta", "hook"));

        assertThat(outbox.replay(tenant, new ReplaySelector(both, Optional.empty(), Optional.empty(), configured), T0).replayed(), is(1));
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(), Optional.empty(), Optional.of("HTTP"), configured), T0)
                .replayed(), is(0));
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(), Optional.of("gone"), Optional.empty(),
                Optional.of(java.util.Set.of())), T0).replayed(), is(0));
        assertThat(outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 10)).items().stream()
                .map(DeadLetter::destinationId).toList(), contains("gone"));
    }

    /**
     * A replay by ids names each listed id it did not replay, once, in id order, with why; another
     * tenant's dead letter, an id no row has and a row no longer dead read alike (no destination),
     * so the answer tells another tenant's ids from nothing. The ids are one transaction even where
     * a replay by filter goes in chunks.
     */
    @Test
    void replay_byIds_namesEachIdItLeftAndWhy_otherTenantsAndUnknownIdsAlike() {
        store.write(List.of(event(tenant, "a", "meta", "hook", "gone"), event(tenant, "b", "meta"), event(other, "x", "hook")));
        kill(tenant, "meta", "meta: invalid parameter", Optional.of("100"));
        kill(tenant, "hook", "webhook: HTTP 400", Optional.empty());
        kill(tenant, "gone", "HTTP 500", Optional.empty());
        // Read as the tenant's, it would be excluded by destination, naming hook.
        kill(other, "hook", "webhook: HTTP 400", Optional.empty());
        store.write(List.of(event(tenant, "c", T0.plusSeconds(1), "meta")));
        List<Claimed> c = outbox.claim(tenant, "meta", 10, T0.plusSeconds(1), LEASE, "r1");
        outbox.deadLetter(tenant, "r1", List.of(new Dead(c.getFirst().id(), "meta: HTTP 500", Optional.empty(), true)), T0.plusSeconds(2));
        java.util.Map<String, Long> ids = new java.util.HashMap<>();
        outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 10)).items()
                .forEach(d -> ids.put(d.eventId() + "@" + d.destinationId(), d.id()));
        long otherX = outbox.deadLetters(other, query(Optional.empty(), Optional.empty(), 0, 10)).items().getFirst().id();
        long unknown = Math.max(otherX, java.util.Collections.max(ids.values())) + 1000;
        Instant now = T0.plusSeconds(100);
        // b is replayed first: listed again, it is no longer a dead letter.
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(ids.get("b@meta")), Optional.empty(), Optional.empty()), now),
                is(new ReplayResult(1, List.of())));
        List<Duration> pauses = new ArrayList<>();
        ((JdbcDeliveryStore) outbox).replayInChunks(1, pauses::add);

        ReplayResult result = outbox.replay(tenant, new ReplaySelector(List.of(ids.get("a@meta"), ids.get("b@meta"),
                ids.get("c@meta"), ids.get("a@hook"), ids.get("a@gone"), otherX, unknown, ids.get("a@meta")),
                Optional.of("meta"), Optional.of("meta: invalid"), Optional.of(Set.of("meta", "hook"))), now);

        assertThat(result.replayed(), is(1));
        List<NotReplayed> expected = new ArrayList<>(List.of(
                new NotReplayed(ids.get("b@meta"), Cause.NOT_A_DEAD_LETTER, Optional.empty()),
                new NotReplayed(ids.get("c@meta"), Cause.EXCLUDED_BY_REASON, Optional.of("meta")),
                new NotReplayed(ids.get("a@hook"), Cause.EXCLUDED_BY_DESTINATION, Optional.of("hook")),
                new NotReplayed(ids.get("a@gone"), Cause.DESTINATION_NOT_CONFIGURED, Optional.of("gone")),
                new NotReplayed(otherX, Cause.NOT_A_DEAD_LETTER, Optional.empty()),
                new NotReplayed(unknown, Cause.NOT_A_DEAD_LETTER, Optional.empty())));
        expected.sort(java.util.Comparator.comparingLong(NotReplayed::id));
        assertThat(result.notReplayed(), is(expected));
        assertThat("one transaction, not chunks", pauses, empty());
        assertThat(outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 10)).items().stream()
                .map(d -> d.eventId() + "@" + d.destinationId()).toList(), containsInAnyOrder("a@hook", "a@gone", "c@meta"));
        assertThat(outbox.deadLetters(other, query(Optional.empty(), Optional.empty(), 0, 10)).items(), hasSize(1));
        // A replay by filter only has no list of ids to answer for.
        assertThat(outbox.replay(tenant, new ReplaySelector(List.of(), Optional.of("hook"), Optional.empty()), now),
                is(new ReplayResult(1, List.of())));
        assertThat(Cause.DESTINATION_NOT_CONFIGURED.code(), is("destination_not_configured"));
        assertThrows(IllegalArgumentException.class, () -> new NotReplayed(1, Cause.NOT_A_DEAD_LETTER, Optional.of("meta")));
    }

    /**
     * Replays racing over the same ids: each dead letter is replayed by exactly one of them, and
     * each of the others lists it as no longer a dead letter, so every answer's count and list
     * add up to the ids it was given.
     */
    @Test
    void replay_byIds_concurrently_eachIdIsReplayedOnceAndListedByTheOthers() throws Exception {
        store.write(IntStream.range(0, 200).mapToObj(i -> event(tenant, "e" + i, "meta")).toList());
        kill(tenant, "meta", "meta: HTTP 400", Optional.empty());
        List<Long> all = outbox.deadLetters(tenant, query(Optional.empty(), Optional.empty(), 0, 1000)).items().stream()
                .map(DeadLetter::id).toList();
        assertThat(all, hasSize(200));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ReplayResult>> replays = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                // Each its own order, so that PostgreSQL's row locks are taken in different orders.
                List<Long> order = new ArrayList<>(all);
                java.util.Collections.shuffle(order, new java.util.Random(t));
                replays.add(pool.submit(() -> {
                    start.await();
                    return outbox.replay(tenant, new ReplaySelector(order, Optional.empty(), Optional.empty()), T0.plusSeconds(5));
                }));
            }
            start.countDown();
        }
        Set<Long> replayedOnce = new HashSet<>();
        int total = 0;
        for (Future<ReplayResult> f : replays) {
            ReplayResult r = f.get();
            total += r.replayed();
            assertThat(r.notReplayed().stream().map(NotReplayed::cause).toList(), everyItem(is(Cause.NOT_A_DEAD_LETTER)));
            Set<Long> replayedHere = new HashSet<>(all);
            r.notReplayed().forEach(n -> replayedHere.remove(n.id()));
            assertThat("count and list add up", replayedHere, hasSize(r.replayed()));
            for (long id : replayedHere) {
                assertThat("replayed by one replay only: " + id, replayedOnce.add(id), is(true));
            }
        }
        assertThat(total, is(200));
        assertThat(replayedOnce, is(Set.copyOf(all)));
    }

    /**
     * A replay of many dead letters goes in chunks (SQLite's default, since its single writer is
     * ingest's too), each followed by a pause; what it selects is what one statement would.
     */
    @Test
    void replayInChunks_pausesBetweenThem_andReplaysWhatOneStatementWould() {
        store.write(IntStream.range(0, 5).mapToObj(i -> event(tenant, "m" + i, "meta", "hook")).toList());
        store.write(List.of(event(other, "x", "meta")));
        kill(tenant, "meta", "meta: HTTP 401", Optional.empty());
        kill(tenant, "hook", "webhook: HTTP 400", Optional.empty());
        kill(other, "meta", "meta: HTTP 401", Optional.empty());
        List<Duration> pauses = new ArrayList<>();
        ((JdbcDeliveryStore) outbox).replayInChunks(2, pauses::add);

        int replayed = outbox.replay(tenant, new ReplaySelector(List.of(), Optional.of("meta"), Optional.empty()), T0.plusSeconds(100))
                .replayed();

        assertThat(replayed, is(5));
        assertThat("after each full chunk of two", pauses, hasSize(2));
        assertThat(outbox.deadLetters(tenant, query(Optional.of("meta"), Optional.empty(), 0, 10)).items(), empty());
        assertThat(outbox.deadLetters(tenant, query(Optional.of("hook"), Optional.empty(), 0, 10)).items(), hasSize(5));
        assertThat(outbox.deadLetters(other, query(Optional.empty(), Optional.empty(), 0, 10)).items(), hasSize(1));
        List<Claimed> again = outbox.claim(tenant, "meta", 10, T0.plusSeconds(100), LEASE, "r1");
        assertThat(again, hasSize(5));
        assertThat(again.stream().map(Claimed::retryFrom).distinct().toList(), contains(T0.plusSeconds(100)));
    }

    @Test
    void backlog_countsPendingAndDeadPerDestination() {
        store.write(List.of(event(tenant, "a", "meta", "hook"), event(tenant, "b", T0.plusSeconds(10), "meta")));
        List<Claimed> hook = outbox.claim(tenant, "hook", 10, T0, LEASE, "r1");
        outbox.deadLetter(tenant, "r1", List.of(new Dead(hook.getFirst().id(), "too old", Optional.empty(), false)), T0);

        assertThat(outbox.backlog(tenant), contains(
                new Backlog("hook", 0, Optional.empty(), 1),
                new Backlog("meta", 2, Optional.of(T0), 0)));
        assertThat(store.outbox(tenant, 10).get(1).attempts(), is(0));
        assertThat(outbox.backlog("tenant-without-rows"), empty());
    }

    @Test
    void claim_concurrentClaimersNeverGetTheSameRow() throws Exception {
        List<EventRecord> events = IntStream.range(0, 400).mapToObj(i -> event(tenant, "e" + i, "meta")).toList();
        store.write(events);
        ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> claimers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                String owner = "replica-" + t;
                claimers.add(pool.submit(() -> {
                    start.await();
                    List<Claimed> batch;
                    while (!(batch = outbox.claim(tenant, "meta", 7, T0, LEASE, owner)).isEmpty()) {
                        batch.forEach(c -> seen.add(c.id()));
                        outbox.markDelivered(tenant, owner, ids(batch));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : claimers) {
                f.get();
            }
        }
        Set<Long> unique = new HashSet<>(seen);
        assertThat(seen.size(), is(400));
        assertThat(unique.size(), is(400));
        assertThat(store.outbox(tenant, 1000), empty());
    }

    private void kill(String tenantId, String destination, String reason, Optional<String> code) {
        List<Claimed> claimed = outbox.claim(tenantId, destination, 1000, T0, LEASE, "killer");
        outbox.deadLetter(tenantId, "killer", claimed.stream().map(c -> new Dead(c.id(), reason, code, true)).toList(),
                T0.plusSeconds(1));
    }

    private static DeadLetterQuery query(Optional<String> destination, Optional<String> reason, long after, int limit) {
        return new DeadLetterQuery(destination, reason, after, limit);
    }

    private static List<Long> ids(List<Claimed> claimed) {
        return claimed.stream().map(Claimed::id).toList();
    }
}
