package dev.sluice.delivery;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.config.TenantConfig;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.store.DeliveryStore;
import dev.sluice.store.EventRecord;
import dev.sluice.store.OutboxRecord;
import dev.sluice.store.OutboxRow;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine over a real SQLite outbox and the real webhook connector, with a scripted transport
 * and a fake clock that the sleeper advances: no test sleeps or touches the network.
 */
final class DispatcherTest {
    static final String TENANT = "acme";
    static final String HOOK = "hook";
    static final Instant T0 = Instant.parse("2026-11-28T10:15:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Store store;
    DataKeyring keyring = DataKeyring.of(Map.of("k1", new byte[32]), "k1");
    FakeClock clock = new FakeClock(T0);
    /** Event ids of each request, in order. */
    List<List<String>> requests = new ArrayList<>();
    Function<List<String>, HttpResponseSpec> platform = ids -> HttpResponseSpec.of(200, "{}");
    /** What the engine asked its sleeper for; the fake clock advances by it instead. */
    List<Duration> sleeps = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DeliveryEngine engine;
    Dispatcher dispatcher;
    TenantConfig tenant;

    @BeforeEach
    void open() {
        store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
    }

    @AfterEach
    void close() {
        store.close();
    }

    void start(Map<String, String> extraSettings) {
        Map<String, String> settings = new HashMap<>(Map.of("url", "http://127.0.0.1:9/hook", "secret", "env:HOOK_SECRET",
                "max-batch-size", "8"));
        settings.putAll(extraSettings);
        tenant = new TenantConfig(TENANT, List.of(new byte[32]), "US", Optional.empty(), Duration.ofMinutes(5),
                List.of(new DestinationConfig(HOOK, "webhook", settings), new DestinationConfig("gads", "google_ads", Map.of())),
                false);
        Transport transport = (request, timeout) -> {
            List<String> ids = new ArrayList<>();
            JSON.readTree(request.body()).get("events").forEach(e -> ids.add(e.get("event_id").asText()));
            requests.add(ids);
            HttpResponseSpec response = platform.apply(ids);
            if (response == null) {
                throw new IOException("connect timed out");
            }
            return response;
        };
        engine = DeliveryEngine.create(List.of(tenant), Secrets.of(Map.of("HOOK_SECRET", "0123456789abcdef0123"), dir),
                keyring, store.delivery(), registry, clock, d -> {
                    sleeps.add(d);
                    clock.advance(d);
                }, p -> transport,
                new CountDownLatch(1));
        dispatcher = engine.dispatcher(TENANT, HOOK).orElseThrow();
    }

    void commit(String... eventIds) {
        commit(T0.minusSeconds(60), eventIds);
    }

    void commit(Instant eventTime, String... eventIds) {
        commit(eventTime, 0, eventIds);
    }

    /** Commits events whose stored payloads are {@code pad} bytes larger than the smallest. */
    void commit(Instant eventTime, int pad, String... eventIds) {
        List<EventRecord> events = new ArrayList<>();
        for (String id : eventIds) {
            byte[] payload = ("{\"v\":1,\"event_id\":\"" + id + "\",\"event_name\":\"Purchase\",\"event_time\":"
                    + eventTime.getEpochSecond() + ",\"custom_data\":{\"pad\":\"" + "x".repeat(pad) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] sealed = keyring.forTenant(TENANT).seal(payload, dev.sluice.privacy.PayloadAad.of(TENANT, HOOK, "Purchase", id));
            events.add(new EventRecord(TENANT, "Purchase", id, eventTime, clock.instant(), clock.instant().plus(Duration.ofDays(7)),
                    List.of(new OutboxRecord(HOOK, sealed, "k1"))));
        }
        store.write(events);
    }

    List<OutboxRow> rows() {
        return store.outbox(TENANT, 1000);
    }

    OutboxRow row(String eventId) {
        return rows().stream().filter(r -> r.eventId().equals(eventId)).findFirst().orElseThrow();
    }

    @Test
    void aFailureIsDescribedByItsTypeOnly_exceptTheStoresWhoseMessageNamesTheOperationAndCode() {
        var full = dev.sluice.store.StoreException.of("claiming delivery log copies failed",
                new org.sqlite.SQLiteException("database or disk is full", org.sqlite.SQLiteErrorCode.SQLITE_FULL));
        assertThat(Dispatcher.describe(full, false),
                is("StoreException: claiming delivery log copies failed (SQLITE_FULL)"));
        assertThat(Dispatcher.describe(full, true),
                is("dev.sluice.store.StoreException: claiming delivery log copies failed (SQLITE_FULL)"));
        // Any other message may hold a payload's value: left out.
        assertThat(Dispatcher.describe(new IllegalStateException("jane@example.com"), false), is("IllegalStateException"));
    }

    @Test
    void delivered_oneRequestPerBatch_rowsAndPayloadsDeleted() throws Exception {
        start(Map.of());
        commit("a", "b", "c");

        dispatcher.cycle();

        assertThat(requests, is(List.of(List.of("a", "b", "c"))));
        assertThat(rows(), empty());
        assertThat(engine.destinations(TENANT).getFirst().status().orElseThrow().lastLatency(),
                is(Optional.of(Duration.ZERO)));
    }

    @Test
    void aSettingNoReaderAsksFor_stopsStartupNamingIt_andWhatTheTypeTakes() {
        // A misspelt max-batch-size, or a misspelt test-event-code (test traffic sent to
        // production), was ignored until session 35.
        dev.sluice.config.ConfigException e = assertThrows(dev.sluice.config.ConfigException.class,
                () -> start(Map.of("max-batch-sise", "8")));
        assertThat(e.key(), is("sluice.tenants." + TENANT + ".destinations." + HOOK + ".settings.max-batch-sise"));
        assertThat(e.getMessage(), containsString("is not a setting of a webhook destination (misspelt?); it takes "));
        assertThat(e.getMessage(), containsString("hashing-profile, max-batch-size, max-request-bytes"));
        assertThat(e.getMessage(), containsString("retry-max-attempts"));
        // What the ingest path reads is a setting too.
        start(Map.of("hashing-profile", "google"));
    }

    @Test
    void retryLater_waitsForBackoffOrRetryAfterWhicheverIsLater() throws Exception {
        start(Map.of("retry-initial-backoff", "10s"));
        commit("a");
        platform = ids -> new HttpResponseSpec(503, Map.of("Retry-After", List.of("120")), new byte[0]);

        dispatcher.cycle();
        assertThat(row("a").attempts(), is(1));
        assertThat(row("a").nextAttemptAt(), is(T0.plusSeconds(120)));

        platform = ids -> HttpResponseSpec.of(503, "");
        clock.set(T0.plusSeconds(120));
        dispatcher.cycle();
        // Attempt 2 of exponential backoff from 10 s: 20 s ± 50 % jitter.
        Instant next = row("a").nextAttemptAt();
        assertThat(next.getEpochSecond() - clock.instant().getEpochSecond(), allOf(greaterThanOrEqualTo(10L), lessThanOrEqualTo(30L)));
        assertThat(requests, hasSize(2));
        dispatcher.cycle(); // not due yet
        assertThat(requests, hasSize(2));
    }

    /**
     * Once the doubling reaches {@code retry-max-backoff}, retries still spread: resilience4j
     * clamped after randomising, so from the 11th attempt on (defaults) every row waited exactly
     * 15 minutes and rows that failed together stayed in lock-step (until session 40).
     */
    @Test
    void backoff_isJitteredAtTheCapToo_andNeverExceedsRetryMaxBackoff() {
        DeliveryPolicy policy = new DeliveryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2), 15, Duration.ofDays(1),
                Duration.ofSeconds(1), Duration.ofMinutes(15), 50, Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofMillis(200), 64, 1, DeliveryPolicy.DEFAULT_MAX_REQUEST_BYTES);
        long max = Duration.ofMinutes(15).toMillis();
        // Below the cap: 2^(n-1) s ± 50 %.
        assertThat(policy.backoffMillis(3, 0.0), is(2_000L));
        assertThat(policy.backoffMillis(3, 0.999_999), is(6_000L));
        // At the cap (attempt 11: 1,024 s > 900 s) and far past it: half the cap to the cap.
        for (int attempt : new int[] {11, 13, 15, 1000}) {
            assertThat(policy.backoffMillis(attempt, 0.0), is(max / 2));
            assertThat(policy.backoffMillis(attempt, 0.999_999), allOf(greaterThanOrEqualTo(max - 1), lessThanOrEqualTo(max)));
            var function = policy.backoff();
            java.util.Set<Long> drawn = new java.util.HashSet<>();
            for (int i = 0; i < 50; i++) {
                long delay = function.apply(attempt);
                assertThat(delay, allOf(greaterThanOrEqualTo(max / 2), lessThanOrEqualTo(max)));
                drawn.add(delay);
            }
            assertThat("attempt " + attempt + " spreads", drawn.size(), greaterThanOrEqualTo(40));
        }
    }

    /**
     * A Retry-After beyond the row's retry age is honoured until then only. One past what an
     * Instant holds threw when the retry time was computed, which left the batch leased and the
     * destination reporting {@code internal: DateTimeException}; a date decades off parked the row.
     */
    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999", "86400", "Fri, 31 Dec 2100 23:59:59 GMT"})
    void aRetryAfterBeyondTheRetryAge_isHonouredUntilItsEnd_thenTheRowIsTriedOnceMore(String retryAfter) throws Exception {
        start(Map.of("retry-max-age", "1h"));
        commit("a");
        platform = ids -> new HttpResponseSpec(429, Map.of("Retry-After", List.of(retryAfter)), new byte[0]);

        dispatcher.cycle();
        assertThat(row("a").attempts(), is(1));
        assertThat(row("a").nextAttemptAt(), is(T0.plus(Duration.ofHours(1))));
        assertThat(dispatcher.status().lastError().orElseThrow(), startsWith("webhook: HTTP 429"));

        clock.set(T0.plus(Duration.ofHours(1)).minusMillis(1));
        dispatcher.cycle();
        assertThat(requests, hasSize(1));
        clock.set(T0.plus(Duration.ofHours(1)));
        dispatcher.cycle();
        assertThat(requests, hasSize(2));
        assertThat(row("a").state(), is("dead"));
    }

    @Test
    void retryBudget_exhaustedAfterMaxAttempts_deadLettersWithTheLastReason() throws Exception {
        start(Map.of("retry-max-attempts", "3", "retry-initial-backoff", "1s", "retry-max-backoff", "1s"));
        commit("a");
        platform = ids -> null; // connect timeouts

        for (int i = 0; i < 3; i++) {
            dispatcher.cycle();
            clock.advance(Duration.ofSeconds(5));
        }

        assertThat(requests, hasSize(3));
        assertThat(row("a").state(), is("dead"));
        DeliveryStore.DeadLetter dead = store.delivery().deadLetters(TENANT,
                new DeliveryStore.DeadLetterQuery(Optional.empty(), Optional.empty(), 0, 10)).items().getFirst();
        assertThat(dead.reason(), is("retry budget exhausted after 3 attempts: transport: IOException"));
        assertThat(dead.attempts(), is(3));
    }

    /**
     * A replay gives a fresh retry budget, attempts and age: until session 40 the age still
     * counted from the commit, so a dead letter replayed after {@code retry-max-age} was
     * dead-lettered again by its first 5xx ("after 1 attempts").
     */
    @Test
    void aDeadLetterReplayedAfterTheRetryAge_getsAFreshBudget_attemptsAndAge() throws Exception {
        // The circuit opens after five failures; closed again within each five-second step here.
        start(Map.of("retry-max-age", "1m", "retry-max-attempts", "3", "retry-initial-backoff", "1s",
                "retry-max-backoff", "1s", "circuit-open-duration", "1s"));
        commit("a");
        platform = ids -> HttpResponseSpec.of(500, "");
        for (int i = 0; i < 3; i++) {
            dispatcher.cycle();
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(row("a").state(), is("dead"));

        clock.advance(Duration.ofHours(2));
        long id = row("a").id();
        assertThat(store.delivery().replay(TENANT, new DeliveryStore.ReplaySelector(List.of(id), Optional.empty(),
                Optional.empty()), clock.instant()).replayed(), is(1));
        dispatcher.cycle();
        assertThat("retried, not dead-lettered", row("a").state() + row("a").attempts(), is("pending1"));
        clock.advance(Duration.ofSeconds(5));
        dispatcher.cycle();
        clock.advance(Duration.ofSeconds(5));
        dispatcher.cycle();
        assertThat(requests, hasSize(6));
        DeliveryStore.DeadLetter dead = store.delivery().deadLetters(TENANT,
                new DeliveryStore.DeadLetterQuery(Optional.empty(), Optional.empty(), 0, 10)).items().getFirst();
        assertThat(dead.reason(), is("retry budget exhausted after 3 attempts: webhook: HTTP 500"));
        assertThat(dead.createdAt(), is(T0));

        // And the age budget counts from the replay: a minute after it, one more failure ends it.
        clock.advance(Duration.ofHours(1));
        store.delivery().replay(TENANT, new DeliveryStore.ReplaySelector(List.of(id), Optional.empty(), Optional.empty()),
                clock.instant());
        dispatcher.cycle();
        assertThat(row("a").nextAttemptAt(), lessThanOrEqualTo(clock.instant().plusSeconds(60)));
        clock.advance(Duration.ofSeconds(61));
        dispatcher.cycle();
        assertThat(row("a").state() + row("a").attempts(), is("dead2"));
    }

    @Test
    void rejectedBatch_bisectsToIsolateOnePoisonEventAmongEight_inLogarithmicRequests() throws Exception {
        start(Map.of());
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> "e" + i).toList();
        commit(ids.toArray(String[]::new));
        platform = batch -> batch.contains("e5") ? HttpResponseSpec.of(400, "") : HttpResponseSpec.of(200, "");

        dispatcher.cycle();

        // 8 → 4 + 4 → 2 + 2 → 1 + 1: one request, then two per level of log2(8) = 3 levels.
        assertThat(requests.size(), is(1 + 2 * 3));
        assertThat(row("e5").state(), is("dead"));
        assertThat(rows(), hasSize(1));
    }

    @Test
    void rejectedBatch_bisectionStopsAtItsRequestBudget_andDeadLettersWhatIsNotIsolatedWithThatReason() throws Exception {
        start(Map.of("bisect-max-requests", "5"));
        commit(IntStream.range(0, 8).mapToObj(i -> "e" + i).toArray(String[]::new));
        platform = batch -> HttpResponseSpec.of(400, "");

        dispatcher.cycle();

        // [8] → [4] → [2] → [1] [1]: five requests isolate e0 and e1; the untried halves [2] and
        // [4] are dead-lettered unsent instead of costing the 2·8 − 1 = 15 requests of a full split.
        assertThat(requests.size(), is(5));
        assertThat(rows().stream().map(OutboxRow::state).toList(), everyItem(is("dead")));
        List<DeliveryStore.DeadLetter> dead = store.delivery().deadLetters(TENANT,
                new DeliveryStore.DeadLetterQuery(Optional.empty(), Optional.empty(), 0, 10)).items();
        assertThat(dead.stream().filter(d -> d.reason().equals("webhook: HTTP 400")).map(DeliveryStore.DeadLetter::eventId)
                .toList(), is(List.of("e0", "e1")));
        assertThat(dead.stream().filter(d -> d.reason().startsWith("webhook: not isolated, bisection stopped after 5 requests"))
                .count(), is(6L));
        // Replayable by that reason once the platform is fixed.
        assertThat(store.delivery().replay(TENANT, new DeliveryStore.ReplaySelector(List.of(), Optional.empty(),
                Optional.of("webhook: not isolated")), clock.instant()).replayed(), is(6));
    }

    /** The stored (sealed) size of each of {@code ids}' outbox rows. */
    List<Integer> storedSizes(List<String> ids) {
        return ids.stream().map(id -> row(id).payload().length).toList();
    }

    @Test
    void largeRound_goesOutAsSeveralRequestsOfBoundedStoredBytes_inOrder_settledTogether() throws Exception {
        start(Map.of("max-request-bytes", "2000"));
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> "e" + i).toList();
        commit(T0.minusSeconds(60), 500, ids.toArray(String[]::new));
        // Three stored payloads fit in 2,000 bytes, four do not.
        assertThat(storedSizes(ids), everyItem(allOf(greaterThanOrEqualTo(501), lessThanOrEqualTo(666))));

        dispatcher.cycle();

        assertThat(requests, is(List.of(ids.subList(0, 3), ids.subList(3, 6), ids.subList(6, 8))));
        assertThat(rows(), empty());

        // Later rounds claim only what fits in one request at the sizes seen: three rows each.
        List<String> more = IntStream.range(8, 16).mapToObj(i -> "e" + i).toList();
        commit(T0.minusSeconds(60), 500, more.toArray(String[]::new));
        requests.clear();
        dispatcher.cycle();
        assertThat(requests, is(List.of(more.subList(0, 3))));
        assertThat(rows().stream().filter(r -> r.state().equals("pending")).count(), is(5L));
    }

    @Test
    void claimSize_followsTheStoredSizesSeen_withinOneAndTheConnectorsBatchSize() {
        List<DeliveryStore.Claimed> twoOf500 = List.of(claimed(500), claimed(500));
        assertThat(Dispatcher.rowsThatFit(twoOf500, 2000, 8), is(4));
        assertThat(Dispatcher.rowsThatFit(twoOf500, 2000, 3), is(3));
        assertThat(Dispatcher.rowsThatFit(twoOf500, 400, 8), is(1));
        assertThat(Dispatcher.rowsThatFit(List.of(claimed(0)), 400, 8), is(8));
        // 64 MiB over tiny rows does not overflow.
        assertThat(Dispatcher.rowsThatFit(List.of(claimed(1)), 64L * 1024 * 1024, 1000), is(1000));
    }

    static DeliveryStore.Claimed claimed(int size) {
        return new DeliveryStore.Claimed(1, "Purchase", "e", 0, T0, new byte[size], "k1");
    }

    @Test
    void anEventLargerThanTheRequestBound_stillGoes_alone() throws Exception {
        start(Map.of("max-request-bytes", "1024"));
        commit("small");
        commit(T0.minusSeconds(60), 2000, "large");
        commit("tiny");

        dispatcher.cycle();

        assertThat(requests, is(List.of(List.of("small"), List.of("large"), List.of("tiny"))));
        assertThat(rows(), empty());
    }

    @Test
    void bisectionBudget_isPerRequest_onePoisonedRequestDoesNotSpendTheNextOnes() throws Exception {
        start(Map.of("max-request-bytes", "2700", "bisect-max-requests", "5"));
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> "e" + i).toList();
        commit(T0.minusSeconds(60), 500, ids.toArray(String[]::new));
        platform = batch -> batch.contains("e0") || batch.contains("e4") ? HttpResponseSpec.of(400, "") : HttpResponseSpec.of(200, "");

        dispatcher.cycle();

        // Each request of four: [4] → [2] → [1] dead, [1], [2]: five requests, within its own budget.
        assertThat(requests.subList(0, 5), is(List.of(ids.subList(0, 4), ids.subList(0, 2), List.of("e0"), List.of("e1"),
                ids.subList(2, 4))));
        assertThat(requests, hasSize(10));
        assertThat(row("e0").state(), is("dead"));
        assertThat(row("e4").state(), is("dead"));
        assertThat(rows().stream().map(OutboxRow::eventId).toList(), contains("e0", "e4"));
        assertThat(store.delivery().deadLetters(TENANT, new DeliveryStore.DeadLetterQuery(Optional.empty(), Optional.empty(), 0, 10))
                .items().stream().map(DeliveryStore.DeadLetter::reason).toList(), everyItem(is("webhook: HTTP 400")));
    }

    @Test
    void slowRequests_noRequestStartsThatCouldOutlastTheLease_theRestIsReleased() throws Exception {
        start(Map.of());
        commit(IntStream.range(0, 8).mapToObj(i -> "e" + i).toArray(String[]::new));
        // Each request takes 50 s; the lease of a batch of 8 is 2 min and a request may take 13 s
        // (connect 2 s + read 10 s + 1 s), so the fourth request would start too late.
        platform = batch -> {
            clock.advance(Duration.ofSeconds(50));
            return HttpResponseSpec.of(400, "");
        };

        dispatcher.cycle();

        assertThat(requests.size(), is(3));
        assertThat(rows().stream().map(r -> r.state() + r.attempts()).toList(), everyItem(is("pending0")));
        assertThat(store.delivery().claim(TENANT, HOOK, 10, clock.instant(), Duration.ofMinutes(1), "next"), hasSize(8));
    }

    @Test
    void rateLimiter_waitsThroughTheSleeperForEachFurtherPermit() throws Exception {
        start(Map.of("rate-limit-per-second", "1"));
        commit("good", "poison");
        platform = batch -> batch.contains("poison") ? HttpResponseSpec.of(400, "") : HttpResponseSpec.of(200, "");

        dispatcher.cycle();

        // Three requests ([2], [1], [1]) at one per second: the second and third each wait for a
        // permit, together at least one period, and nothing really slept.
        assertThat(requests.size(), is(3));
        assertThat(sleeps, hasSize(2));
        Duration waited = sleeps.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(waited.compareTo(Duration.ofSeconds(1)) >= 0 && waited.compareTo(Duration.ofSeconds(3)) <= 0, is(true));
        assertThat(rows().stream().map(OutboxRow::eventId).toList(), contains("poison"));
        assertThat(row("poison").state(), is("dead"));
    }

    /** Commits one event whose stored payload is {@code plaintext}, sealed for {@code sealedForId}'s AAD. */
    void commitRaw(String eventId, String sealedForId, String plaintext) {
        byte[] sealed = keyring.forTenant(TENANT).seal(plaintext.getBytes(StandardCharsets.UTF_8),
                dev.sluice.privacy.PayloadAad.of(TENANT, HOOK, "Purchase", sealedForId));
        store.write(List.of(new EventRecord(TENANT, "Purchase", eventId, T0.minusSeconds(60), clock.instant(),
                clock.instant().plus(Duration.ofDays(7)), List.of(new OutboxRecord(HOOK, sealed, "k1")))));
    }

    @Test
    void unreadablePayloads_areDeadLetteredUnsent_andTheRestOfTheRoundGoes() throws Exception {
        start(Map.of());
        long time = T0.minusSeconds(60).getEpochSecond();
        commit("a");
        // Sealed for another event: authentication fails, as for a payload altered at rest.
        commitRaw("moved", "other", "{\"v\":1,\"event_id\":\"moved\",\"event_name\":\"Purchase\",\"event_time\":" + time + "}");
        commit("b");
        // Opens, but is not JSON to the end.
        commitRaw("truncated", "truncated", "{\"v\":1,\"event_id\":\"truncated\",\"event_name\":\"Purchase\",\"event_time\":"
                + time + ",\"custom_data\":{\"value\":");
        // Opens and has its event time, but is of no version this build reads: found when it is
        // read whole for the connector, among the others of its request.
        commitRaw("unknown", "unknown", "{\"v\":3,\"event_id\":\"unknown\",\"event_name\":\"Purchase\",\"event_time\":" + time + "}");
        // Opens and parses, without an event time.
        commitRaw("timeless", "timeless", "{\"v\":1,\"event_id\":\"timeless\",\"event_name\":\"Purchase\"}");
        commit("c");

        dispatcher.cycle();

        assertThat(requests, is(List.of(List.of("a", "b", "c"))));
        for (String id : List.of("moved", "truncated", "unknown", "timeless")) {
            assertThat(id, row(id).state(), is("dead"));
            assertThat(id, row(id).attempts(), is(0));
        }
        assertThat(rows().size(), is(4));
    }

    /** One pending event, and a platform whose call fails with an {@link Error} (a class that no longer links). */
    void startWithAPlatformThatBreaksTheJvm() {
        start(Map.of());
        commit("a");
        platform = ids -> {
            throw new LinkageError("simulated: a class that no longer links");
        };
    }

    /** Runs the dispatcher's loop on its own thread until it ends; what it ended with. */
    Throwable runUntilItEnds() throws InterruptedException {
        Throwable[] ended = new Throwable[1];
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                dispatcher.run();
            } catch (Throwable t) {
                ended[0] = t;
            }
        });
        thread.join(Duration.ofSeconds(10));
        assertThat("the dispatcher's loop ended", thread.isAlive(), is(false));
        return ended[0];
    }

    @Test
    void anError_endsTheDispatcher_andTheEngineReportsItForTheLivenessProbe() throws Exception {
        startWithAPlatformThatBreaksTheJvm();
        org.junit.jupiter.api.Assertions.assertTrue(engine.dispatchersAlive());

        assertThat(runUntilItEnds() instanceof LinkageError, is(true));
        assertThat(dispatcher.died(), is(true));
        org.junit.jupiter.api.Assertions.assertFalse(engine.dispatchersAlive());
        assertThat(dispatcher.status().lastError().orElseThrow(), is("stopped: LinkageError"));
        // Nothing is lost: the row is still pending (its claim is released at the next start).
        assertThat(row("a").state(), is("pending"));
    }

    @Test
    void aDeadDispatcher_failsTheLivenessProbe_notTheReadinessProbe() throws Exception {
        startWithAPlatformThatBreaksTheJvm();
        io.helidon.webserver.WebServer server = io.helidon.webserver.WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> dev.sluice.http.HttpApi.adminRouting(r, List.of(tenant),
                        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
                        () -> true, clock, engine, store.delivery(), null, keyring, java.time.Duration.ofSeconds(10)))
                .build().start();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            assertThat(get.apply("/health/live").statusCode(), is(200));

            runUntilItEnds();

            java.net.http.HttpResponse<String> live = get.apply("/health/live");
            assertThat(live.statusCode(), is(503));
            assertThat(JSON.readTree(live.body()).get("status").asText(), is("DOWN"));
            assertThat(get.apply("/health/ready").statusCode(), is(200));
        } finally {
            server.stop();
        }
    }

    @Test
    void tooOld_deadLetteredWithoutSending() throws Exception {
        start(Map.of());
        commit(T0.minus(Duration.ofDays(31)), "old");
        commit("young");

        dispatcher.cycle();

        assertThat(requests, is(List.of(List.of("young"))));
        assertThat(row("old").state(), is("dead"));
        assertThat(row("old").attempts(), is(0));
    }

    @Test
    void unhealthy_releasesRowsUnchargedAndPausesTheDestination() throws Exception {
        start(Map.of("unhealthy-recheck", "10m"));
        commit("a", "b");
        platform = ids -> HttpResponseSpec.of(401, "");

        Duration pause = dispatcher.cycle();

        assertThat(pause, is(Duration.ofMinutes(10)));
        assertThat(rows().stream().map(r -> r.state() + r.attempts()).toList(), everyItem(is("pending0")));
        assertThat(engine.destinations(TENANT).getFirst().status().orElseThrow().unhealthy().orElseThrow(),
                containsString("credentials"));
        clock.advance(Duration.ofMinutes(5));
        dispatcher.cycle();
        assertThat(requests, hasSize(1));

        platform = ids -> HttpResponseSpec.of(200, "");
        clock.advance(Duration.ofMinutes(5));
        dispatcher.cycle();
        assertThat(requests, hasSize(2));
        assertThat(rows(), empty());
        assertThat(engine.destinations(TENANT).getFirst().status().orElseThrow().unhealthy(), is(Optional.empty()));
    }

    /**
     * The backlog gauge follows the backlog while the dispatcher is busy and while it is paused:
     * until session 40 only an idle round refreshed it, so it read 0 while a slow platform kept
     * every round busy and for a whole unhealthy pause.
     */
    @Test
    void backlogGauge_followsTheBacklog_whileBusyAndWhilePaused() throws Exception {
        start(Map.of("unhealthy-recheck", "5m"));
        commit(IntStream.range(0, 28).mapToObj(i -> "e" + i).toArray(String[]::new));

        dispatcher.cycle(); // busy: full batches of 8 delivered
        assertThat(backlogGauge(), is(28.0));
        clock.advance(Duration.ofMillis(500));
        dispatcher.cycle();
        assertThat("at most once a second", backlogGauge(), is(28.0));
        clock.advance(Duration.ofMillis(500));
        dispatcher.cycle();
        assertThat(backlogGauge(), is(12.0));

        platform = ids -> HttpResponseSpec.of(401, "");
        clock.advance(Duration.ofSeconds(1));
        dispatcher.cycle(); // paused for 5 minutes, rows kept
        commit("late1", "late2");
        clock.advance(Duration.ofSeconds(2));
        dispatcher.cycle(); // still paused: nothing claimed, the gauge still read
        assertThat(requests, hasSize(4));
        assertThat(backlogGauge(), is(6.0));
    }

    @Test
    void aPausedLoop_wakesAtLeastEverySecond_orEveryPollInterval_anIdleOneAtItsPollInterval() {
        Duration poll = Duration.ofMillis(200);
        assertThat(Dispatcher.sleepFor(Duration.ofMinutes(5), poll), is(Dispatcher.BACKLOG_REFRESH));
        assertThat(Dispatcher.sleepFor(poll, poll), is(poll));
        assertThat(Dispatcher.sleepFor(Duration.ZERO, poll), is(Duration.ZERO));
        assertThat(Dispatcher.sleepFor(Duration.ofMinutes(5), Duration.ofMinutes(1)), is(Duration.ofMinutes(1)));
    }

    private double backlogGauge() {
        return registry.get("sluice.delivery.backlog").tags("tenant", TENANT, "destination", HOOK).gauge().value();
    }

    @Test
    void circuitBreaker_opensOnRepeatedFailures_andSendsNothingWhileOpen() throws Exception {
        start(Map.of("max-batch-size", "1", "retry-initial-backoff", "1ms", "retry-max-backoff", "1ms",
                "circuit-open-duration", "30s"));
        commit("a", "b", "c", "d", "e", "f", "g");
        platform = ids -> HttpResponseSpec.of(500, "");
        try (dev.sluice.testing.LogLines log = dev.sluice.testing.LogLines.of(DeliveryEngine.class)) {
            List<String> lines = log.lines();
            assertThat(circuitGauge(), is(0.0));
            for (int i = 0; i < 7; i++) {
                dispatcher.cycle();
            }

            assertThat(requests, hasSize(5)); // minimum number of calls before the failure rate counts
            assertThat(engine.destinations(TENANT).getFirst().status().orElseThrow().circuitState(), is("OPEN"));
            assertThat(circuitGauge(), is(2.0));
            platform = ids -> HttpResponseSpec.of(200, "");
            clock.advance(Duration.ofSeconds(31));
            dispatcher.cycle();
            assertThat(requests, hasSize(6)); // the half-open trial
            assertThat(engine.destinations(TENANT).getFirst().status().orElseThrow().circuitState(), is("CLOSED"));
            assertThat(circuitGauge(), is(0.0));
            assertThat(lines, contains(
                    "WARNING event=circuit_open tenant=" + TENANT + " destination=" + HOOK + " from=closed",
                    "INFO event=circuit_half_open tenant=" + TENANT + " destination=" + HOOK + " from=open",
                    "INFO event=circuit_closed tenant=" + TENANT + " destination=" + HOOK + " from=half_open"));
        }
    }

    private double circuitGauge() {
        return registry.get("sluice.delivery.circuit.state").tags("tenant", TENANT, "destination", HOOK).gauge().value();
    }

    @Test
    void stop_midBatch_releasesTheUnsentRowsWithoutChargingThem() throws Exception {
        start(Map.of());
        commit("a", "b", "c", "d");
        platform = ids -> {
            dispatcher.stop();
            return HttpResponseSpec.of(400, "");
        };

        dispatcher.cycle();

        assertThat(requests, hasSize(1));
        assertThat(rows().stream().map(r -> r.state() + r.attempts()).toList(), everyItem(is("pending0")));
        // Released rows are due at once, for whoever claims next.
        assertThat(store.delivery().claim(TENANT, HOOK, 10, clock.instant(), Duration.ofMinutes(1), "next"), hasSize(4));
    }

    @Test
    void destinationWithoutConnector_isReportedAndHasNoDispatcher() {
        start(Map.of());

        DestinationView gads = engine.destinations(TENANT).get(1);
        assertThat(gads.connectorAvailable(), is(false));
        assertThat(gads.status(), is(Optional.empty()));
        assertThat(engine.dispatcherCount(), is(1));
    }

    /**
     * A destination removed from the configuration whose id still holds rows is listed after the
     * configured ones, marked not configured, with its counts: until session 40 its pending copies,
     * which no dispatcher claims, were listed nowhere.
     */
    @Test
    void aRemovedDestinationThatStillHoldsRows_isListedAsNotConfigured_withItsCounts() {
        start(Map.of());
        byte[] sealed = keyring.forTenant(TENANT).seal("{}".getBytes(StandardCharsets.UTF_8),
                dev.sluice.privacy.PayloadAad.of(TENANT, "gone", "Purchase", "g1"));
        store.write(List.of(new EventRecord(TENANT, "Purchase", "g1", T0, T0, T0.plus(Duration.ofDays(7)),
                List.of(new OutboxRecord("gone", sealed, "k1"))), new EventRecord(TENANT, "Purchase", "g2", T0, T0,
                T0.plus(Duration.ofDays(7)), List.of(new OutboxRecord("gone", sealed, "k1")))));
        clock.advance(Duration.ofMinutes(1));

        List<DestinationView> views = engine.destinations(TENANT);
        assertThat(views.stream().map(v -> v.destinationId() + ":" + v.configured()).toList(),
                contains(HOOK + ":true", "gads:true", "gone:false"));
        DestinationView gone = views.get(2);
        assertThat(gone.pending(), is(2L));
        assertThat(gone.oldestPendingAge(), is(Optional.of(Duration.ofMinutes(1))));
        assertThat(gone.connectorAvailable(), is(false));
        assertThat(gone.status(), is(Optional.empty()));
    }

    /** A settable clock; as a {@link Sleeper} it advances instead of sleeping. */
    static final class FakeClock implements java.time.InstantSource {
        private volatile Instant now;

        FakeClock(Instant start) {
            this.now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /**
     * The loop pipelines rounds (a settlement runs while the next batch is sent): across many
     * rounds every row is sent exactly once, and stopping waits for the last settlement, so
     * nothing that was sent is left pending.
     */
    @Test
    void pipelinedLoop_sendsEveryRowOnceAndSettlesTheLastRoundBeforeStopping() throws Exception {
        CountDownLatch allSent = new CountDownLatch(50);
        platform = ids -> {
            ids.forEach(id -> allSent.countDown());
            return HttpResponseSpec.of(200, "{}");
        };
        start(Map.of());
        String[] ids = new String[50];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "e" + i;
        }
        commit(ids);

        Thread loop = Thread.ofPlatform().name("dispatcher-under-test").start(dispatcher);
        assertTrue(allSent.await(30, java.util.concurrent.TimeUnit.SECONDS), "every event is sent");
        dispatcher.stop();
        loop.join(Duration.ofSeconds(30));

        assertFalse(loop.isAlive());
        List<String> sent = requests.stream().flatMap(List::stream).toList();
        assertThat(sent.size(), is(50));
        assertThat(new java.util.HashSet<>(sent).size(), is(50));
        assertTrue(rows().stream().noneMatch(r -> r.destinationId().equals(HOOK)),
                "the last round was settled before the loop returned");
    }
}
