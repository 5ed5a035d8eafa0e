package dev.sluice.store;

import static dev.sluice.store.TestEvents.T0;
import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.store.DeliveryStore.Claimed;
import dev.sluice.store.DeliveryStore.Dead;
import dev.sluice.store.DeliveryStore.Retry;
import dev.sluice.testing.Closing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is the delivery log's own on SQLite (the shared contract runs in
 * {@link SqliteLogDeliveryStoreTest}): one row per event instead of an outbox row per
 * destination, cursors that only pass settled copies and survive a restart, log rows deleted
 * once every cursor of the tenant passed them, exception rows for retries and dead letters, and
 * what changes when the configured destinations do.
 */
final class SqliteDeliveryLogTest {
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final String TENANT = "acme";
    private static final Map<String, Set<String>> BOTH = Map.of(TENANT, Set.of("meta", "hook"));

    @TempDir
    Path tempDir;

    SqliteTestDatabase db;
    Store store;
    DeliveryStore delivery;

    @BeforeEach
    void open() {
        db = new SqliteTestDatabase(tempDir);
        reopen(BOTH);
    }

    @AfterEach
    void close() {
        Closing.inOrder(store, db);
    }

    private void reopen(Map<String, Set<String>> logged) {
        if (store != null) {
            store.close();
        }
        store = Stores.open(db.config());
        delivery = store.delivery();
        delivery.deliverFromLog(logged, T0);
    }

    @Test
    void anEventIsOneLogRow_noOutboxRows_andItsCopiesShowAsPending() {
        store.write(List.of(event(TENANT, "a", "meta", "hook"), event(TENANT, "b", "meta")));

        assertThat(db.queryLong("SELECT count(*) FROM outbox"), is(0L));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(2L));
        assertThat(store.outbox(TENANT, 10).stream().map(r -> r.eventId() + ":" + r.destinationId() + ":" + r.state()).toList(),
                contains("a:meta:pending", "a:hook:pending", "b:meta:pending"));
        Claimed a = delivery.claim(TENANT, "hook", 10, T0, LEASE, "r1").getFirst();
        assertThat(a.id(), lessThan(0L));
        assertArrayEquals(TestEvents.payload(TENANT, "a", "hook"), a.payload());
        assertThat(a.keyId(), is("key-1"));
    }

    @Test
    void aDestinationNotNamed_getsOutboxRowsAsBefore() {
        store.write(List.of(event(TENANT, "a", "meta", "google_ads")));

        assertThat(db.queryLong("SELECT count(*) FROM outbox WHERE destination_id = 'google_ads'"), is(1L));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(1L));
        assertThat(delivery.claim(TENANT, "google_ads", 10, T0, LEASE, "r1").getFirst().id(), greaterThan(0L));
    }

    @Test
    void theCursorStopsBelowTheLowestCopyInFlight_andTheRowGoesOnceEveryCursorPassedIt() {
        store.write(IntStream.range(0, 4).mapToObj(i -> event(TENANT, "e" + i, "meta", "hook")).toList());
        List<Claimed> first = delivery.claim(TENANT, "meta", 2, T0, LEASE, "r1");
        List<Claimed> second = delivery.claim(TENANT, "meta", 2, T0, LEASE, "r1");

        assertThat(delivery.markDelivered(TENANT, "r1", ids(second)), is(2));
        assertThat("e0 and e1 are still in flight", cursor("meta"), is(0L));

        assertThat(delivery.markDelivered(TENANT, "r1", ids(first)), is(2));
        assertThat(cursor("meta"), is(rowOf("e3")));
        assertThat("hook has not delivered them yet", db.queryLong("SELECT count(*) FROM delivery_log"), is(4L));
        assertThat(store.outbox(TENANT, 10).stream().map(OutboxRow::destinationId).toList(), everyItem(is("hook")));

        List<Claimed> hook = delivery.claim(TENANT, "hook", 3, T0, LEASE, "r2");
        delivery.markDelivered(TENANT, "r2", ids(hook));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(1L));
        assertThat(store.outbox(TENANT, 10).stream().map(r -> r.eventId() + ":" + r.destinationId()).toList(), contains("e3:hook"));
    }

    @Test
    void aRestartDeliversFromTheCommittedCursor_copiesInFlightAgain() {
        store.write(IntStream.range(0, 3).mapToObj(i -> event(TENANT, "e" + i, "meta")).toList());
        delivery.markDelivered(TENANT, "r1", ids(delivery.claim(TENANT, "meta", 1, T0, LEASE, "r1")));
        delivery.claim(TENANT, "meta", 1, T0, LEASE, "r1");

        reopen(BOTH);
        delivery.releaseOrphanedClaims(T0);

        assertThat(delivery.claim(TENANT, "meta", 10, T0, LEASE, "r2").stream().map(Claimed::eventId).toList(),
                contains("e1", "e2"));
    }

    @Test
    void aRetryBecomesAnOutboxRowDueAtItsTime_andTheCursorPassesIt() {
        store.write(List.of(event(TENANT, "a", "meta"), event(TENANT, "b", "meta")));
        List<Claimed> claimed = delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1");

        assertThat(delivery.reschedule(TENANT, "r1", List.of(new Retry(claimed.getFirst().id(), T0.plusSeconds(30), "meta: HTTP 503")),
                T0), is(1));
        assertThat(delivery.markDelivered(TENANT, "r1", List.of(claimed.get(1).id())), is(1));

        assertThat(cursor("meta"), is(rowOf("b")));
        OutboxRow retry = store.outbox(TENANT, 10).getFirst();
        assertThat(retry.id(), greaterThan(0L));
        assertThat(retry.eventId(), is("a"));
        assertThat(retry.attempts(), is(1));
        assertThat(retry.nextAttemptAt(), is(T0.plusSeconds(30)));
        assertArrayEquals(TestEvents.payload(TENANT, "a", "meta"), retry.payload());
        assertThat(delivery.claim(TENANT, "meta", 10, T0.plusSeconds(29), LEASE, "r1"), empty());
        assertThat(delivery.claim(TENANT, "meta", 10, T0.plusSeconds(30), LEASE, "r1").stream().map(Claimed::eventId).toList(),
                contains("a"));
    }

    @Test
    void aDeadLetterKeepsItsPayloadForReplay_afterTheLogRowIsGone() {
        store.write(List.of(event(TENANT, "a", "meta")));
        Claimed a = delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1").getFirst();
        delivery.claim(TENANT, "hook", 10, T0, LEASE, "r2");

        delivery.deadLetter(TENANT, "r1", List.of(new Dead(a.id(), "meta: invalid parameter", Optional.of("100"), true)), T0);

        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(0L));
        assertThat(delivery.replay(TENANT, new DeliveryStore.ReplaySelector(List.of(), Optional.of("meta"), Optional.empty()),
                T0.plusSeconds(1)).replayed(), is(1));
        Claimed again = delivery.claim(TENANT, "meta", 10, T0.plusSeconds(1), LEASE, "r1").getFirst();
        assertThat(again.eventId(), is("a"));
        assertArrayEquals(TestEvents.payload(TENANT, "a", "meta"), again.payload());
    }

    @Test
    void aDestinationNoLongerNamed_hasItsUnsettledCopiesMovedToTheOutbox_andNoLongerHoldsTheLog() {
        store.write(List.of(event(TENANT, "a", "meta", "hook"), event(TENANT, "b", "meta", "hook")));
        delivery.markDelivered(TENANT, "r1", ids(delivery.claim(TENANT, "hook", 1, T0, LEASE, "r1")));

        reopen(Map.of(TENANT, Set.of("meta")));

        assertThat(store.outbox(TENANT, 10).stream().map(r -> r.eventId() + ":" + r.destinationId() + ":" + (r.id() > 0)).toList(),
                containsInAnyOrder("b:hook:true", "a:meta:false", "b:meta:false"));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_cursors WHERE destination_id = 'hook'"), is(0L));
        delivery.markDelivered(TENANT, "r1", ids(delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1")));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(0L));
    }

    @Test
    void aNewDestinationStartsAtTheNewestRow_withoutTheOlderEventsCopies() {
        store.write(List.of(event(TENANT, "a", "meta")));

        reopen(Map.of(TENANT, Set.of("meta", "hook", "tiktok")));
        store.write(List.of(event(TENANT, "b", "meta", "tiktok")));

        assertThat(delivery.claim(TENANT, "tiktok", 10, T0, LEASE, "r1").stream().map(Claimed::eventId).toList(), contains("b"));
        assertThat(delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1").stream().map(Claimed::eventId).toList(), contains("a", "b"));
    }

    @Test
    void aDestinationRemovedThenAddedBack_getsItsMovedCopiesOnceFromTheOutbox() {
        store.write(List.of(event(TENANT, "a", "meta", "hook")));
        reopen(Map.of(TENANT, Set.of("meta")));

        reopen(BOTH);

        List<Claimed> hook = delivery.claim(TENANT, "hook", 10, T0, LEASE, "r1");
        assertThat(hook.stream().map(c -> c.eventId() + ":" + (c.id() > 0)).toList(), contains("a:true"));
    }

    /**
     * A tenant removed from the configuration as a whole: its unsettled copies move to the outbox
     * (where the retention purge reaches them, and delivery does if it comes back), its cursors go,
     * and so do its log rows, which nothing would purge otherwise and which kept their events rows
     * from every retention. The other tenant's log is untouched.
     */
    @Test
    void aTenantRemovedAsAWhole_hasItsCopiesMovedToTheOutbox_andItsLogRowsDeleted() {
        reopen(Map.of(TENANT, Set.of("meta", "hook"), "globex", Set.of("meta")));
        store.write(List.of(event(TENANT, "a", "meta", "hook"), event("globex", "g1", "meta"), event("globex", "g2", "meta")));
        List<Claimed> g1 = delivery.claim("globex", "meta", 1, T0, LEASE, "r1");
        assertThat(delivery.markDelivered("globex", "r1", ids(g1)), is(1));

        reopen(BOTH);

        assertThat(store.outbox("globex", 10).stream().map(r -> r.eventId() + ":" + r.destinationId() + ":" + r.state() + ":" + (r.id() > 0)).toList(),
                contains("g2:meta:pending:true"));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log WHERE tenant_id = 'globex'"), is(0L));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_cursors WHERE tenant_id = 'globex'"), is(0L));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log WHERE tenant_id = 'acme'"), is(1L));
        assertThat(store.outbox(TENANT, 10).stream().map(r -> r.eventId() + ":" + r.destinationId() + ":" + (r.id() > 0)).toList(),
                contains("a:meta:false", "a:hook:false"));

        // Back in the configuration: the moved copy is delivered once, from the outbox.
        reopen(Map.of(TENANT, Set.of("meta", "hook"), "globex", Set.of("meta")));
        assertThat(delivery.claim("globex", "meta", 10, T0, LEASE, "r2").stream().map(c -> c.eventId() + ":" + (c.id() > 0)).toList(),
                contains("g2:true"));
    }

    @Test
    void aTenantLeftWithoutALoggedDestination_hasItsLogRowsDeleted() {
        store.write(List.of(event(TENANT, "a", "meta", "hook"), event(TENANT, "b", "meta")));

        reopen(Map.of(TENANT, Set.of()));

        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(0L));
        assertThat(store.outbox(TENANT, 10).stream().map(r -> r.eventId() + ":" + r.destinationId() + ":" + (r.id() > 0)).toList(),
                containsInAnyOrder("a:meta:true", "a:hook:true", "b:meta:true"));
    }

    @Test
    void outboxRowsAnEarlierVersionWrote_areStillDelivered_beforeTheLog() {
        reopen(Map.of());
        store.write(List.of(event(TENANT, "old", "meta")));
        reopen(BOTH);
        store.write(List.of(event(TENANT, "new", "meta")));

        List<Claimed> claimed = delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1");

        assertThat(claimed.stream().map(c -> c.eventId() + ":" + (c.id() > 0)).toList(), contains("old:true", "new:false"));
        assertThat(delivery.markDelivered(TENANT, "r1", ids(claimed)), is(2));
        assertThat(store.outbox(TENANT, 10), empty());
    }

    @Test
    void anotherTenantCannotSettleOrSeeACopy() {
        reopen(Map.of(TENANT, Set.of("meta"), "globex", Set.of("meta")));
        store.write(List.of(event(TENANT, "a", "meta")));
        List<Claimed> claimed = delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1");

        assertThat(delivery.markDelivered("globex", "r1", ids(claimed)), is(0));
        assertThat(delivery.deadLetter("globex", "r1", List.of(new Dead(claimed.getFirst().id(), "x", Optional.empty(), true)),
                T0), is(0));
        assertThat(delivery.claim("globex", "meta", 10, T0.plus(LEASE), LEASE, "r2"), empty());
        assertThat(delivery.backlog("globex"), empty());
        assertThat(cursor("meta"), is(0L));
        assertThat(delivery.markDelivered(TENANT, "r1", ids(claimed)), is(1));
    }

    @Test
    void aReleasedCopyIsClaimedFirstAndHoldsTheCursor() {
        store.write(List.of(event(TENANT, "a", "meta"), event(TENANT, "b", "meta"), event(TENANT, "c", "meta")));
        List<Claimed> ab = delivery.claim(TENANT, "meta", 2, T0, LEASE, "r1");

        assertThat(delivery.release(TENANT, "r1", List.of(ab.getFirst().id()), T0), is(1));
        assertThat(delivery.markDelivered(TENANT, "r1", List.of(ab.get(1).id())), is(1));

        assertThat(cursor("meta"), is(0L));
        assertThat(delivery.claim(TENANT, "meta", 10, T0, LEASE, "r2").stream().map(Claimed::eventId).toList(), contains("a", "c"));
    }

    @Test
    void erasedCopiesAreNotHandedOutAgain_andARetryOfOneWritesNothing() {
        store.write(List.of(event(TENANT, "a", "meta"), event(TENANT, "b", "meta")));
        List<Claimed> claimed = delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1");
        delivery.release(TENANT, "r1", List.of(claimed.get(1).id()), T0);
        db.execute("DELETE FROM delivery_log");

        assertThat(delivery.reschedule(TENANT, "r1", List.of(new Retry(claimed.getFirst().id(), T0, "x")), T0), is(0));
        assertThat(delivery.claim(TENANT, "meta", 10, T0, LEASE, "r1"), empty());
        assertThat(db.queryLong("SELECT count(*) FROM outbox"), is(0L));
    }

    @Test
    void backlog_countsTheCopiesNoCursorHasPassed() {
        store.write(List.of(event(TENANT, "a", "meta", "hook"), event(TENANT, "b", T0.plusSeconds(10), "meta")));
        delivery.markDelivered(TENANT, "r1", ids(delivery.claim(TENANT, "meta", 1, T0, LEASE, "r1")));

        assertThat(delivery.backlog(TENANT), contains(
                new DeliveryStore.Backlog("hook", 1, Optional.of(T0), 0),
                new DeliveryStore.Backlog("meta", 1, Optional.of(T0.plusSeconds(10)), 0)));
    }

    @Test
    void eachTenantsRowsGoOnceItsCursorsPassedThem_anotherTenantsBacklogStays_alsoAfterARestart() {
        reopen(Map.of(TENANT, Set.of("meta"), "globex", Set.of("meta")));
        store.write(IntStream.range(0, 6).mapToObj(i -> event(i % 2 == 0 ? TENANT : "globex", "e" + i, "meta")).toList());

        deliverAll(TENANT);
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log WHERE tenant_id = '" + TENANT + "'"), is(0L));
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log WHERE tenant_id = 'globex'"), is(3L));

        store.write(IntStream.range(6, 10).mapToObj(i -> event(i % 2 == 0 ? TENANT : "globex", "e" + i, "meta")).toList());
        deliverAll(TENANT);
        assertThat("rows above the last purge go too", db.queryLong(
                "SELECT count(*) FROM delivery_log WHERE tenant_id = '" + TENANT + "'"), is(0L));

        reopen(Map.of(TENANT, Set.of("meta"), "globex", Set.of("meta")));
        store.write(List.of(event(TENANT, "e10", "meta"), event("globex", "e11", "meta")));
        deliverAll("globex");
        deliverAll(TENANT);
        assertThat(db.queryLong("SELECT count(*) FROM delivery_log"), is(0L));
    }

    @Test
    void theLogsQueries_readARowidRange_andThePurgeStartsAtTheLastOne() {
        // No index on the tenant (V33): what keeps the log's queries off its whole length is the
        // rowid range each names (a cursor, or the tenant's last purge).
        assertThat(plan(DeliveryLog.READ_FROM), org.hamcrest.Matchers.containsString(
                "SEARCH l USING INTEGER PRIMARY KEY (rowid>?)"));
        assertThat(plan(DeliveryLog.READ_LANE), org.hamcrest.Matchers.containsString(
                "SEARCH l USING INTEGER PRIMARY KEY (rowid>?)"));
        assertThat(plan(DeliveryLog.LANE_BACKLOG), org.hamcrest.Matchers.containsString(
                "SEARCH l USING INTEGER PRIMARY KEY (rowid>?)"));
        assertThat(plan(DeliveryLog.PURGE), org.hamcrest.Matchers.containsString(
                "SEARCH delivery_log USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"));
        assertThat(db.queryLong("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'delivery_log' AND type = 'index'"),
                is(0L));
    }

    @Test
    void moreDestinationsThanClaimIdsCanNumberAreRefused() {
        Set<String> many = new java.util.HashSet<>();
        IntStream.range(0, DeliveryCopies.MAX_COPIES + 1).forEach(i -> many.add("d" + i));

        assertThrows(IllegalArgumentException.class, () -> delivery.deliverFromLog(Map.of(TENANT, many), T0));
    }

    private void deliverAll(String tenant) {
        List<Claimed> claimed = delivery.claim(tenant, "meta", 100, T0, LEASE, "r-" + tenant);
        assertThat(delivery.markDelivered(tenant, "r-" + tenant, ids(claimed)), is(claimed.size()));
    }

    /** SQLite's plan for a statement, its lines joined. */
    private String plan(String sql) {
        try (var c = db.connect(); var ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql.formatted("?"))) {
            StringBuilder out = new StringBuilder();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString("detail")).append('\n');
                }
            }
            return out.toString();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long cursor(String destination) {
        return db.queryLong("SELECT settled_through FROM delivery_cursors WHERE tenant_id = '" + TENANT
                + "' AND destination_id = '" + destination + "'");
    }

    private long rowOf(String eventId) {
        return db.queryLong("SELECT id FROM events WHERE event_id = '" + eventId + "'");
    }

    private static List<Long> ids(List<Claimed> claimed) {
        return claimed.stream().map(Claimed::id).toList();
    }
}
