package dev.sluice.store;

import dev.sluice.testing.Closing;
import static dev.sluice.store.TestEvents.T0;
import static dev.sluice.store.TestEvents.WINDOW;
import static dev.sluice.store.TestEvents.event;
import static dev.sluice.store.WriteOutcome.DUPLICATE;
import static dev.sluice.store.WriteOutcome.INSERTED;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Store} contract, run once per database by the subclasses. */
abstract class AbstractStoreTest {

    @TempDir
    Path tempDir;

    TestDatabase db;
    Store store;
    /** A fresh tenant per test, so no assertion can see another test's rows. */
    final String tenant = "tenant-" + UUID.randomUUID();

    abstract TestDatabase createDatabase();

    @BeforeEach
    void open() {
        db = createDatabase();
        store = Stores.open(db.config());
    }

    @AfterEach
    void closeAll() {
        // Either is null when setup was skipped or failed.
        Closing.inOrder(store, db);
    }

    @Test
    void write_newEvent_insertsEventAndOneOutboxRowPerDestinationWithPayloadIntact() {
        assertThat(store.write(List.of(event(tenant, "order-1", "meta", "google_ads"))), contains(INSERTED));

        assertThat(store.countEvents(tenant), is(1L));
        List<OutboxRow> rows = store.outbox(tenant, 10);
        assertThat(rows, hasSize(2));
        assertThat(rows.get(0).id(), lessThan(rows.get(1).id()));
        for (int i = 0; i < 2; i++) {
            OutboxRow row = rows.get(i);
            String destination = List.of("meta", "google_ads").get(i);
            assertThat(row.destinationId(), is(destination));
            assertThat(row.tenantId(), is(tenant));
            assertThat(row.eventName(), is(TestEvents.NAME));
            assertThat(row.eventId(), is("order-1"));
            assertThat(row.state(), is("pending"));
            assertThat(row.attempts(), is(0));
            assertThat(row.nextAttemptAt(), is(T0));
            assertThat(row.keyId(), is("key-1"));
            assertArrayEquals(TestEvents.payload(tenant, "order-1", destination), row.payload());
        }
    }

    @Test
    void write_sameKeyInALaterWrite_isDuplicateAndWritesNothing() {
        store.write(List.of(event(tenant, "order-1", "meta")));

        assertThat(store.write(List.of(event(tenant, "order-1", T0.plusSeconds(60), "meta", "tiktok"))),
                contains(DUPLICATE));
        assertThat(store.countEvents(tenant), is(1L));
        assertThat(store.outbox(tenant, 10), hasSize(1));
    }

    @Test
    void write_repeatInsideOneList_isDuplicateAndOrderIsKept() {
        List<WriteOutcome> outcomes = store.write(List.of(
                event(tenant, "a", "meta"), event(tenant, "b", "meta"), event(tenant, "a", "meta"),
                event(tenant, "c", "meta"), event(tenant, "b", "meta")));

        assertThat(outcomes, contains(INSERTED, INSERTED, DUPLICATE, INSERTED, DUPLICATE));
        assertThat(store.countEvents(tenant), is(3L));
        assertThat(store.outbox(tenant, 10).stream().map(OutboxRow::eventId).toList(), contains("a", "b", "c"));
    }

    @Test
    void write_repeatsAcrossTheChunksOfALongList_areDuplicatesAndTheFirstOfEachKeyIsInserted() {
        List<EventRecord> events = new java.util.ArrayList<>();
        List<WriteOutcome> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // Every 7th event from the 100th on repeats one 90 places earlier (another chunk).
            boolean repeat = i >= 100 && i % 7 == 0;
            events.add(event(tenant, "o-" + (repeat ? i - 90 : i), "meta"));
            expected.add(repeat ? DUPLICATE : INSERTED);
        }
        long inserted = expected.stream().filter(o -> o == INSERTED).count();

        assertThat(store.write(events), is(expected));
        assertThat(store.countEvents(tenant), is(inserted));
        List<OutboxRow> rows = store.outbox(tenant, 300);
        assertThat(rows.stream().map(OutboxRow::eventId).toList(), is(events.stream()
                .map(EventRecord::eventId).distinct().toList()));
        assertThat("one event row per outbox row", new java.util.HashSet<>(eventRowIdsOf(rows)).size(), is((int) inserted));
    }

    /**
     * On SQLite's writer, values every row of a chunk repeats are bound once ({@link MultiRowInsert});
     * a long list whose chunks repeat some columns and not others, mixing tenants and times, must
     * still store every event's own values.
     */
    @Test
    void write_aLongListMixingRepeatedAndOwnValues_storesEveryEventsOwnValues() {
        String other = tenant + "-other";
        List<EventRecord> events = new java.util.ArrayList<>();
        // One tenant in runs of equal receive times (the first chunk repeats the tenant, not the time) ...
        for (int i = 0; i < 100; i++) {
            events.add(event(tenant, "order-" + i, T0.plusSeconds(i / 30), "meta", "google_ads"));
        }
        // ... then tenants alternating at one time (chunks of 16, 8 and 4 repeat the time, not the tenant).
        for (int i = 100; i < 128; i++) {
            events.add(event(i % 2 == 0 ? tenant : other, "order-" + i, T0.plusSeconds(10), "meta", "google_ads"));
        }
        assertThat(store.write(events), everyItem(is(INSERTED)));

        for (String t : List.of(tenant, other)) {
            List<EventRecord> expected = events.stream().filter(e -> e.tenantId().equals(t)).toList();
            assertThat(store.countEvents(t), is((long) expected.size()));
            List<OutboxRow> rows = store.outbox(t, 1_000);
            assertThat(rows, hasSize(expected.size() * 2));
            java.util.Map<String, EventRecord> byId = new java.util.HashMap<>();
            expected.forEach(e -> byId.put(e.eventId(), e));
            for (OutboxRow row : rows) {
                EventRecord e = byId.get(row.eventId());
                assertThat(row.eventId(), e != null, is(true));
                assertThat(row.tenantId(), is(t));
                assertThat(row.eventName(), is(TestEvents.NAME));
                assertThat(row.nextAttemptAt(), is(e.receivedAt()));
                assertArrayEquals(TestEvents.payload(t, e.eventId(), row.destinationId()), row.payload());
            }
        }
        // Every key is live: the same list again is all duplicates.
        assertThat(store.write(events), everyItem(is(DUPLICATE)));
    }

    @Test
    void write_everyOutboxRowPointsAtItsOwnEventRow_withAndWithoutDuplicatesInTheList() {
        store.write(List.of(event(tenant, "earlier", "meta")));
        List<EventRecord> allNew = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            allNew.add(event(tenant, "n-" + i, "meta", "google_ads"));
        }
        List<EventRecord> someRepeated = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            someRepeated.add(event(tenant, i % 10 == 3 ? "n-" + i : "r-" + i, "meta"));
        }

        assertThat(store.write(allNew), everyItem(is(INSERTED)));
        store.write(someRepeated);

        assertThat(store.countEvents(tenant), is(1L + 250 + 135));
        assertThat("outbox rows whose event row has another event id", db.queryLong("""
                SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_row_id
                WHERE e.event_id <> o.event_id OR e.tenant_id <> o.tenant_id OR e.event_name <> o.event_name"""), is(0L));
        assertThat(db.queryLong("SELECT count(*) FROM outbox"), is(1L + 500 + 135));
    }

    @Test
    void write_sameEventIdWithAnotherEventName_isADifferentKey() {
        EventRecord purchase = event(tenant, "order-1", "meta");
        EventRecord refund = new EventRecord(tenant, "Refund", "order-1", T0, T0, T0.plus(WINDOW), List.of());

        assertThat(store.write(List.of(purchase, refund)), contains(INSERTED, INSERTED));
    }

    @Test
    void tenants_sameKeyInTwoTenants_bothInsertedAndReadsStayPerTenant() {
        String other = "tenant-" + UUID.randomUUID();

        assertThat(store.write(List.of(event(tenant, "order-1", "meta"), event(other, "order-1", "meta", "tiktok"))),
                contains(INSERTED, INSERTED));
        assertThat(store.countEvents(tenant), is(1L));
        assertThat(store.countEvents(other), is(1L));
        assertThat(store.outbox(tenant, 10), hasSize(1));
        assertThat(store.outbox(other, 10), hasSize(2));
        assertThat(store.outbox(other, 10).stream().map(OutboxRow::tenantId).toList(), everyItem(is(other)));
        assertThat(store.countEvents("tenant-without-events"), is(0L));
    }

    @Test
    void write_afterDedupWindow_acceptsAgainAsANewEventRowWithItsOwnOutboxRows() {
        store.write(List.of(event(tenant, "order-1", "meta")));
        var justBefore = event(tenant, "order-1", T0.plus(WINDOW).minusMillis(1), "meta");
        var atExpiry = event(tenant, "order-1", T0.plus(WINDOW), "meta", "tiktok");
        var insideNewWindow = event(tenant, "order-1", T0.plus(WINDOW).plusSeconds(1), "meta");

        assertThat(store.write(List.of(justBefore, atExpiry, insideNewWindow)),
                contains(DUPLICATE, INSERTED, DUPLICATE));

        assertThat(store.countEvents(tenant), is(2L));
        List<OutboxRow> rows = store.outbox(tenant, 10);
        assertThat(rows.stream().map(OutboxRow::nextAttemptAt).toList(),
                contains(T0, T0.plus(WINDOW), T0.plus(WINDOW)));
        List<Long> eventRows = eventRowIdsOf(rows);
        assertThat(eventRows.get(0).equals(eventRows.get(1)), is(false));
        assertThat(eventRows.get(1), is(eventRows.get(2)));
    }

    @Test
    void write_failingTransaction_writesNothingOfTheList() {
        db.failOutboxInsertsFor("boom");
        var good = event(tenant, "good", "meta");
        var bad = event(tenant, "bad", "boom");

        assertThrows(StoreException.class, () -> store.write(List.of(good, event(tenant, "good-2", "meta"), bad)));

        assertThat(store.countEvents(tenant), is(0L));
        assertThat(store.outbox(tenant, 10), empty());
        // The rolled-back dedup key does not linger: the same event is new again.
        assertThat(store.write(List.of(good)), contains(INSERTED));
    }

    @Test
    void companions_areWrittenOnlyForInsertedEventsInTheEventTransaction() {
        List<String> written = new java.util.ArrayList<>();
        Companion.Kind kind = (connection, dialect, placed) -> {
            assertThat(dialect, is(store.kind()));
            assertThat(connection.getAutoCommit(), is(false));
            placed.forEach(p -> written.add(p.event().eventId() + "@" + (p.eventRowId() > 0)));
        };
        Companion companion = () -> kind;
        var a = withCompanion(event(tenant, "a", "meta"), companion);
        var b = withCompanion(event(tenant, "b", "meta"), companion);

        assertThat(store.write(List.of(a, b, a)), contains(INSERTED, INSERTED, DUPLICATE));
        assertThat(store.write(List.of(b)), contains(DUPLICATE));

        assertThat(written, contains("a@true", "b@true"));
    }

    @Test
    void companions_failingKindRollsBackTheWholeTransaction() {
        Companion.Kind failing = (connection, dialect, placed) -> {
            throw new java.sql.SQLException("companion failed");
        };
        var event = withCompanion(event(tenant, "x", "meta"), () -> failing);

        assertThrows(StoreException.class, () -> store.write(List.of(event(tenant, "y", "meta"), event)));

        assertThat(store.countEvents(tenant), is(0L));
        assertThat(store.outbox(tenant, 10), empty());
    }

    private static EventRecord withCompanion(EventRecord e, Companion companion) {
        return new EventRecord(e.tenantId(), e.eventName(), e.eventId(), e.eventTime(), e.receivedAt(), e.dedupUntil(),
                e.outbox(), List.of(companion));
    }

    @Test
    void reopen_afterClose_keepsEventsOutboxAndDedupKeys() {
        store.write(List.of(event(tenant, "order-1", "meta", "google_ads")));
        store.close();

        store = Stores.open(db.config());

        assertThat(store.countEvents(tenant), is(1L));
        assertThat(store.outbox(tenant, 10), hasSize(2));
        assertThat(store.write(List.of(event(tenant, "order-1", "meta"))), contains(DUPLICATE));
    }

    @Test
    void outbox_honoursLimitInIdOrder() {
        store.write(List.of(event(tenant, "a", "d1", "d2"), event(tenant, "b", "d1", "d2")));

        assertThat(store.outbox(tenant, 3).stream().map(r -> r.eventId() + ":" + r.destinationId()).toList(),
                contains("a:d1", "b:d1", "a:d2"));
        assertThat(store.outbox(tenant, 0), empty());
    }

    /**
     * One transaction's outbox rows go in destination by destination (in the order destinations
     * first appear), each destination's in event order, so that a dispatcher settling its destination's rows rewrites pages holding its own rows
     * rather than every page of the transaction (docs/benchmarks.md, session 15). Events of two
     * tenants in one list keep each tenant's rows together too.
     */
    @Test
    void write_groupsOneTransactionsOutboxRowsByDestination_inEventOrderWithinEach() {
        String other = "tenant-" + UUID.randomUUID();
        store.write(List.of(event(tenant, "a", "meta", "webhook"), event(other, "x", "webhook", "meta"),
                event(tenant, "b", "webhook"), event(tenant, "c", "meta", "webhook"), event(other, "y", "meta")));

        assertThat(store.outbox(tenant, 10).stream().map(r -> r.destinationId() + ":" + r.eventId()).toList(),
                contains("meta:a", "meta:c", "webhook:a", "webhook:b", "webhook:c"));
        assertThat(store.outbox(other, 10).stream().map(r -> r.destinationId() + ":" + r.eventId()).toList(),
                contains("webhook:x", "meta:x", "meta:y"));
    }

    @Test
    void write_emptyList_returnsNoOutcomes() {
        assertThat(store.write(List.of()), empty());
    }

    @Test
    void closedStore_pingsFalseAndRefusesWrites() {
        assertThat(store.ping(), is(true));
        store.close();

        assertThat(store.ping(), is(false));
        assertThrows(StoreException.class, () -> store.write(List.of(event(tenant, "order-1"))));
        assertThrows(StoreException.class, () -> store.countEvents(tenant));
        store.close();
    }

    @Test
    void kind_namesTheDatabase() {
        assertThat(store.kind(), is(db.config().kind()));
    }

    /** Outbox rows don't expose event_row_id; read it out of band, in the rows' order. */
    private List<Long> eventRowIdsOf(List<OutboxRow> rows) {
        return rows.stream().map(r -> db.queryLong("SELECT event_row_id FROM outbox WHERE id = " + r.id())).toList();
    }
}
