package dev.sluice.ledger;

import dev.sluice.testing.Closing;
import static dev.sluice.ledger.Entries.lead;
import static dev.sluice.ledger.Entries.purchase;
import static dev.sluice.ledger.Entries.refund;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.store.Sql;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distinct-customer rollups on a real database, run once per dialect: whatever has been
 * folded, reports count customers exactly as {@code count(DISTINCT customer_key)} over the
 * entries (the query reports ran before the rollups, kept here as the oracle); the watermark
 * never passes an entry that may still become visible; erasure removes ids from the sets, also
 * when it races a fold; a fold with nothing to do writes nothing; the state survives a restart.
 */
abstract class AbstractCustomerFoldTest {
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final LocalDate FIRST = LocalDate.parse("2026-10-01");
    private static final int DAYS = 61;
    private static final String[] PLATFORMS = {"meta", "google_ads", "tiktok"};
    private static final String[] CAMPAIGNS = {"c1", "c2", ""};

    @TempDir
    Path tempDir;
    LedgerDatabase db;
    Store store;
    Sql sql;
    final String tenant = "t-" + UUID.randomUUID();
    final String other = "t-" + UUID.randomUUID();
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    final InstantSource clock = () -> now.get();

    abstract LedgerDatabase createDatabase();

    @BeforeEach
    void open() {
        db = createDatabase();
        openStore();
    }

    void openStore() {
        store = Stores.open(db.config());
        sql = Sql.of(store.sql());
    }

    @AfterEach
    void close() {
        // Either is null when setup was skipped or failed.
        Closing.inOrder(store, db);
    }

    @Test
    void reports_countExactlyAsCountDistinct_whateverHasBeenFolded() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String context = "seed " + seed;
        // Small chunks, bucket limits, segments and pages: many fold steps (some cut at 25 buckets),
        // buckets of several segments of at most 3 ids (a customer who comes back after their
        // segment filled is in two) and tail pages on a few hundred entries; the same reports
        // counted in one pass and in passes of about 40 ids (a dozen or more: every range of the id
        // space counted separately, summed).
        Ledger onePass = Ledger.create(store, AbstractLedgerTest.SETTINGS, 23, Long.MAX_VALUE);
        Ledger passes = Ledger.create(store, AbstractLedgerTest.SETTINGS, 23, 40);
        List<Ledger> ledgers = List.of(onePass, passes);
        CustomerFolder folder = new CustomerFolder(sql, clock, Duration.ZERO, 37, 25, 3, () -> { });

        bookRandom(random, 500, 0, DAYS);
        assertReportsExact(ledgers, random, context + ", nothing folded");

        assertFalse(folder.fold().deferred());
        assertEquals(maxEntryId(), state().foldedThrough(), context);
        assertSetsHoldExactlyTheBucketsCustomers(context, 3);
        assertReportsExact(ledgers, random, context + ", all folded");

        // Late entries for old days, customers seen before on other days and campaigns.
        bookRandom(random, 300, 0, 10);
        bookRandom(random, 300, 0, DAYS);
        assertReportsExact(ledgers, random, context + ", tail after a fold");

        AtomicInteger steps = new AtomicInteger();
        folder.fold(() -> steps.incrementAndGet() <= 4);
        long partly = state().foldedThrough();
        assertTrue(partly > 0 && partly < maxEntryId(), context + ": partly folded, watermark " + partly);
        assertReportsExact(ledgers, random, context + ", partly folded");

        folder.fold();
        assertSetsHoldExactlyTheBucketsCustomers(context, 3);
        assertReportsExact(ledgers, random, context + ", all folded again");
    }

    @Test
    void watermark_staysBeforeYoungEntries_soAnEntryThatBecomesVisibleLateIsStillCounted() {
        Ledger ledger = Ledger.create(store, AbstractLedgerTest.SETTINGS);
        CustomerFolder folder = folder(Duration.ofMinutes(2), 50, () -> { });
        Instant t0 = NOW.minus(Duration.ofMinutes(10));
        insertEntry(10, "2026-11-02", key(1), t0);
        insertEntry(20, "2026-11-02", key(2), t0.plusSeconds(90));
        now.set(t0.plusSeconds(150));

        CustomerFolder.Folded first = folder.fold();

        // Entry 10 was recorded 150 s ago, entry 20 only 60 s ago: both are folded, but the
        // watermark stops at 10, because an entry with an id between them may still commit.
        assertEquals(10, first.foldedThrough());
        assertEquals(2, storedIds("2026-11-02").length);
        CustomerDays.State held = state();
        assertEquals(new CustomerFolder.Folded(1, 0, 10, false), folder.fold(), "entry 20 is read again");
        assertEquals(held, state(), "but nothing changed, so nothing is written");
        // It does: entry 15, committed after the fold read.
        insertEntry(15, "2026-11-02", key(3), t0.plusSeconds(60));
        assertEquals(3, customers(ledger, "2026-11-02"), "entry 15 is above the watermark: read from the tail");

        now.set(t0.plus(Duration.ofMinutes(10)));
        assertEquals(20, folder.fold().foldedThrough());
        assertEquals(3, storedIds("2026-11-02").length);
        assertEquals(3, customers(ledger, "2026-11-02"));
    }

    @Test
    void erasure_removesTheCustomersIdsFromTheSets_andReportsStopCountingThem() {
        Ledger ledger = Ledger.create(store, AbstractLedgerTest.SETTINGS);
        book(purchase("2026-11-02").on("meta", "c1").value("10.00", "EUR").customer(key(1)),
                purchase("2026-11-02").on("meta", "c1").value("10.00", "EUR").customer(key(2)),
                purchase("2026-11-03").on("google_ads", "g1").value("10.00", "EUR").customer(key(1)),
                lead("2026-11-04").on("meta", "c1").customer(key(1)),
                purchase("2026-11-05").on("tiktok", "t1").value("10.00", "EUR").customer(key(3)));
        folder(Duration.ZERO, 50, () -> { }).fold();
        assertEquals(1, storedIds("2026-11-03", "google_ads", "g1").length);
        // Not folded yet when the erasure comes: the tail must drop it too.
        book(purchase("2026-11-06").on("meta", "c1").value("10.00", "EUR").customer(key(1)));
        assertEquals(3, customers(ledger, "2026-11-01", "2026-11-30"));

        long unlinked = sql.inTransaction(c -> LedgerCustomers.unlink(c, tenant, List.of(key(1)), List.of()));

        assertEquals(4, unlinked, "three purchases and a lead");
        assertArrayEquals(new long[] {CustomerIds.of(key(2))}, storedIds("2026-11-02"));
        assertEquals(0L, count("SELECT count(*) FROM ledger_customer_days WHERE tenant_id = ? AND day = "
                + LocalDate.parse("2026-11-03").toEpochDay()), "a set left empty is deleted");
        assertArrayEquals(new long[] {CustomerIds.of(key(3))}, storedIds("2026-11-05", "tiktok", "t1"), "others stay");
        assertEquals(2, customers(ledger, "2026-11-01", "2026-11-30"));
        folder(Duration.ZERO, 50, () -> { }).fold();
        assertEquals(2, customers(ledger, "2026-11-01", "2026-11-30"));
        assertFalse(storedIdsOfAllDays().contains(CustomerIds.of(key(1))));
        assertReportsExact(List.of(ledger), new Random(1), "after erasure");
    }

    @Test
    void erasureWhileAFoldMerges_isNotUndoneByTheFold() {
        Ledger ledger = Ledger.create(store, AbstractLedgerTest.SETTINGS);
        book(purchase("2026-11-02").on("meta", "c1").value("10.00", "EUR").customer(key(1)),
                purchase("2026-11-02").on("meta", "c1").value("10.00", "EUR").customer(key(2)));
        // The erasure commits after the fold read the entries and before it writes.
        CustomerFolder racing = folder(Duration.ZERO, 50,
                () -> sql.inTransaction(c -> LedgerCustomers.unlink(c, tenant, List.of(key(1)), List.of())));

        CustomerFolder.Folded folded = racing.fold();

        assertTrue(folded.deferred(), folded.toString());
        assertEquals(0, storedIds("2026-11-02").length, "nothing written from entries read before the erasure");
        folder(Duration.ZERO, 50, () -> { }).fold();
        assertArrayEquals(new long[] {CustomerIds.of(key(2))}, storedIds("2026-11-02"));
        assertEquals(1, customers(ledger, "2026-11-02"));
    }

    @Test
    void aBucketGrowsInSegments_andAFoldNeverReadsAFullOne() {
        Ledger ledger = Ledger.create(store, AbstractLedgerTest.SETTINGS);
        // Steps of 3 entries, segments of 4 ids: 3 -> 4+2 -> 4+4+1 -> 4+4+2.
        CustomerFolder folder = new CustomerFolder(sql, clock, Duration.ZERO, 3, CustomerFolder.MAX_BUCKETS, 4, () -> { });
        for (int i = 1; i <= 10; i++) {
            book(purchase("2026-11-02").on("meta", "c1").customer(key(i)));
        }
        folder.fold();
        assertEquals(List.of(4, 4, 2), segmentSizes("2026-11-02"));
        book(purchase("2026-11-02").on("meta", "c1").customer(key(11)), purchase("2026-11-02").on("meta", "c1").customer(key(12)));
        folder.fold();
        assertEquals(List.of(4, 4, 4), segmentSizes("2026-11-02"), "the last segment filled up");

        // A full segment is not read: one that could not be decoded (not a whole number of ids)
        // but is as long as a full one does not stop the next fold, which starts segment 3.
        byte[] full = segment("2026-11-02", 2);
        setSegment("2026-11-02", 2, new byte[4 * Long.BYTES + 3]);
        book(purchase("2026-11-02").on("meta", "c1").customer(key(13)));
        assertEquals(1, folder.fold().setsWritten());
        assertArrayEquals(new long[] {CustomerIds.of(key(13))}, CustomerIds.decode(segment("2026-11-02", 3)));
        setSegment("2026-11-02", 2, full);
        assertEquals(13, customers(ledger, "2026-11-02"));

        // A customer of a full segment who buys again lands in the last one too; counted once.
        book(purchase("2026-11-02").on("meta", "c1").customer(key(1)));
        folder.fold();
        assertEquals(List.of(4, 4, 4, 2), segmentSizes("2026-11-02"));
        assertEquals(13, customers(ledger, "2026-11-02"));
        assertSetsHoldExactlyTheBucketsCustomers("segments", 4);

        // Read in pages of one segment, a bucket's segments all come, in key order, as in one page.
        assertEquals(segmentsInPages(1000), segmentsInPages(1));
        assertEquals(List.of("meta/c1/4", "meta/c1/4", "meta/c1/4", "meta/c1/2"), segmentsInPages(1));

        // Erasure takes the id out of every segment it is in.
        sql.inTransaction(c -> LedgerCustomers.unlink(c, tenant, List.of(key(1)), List.of()));
        List<Integer> sizes = segmentSizes("2026-11-02");
        assertEquals(12, sizes.stream().mapToInt(Integer::intValue).sum(), sizes.toString());
        assertEquals(1, sizes.getLast(), sizes.toString());
        assertFalse(storedIdsOfAllDays().contains(CustomerIds.of(key(1))));
        assertEquals(12, customers(ledger, "2026-11-02"));
        assertSetsHoldExactlyTheBucketsCustomers("after erasure", 4);
    }

    @Test
    void aSetStoredBeforeSegments_isCutIntoSegments_andFoldsCarryOnAfterIt() {
        Closing.inOrder(store, db);
        store = null;
        db = createDatabase();
        StoreConfig config = db.config();
        boolean sqlite = config.kind().equals(StoreConfig.SQLITE);
        if (sqlite) {
            // The same file as the database set up for every test: start it again.
            for (String suffix : List.of("", "-wal", "-shm")) {
                try {
                    java.nio.file.Files.deleteIfExists(Path.of(config.sqliteFile() + suffix));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        Flyway.configure(getClass().getClassLoader())
                .dataSource(sqlite ? "jdbc:sqlite:" + config.sqliteFile() : config.jdbcUrl(), config.user(),
                        config.password().orElse(null))
                .locations("classpath:db/migration/" + config.kind()).target(sqlite ? "36" : "31").load().migrate();
        // A bucket of more ids than two segments hold, and a small one, as an earlier version wrote them.
        Random random = new Random(7);
        long[] big = random.longs(2L * CustomerDays.SEGMENT_IDS + 5).sorted().distinct().toArray();
        long[] small = {CustomerIds.of(key(1)), CustomerIds.of(key(2))};
        java.util.Arrays.sort(small);
        long day = LocalDate.parse("2026-11-02").toEpochDay();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                sqlite ? "jdbc:sqlite:" + config.sqliteFile() : config.jdbcUrl());
             PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_customer_days"
                     + " (tenant_id, day, platform, campaign, customers) VALUES (?, ?, ?, ?, ?)")) {
            for (Object[] row : new Object[][] {{"meta", big}, {"tiktok", small}}) {
                ps.setString(1, tenant);
                ps.setLong(2, day);
                ps.setString(3, (String) row[0]);
                ps.setString(4, "c1");
                ps.setBytes(5, CustomerIds.encode((long[]) row[1]));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        openStore();
        int full = CustomerDays.SEGMENT_IDS;
        assertEquals(List.of(full, full, big.length - 2 * full), segmentSizes("2026-11-02"));
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (int n = 0; n < 3; n++) {
            joined.writeBytes(segment("2026-11-02", n));
        }
        assertArrayEquals(CustomerIds.encode(big), joined.toByteArray(), "cut in order, nothing lost");
        assertEquals(List.of(2), segmentSizes("2026-11-02", "tiktok"), "a small set is one segment");
        book(purchase("2026-11-02").on("meta", "c1").customer(key(3)), purchase("2026-11-02").on("tiktok", "c1").customer(key(3)));
        folder(Duration.ZERO, 50, () -> { }).fold();

        assertEquals(List.of(full, full, big.length - 2 * full + 1), segmentSizes("2026-11-02"), "the last slice had room");
        assertEquals(3, storedIds("2026-11-02", "tiktok", "c1").length, "the small one took the new id");
        Ledger ledger = Ledger.create(store, AbstractLedgerTest.SETTINGS);
        assertEquals(big.length + 3, customers(ledger, "2026-11-02"), "the old ids, customers 1 and 2, and 3");
    }

    @Test
    void foldWithNothingToDo_writesNothing() {
        CustomerFolder folder = folder(Duration.ZERO, 50, () -> { });

        assertEquals(new CustomerFolder.Folded(0, 0, 0, false), folder.fold());
        assertEquals(new CustomerDays.State(0, 0), state());

        book(purchase("2026-11-02").on("meta", "c1").customer(key(1)), lead("2026-11-02").on("meta", "c1"));
        assertEquals(new CustomerFolder.Folded(2, 1, maxEntryId(), false), folder.fold());
        CustomerDays.State after = state();

        assertEquals(new CustomerFolder.Folded(0, 0, maxEntryId(), false), folder.fold());
        assertEquals(after, state(), "no write transaction for an empty fold");

        // Only entries without a customer: the watermark moves on, no set is written.
        book(lead("2026-11-03").on("meta", "c1").customer(key(2)), purchase("2026-11-03").on("meta", "c1"),
                refund("2026-11-03").value("1.00", "EUR").order("x"));
        assertEquals(new CustomerFolder.Folded(3, 0, maxEntryId(), false), folder.fold());
        assertEquals(1L, count("SELECT count(*) FROM ledger_customer_days WHERE tenant_id = ?"));
    }

    @Test
    void restart_keepsTheWatermark_andFoldsOnlyWhatCameSince() {
        book(purchase("2026-11-02").on("meta", "c1").customer(key(1)), purchase("2026-11-03").on("meta", "c1").customer(key(2)));
        folder(Duration.ZERO, 50, () -> { }).fold();
        long through = state().foldedThrough();

        store.close();
        openStore();
        CustomerFolder reopened = folder(Duration.ZERO, 50, () -> { });

        assertEquals(through, state().foldedThrough());
        assertEquals(0, reopened.fold().entriesRead(), "nothing new since the last fold");
        book(purchase("2026-11-04").on("meta", "c1").customer(key(1)));
        assertEquals(1, reopened.fold().entriesRead());
        assertEquals(2, customers(Ledger.create(store, AbstractLedgerTest.SETTINGS), "2026-11-01", "2026-11-30"));
    }

    @Test
    void scheduler_foldsInTheBackground_untilClosed() throws Exception {
        book(purchase("2026-11-02").on("meta", "c1").customer(key(1)));
        try (CustomerFoldScheduler scheduler = CustomerFoldScheduler.start(CustomerFolder.create(store, clock),
                Duration.ofMillis(20))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (state().foldedThrough() < maxEntryId() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertEquals(maxEntryId(), state().foldedThrough());
        book(purchase("2026-11-03").on("meta", "c1").customer(key(2)));
        Thread.sleep(200);
        assertTrue(state().foldedThrough() < maxEntryId(), "a closed scheduler folds no more");
    }

    // --- helpers ---

    CustomerFolder folder(Duration lag, int chunk, Runnable beforeWrite) {
        return new CustomerFolder(sql, clock, lag, chunk, CustomerFolder.MAX_BUCKETS, CustomerDays.SEGMENT_IDS, beforeWrite);
    }

    /** A stand-in for the HMAC hex key of customer {@code i}. */
    static String key(int i) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("customer-" + i).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void book(Entries... entries) {
        bookFor(tenant, entries);
    }

    void bookFor(String t, Entries... entries) {
        store.write(java.util.Arrays.stream(entries).map(e -> e.record(t)).toList());
    }

    /**
     * Books {@code count} random entries on days {@code firstDay} to {@code lastDay} (exclusive)
     * after {@link #FIRST}, in batches, most for the tenant and some for another: purchases, leads
     * and refunds; 150 customers, a few keyed by something other than hex, some entries without one.
     */
    void bookRandom(Random random, int count, int firstDay, int lastDay) {
        for (int done = 0; done < count; ) {
            int batch = Math.min(count - done, 1 + random.nextInt(40));
            List<Entries> mine = new ArrayList<>();
            List<Entries> theirs = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                String day = FIRST.plusDays(firstDay + random.nextInt(lastDay - firstDay)).toString();
                int kind = random.nextInt(10);
                Entries e = kind < 7 ? purchase(day).value("10.00", "EUR") : kind < 9 ? lead(day)
                        : refund(day).value("1.00", "EUR");
                e.on(PLATFORMS[random.nextInt(PLATFORMS.length)], CAMPAIGNS[random.nextInt(CAMPAIGNS.length)]);
                int customer = random.nextInt(170);
                if (customer < 150) {
                    e.customer(customer < 140 ? key(customer) : "k" + customer);
                }
                (random.nextInt(8) == 0 ? theirs : mine).add(e);
            }
            book(mine.toArray(Entries[]::new));
            bookFor(other, theirs.toArray(Entries[]::new));
            done += batch;
        }
    }

    /** Every grouping over the whole range, one day, and random ranges: report equals the oracle. */
    void assertReportsExact(List<Ledger> ledgers, Random random, String context) {
        List<LocalDate[]> ranges = new ArrayList<>();
        ranges.add(new LocalDate[] {FIRST, FIRST.plusDays(DAYS - 1)});
        ranges.add(new LocalDate[] {FIRST.plusDays(3), FIRST.plusDays(3)});
        for (int i = 0; i < 4; i++) {
            LocalDate from = FIRST.plusDays(random.nextInt(DAYS));
            ranges.add(new LocalDate[] {from, from.plusDays(random.nextInt(DAYS))});
        }
        for (LocalDate[] range : ranges) {
            for (GroupBy by : GroupBy.values()) {
                for (int l = 0; l < ledgers.size(); l++) {
                    KpiReport report = ledgers.get(l).report(new KpiQuery(tenant, range[0], range[1], by, "EUR"));
                    Map<String, Long> actual = new TreeMap<>();
                    for (KpiRow row : report.rows()) {
                        if (row.figures().customers() > 0) {
                            actual.put(group(row), row.figures().customers());
                        }
                    }
                    actual.put("TOTAL", report.totals().figures().customers());
                    assertEquals(oracle(range[0], range[1], by), actual,
                            context + ", ledger " + l + ", " + by + " " + range[0] + ".." + range[1]);
                }
            }
        }
    }

    private static String group(KpiRow row) {
        return row.day().map(LocalDate::toString)
                .orElseGet(() -> row.platform().orElseThrow() + row.campaign().map(c -> "/" + c).orElse(""));
    }

    /** The reports' queries before the rollups: count(DISTINCT customer_key) over the period's purchases. */
    Map<String, Long> oracle(LocalDate from, LocalDate to, GroupBy by) {
        String columns = switch (by) {
            case PLATFORM -> "platform";
            case CAMPAIGN -> "platform, campaign";
            case DAY -> "day";
        };
        String where = " FROM ledger_entries WHERE tenant_id = ? AND day BETWEEN ? AND ? AND kind = 'purchase'"
                + " AND customer_key IS NOT NULL";
        return sql.read(c -> {
            Map<String, Long> counts = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + ", count(DISTINCT customer_key)" + where
                    + " GROUP BY " + columns)) {
                bindRange(ps, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String group = switch (by) {
                            case PLATFORM -> rs.getString(1);
                            case CAMPAIGN -> rs.getString(1) + "/" + rs.getString(2);
                            case DAY -> LocalDate.ofEpochDay(rs.getLong(1)).toString();
                        };
                        counts.put(group, rs.getLong(by == GroupBy.CAMPAIGN ? 3 : 2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(DISTINCT customer_key)" + where)) {
                bindRange(ps, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    counts.put("TOTAL", rs.getLong(1));
                }
            }
            return counts;
        });
    }

    private void bindRange(PreparedStatement ps, LocalDate from, LocalDate to) throws SQLException {
        ps.setString(1, tenant);
        ps.setLong(2, from.toEpochDay());
        ps.setLong(3, to.toEpochDay());
    }

    /**
     * For both tenants, the union of every bucket's segments equals the distinct ids of its
     * purchases with a customer key, and each segment is sorted, distinct and holds at most
     * {@code segmentIds} ids.
     */
    void assertSetsHoldExactlyTheBucketsCustomers(String context, int segmentIds) {
        Map<String, List<Long>> expected = new TreeMap<>();
        Map<String, List<Long>> stored = new TreeMap<>();
        sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id, day, platform, campaign, customer_key"
                    + " FROM ledger_entries WHERE kind = 'purchase' AND customer_key IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String bucket = rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getString(4);
                    expected.computeIfAbsent(bucket, k -> new ArrayList<>()).add(CustomerIds.of(rs.getString(5)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id, day, platform, campaign, customers"
                    + " FROM ledger_customer_days");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String bucket = rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getString(4);
                    long[] segment = CustomerIds.decode(rs.getBytes(5));
                    assertTrue(segment.length > 0 && segment.length <= segmentIds,
                            context + ": a segment of " + segment.length + " ids in " + bucket);
                    for (int i = 1; i < segment.length; i++) {
                        assertTrue(segment[i - 1] < segment[i], context + ": a segment not sorted and distinct in " + bucket);
                    }
                    List<Long> ids = stored.computeIfAbsent(bucket, k -> new ArrayList<>());
                    for (long id : segment) {
                        ids.add(id);
                    }
                }
            }
            return null;
        });
        expected.replaceAll((bucket, ids) -> ids.stream().distinct().sorted().toList());
        stored.replaceAll((bucket, ids) -> ids.stream().distinct().sorted().toList());
        assertEquals(expected, stored, context);
    }

    /** Inserts a purchase with a chosen id, as if its transaction committed only now. */
    void insertEntry(long id, String day, String customerKey, Instant recordedAt) {
        String overriding = db.config().kind().equals(StoreConfig.POSTGRES) ? " OVERRIDING SYSTEM VALUE" : "";
        sql.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ledger_entries (id, tenant_id, event_row_id, kind, event_name, event_id, order_id,
                        occurred_at, day, platform, campaign, currency, amount_micros, customer_key, order_value_after,
                        recorded_at)%s
                    VALUES (?, ?, 0, 'purchase', 'Purchase', ?, NULL, 0, ?, 'meta', 'c1', 'EUR', 1000000, ?, NULL, ?)"""
                    .formatted(overriding))) {
                ps.setLong(1, id);
                ps.setString(2, tenant);
                ps.setString(3, "e-" + id);
                ps.setLong(4, LocalDate.parse(day).toEpochDay());
                ps.setString(5, customerKey);
                ps.setLong(6, recordedAt.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    long customers(Ledger ledger, String day) {
        return customers(ledger, day, day);
    }

    long customers(Ledger ledger, String from, String to) {
        return ledger.report(new KpiQuery(tenant, LocalDate.parse(from), LocalDate.parse(to), GroupBy.PLATFORM, "EUR"))
                .totals().figures().customers();
    }

    /** The ids of the tenant's meta/c1 bucket on {@code day}, all its segments together (none when there is no row). */
    long[] storedIds(String day) {
        return storedIds(day, "meta", "c1");
    }

    long[] storedIds(String day, String platform, String campaign) {
        long epochDay = LocalDate.parse(day).toEpochDay();
        List<Long> ids = new ArrayList<>();
        sql.read(c -> {
            CustomerDays.range(c, tenant, epochDay, epochDay, (d, p, k, set) -> {
                if (p.equals(platform) && k.equals(campaign)) {
                    for (long id : CustomerIds.decode(set)) {
                        ids.add(id);
                    }
                }
            });
            return null;
        });
        return ids.stream().mapToLong(Long::longValue).distinct().sorted().toArray();
    }

    /** The number of ids in each segment of the tenant's meta/c1 bucket on {@code day}, in segment order. */
    List<Integer> segmentSizes(String day) {
        return segmentSizes(day, "meta");
    }

    List<Integer> segmentSizes(String day, String platform) {
        return segments(day, platform).stream().map(ids -> ids.length / 8).toList();
    }

    /** The stored bytes of segment {@code number} of the tenant's meta/c1 bucket on {@code day}. */
    byte[] segment(String day, int number) {
        List<byte[]> segments = segments(day, "meta");
        assertTrue(number < segments.size(), "no segment " + number);
        return segments.get(number);
    }

    /** The stored segments of the tenant's c1 bucket of {@code platform} on {@code day}, in segment order. */
    private List<byte[]> segments(String day, String platform) {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT customers FROM ledger_customer_days"
                    + " WHERE tenant_id = ? AND day = ? AND platform = ? AND campaign = 'c1' ORDER BY segment")) {
                ps.setString(1, tenant);
                ps.setLong(2, LocalDate.parse(day).toEpochDay());
                ps.setString(3, platform);
                List<byte[]> segments = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        segments.add(rs.getBytes(1));
                    }
                }
                return segments;
            }
        });
    }

    void setSegment(String day, int number, byte[] customers) {
        sql.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_customer_days SET customers = ?"
                    + " WHERE tenant_id = ? AND day = ? AND platform = 'meta' AND campaign = 'c1' AND segment = ?")) {
                ps.setBytes(1, customers);
                ps.setString(2, tenant);
                ps.setLong(3, LocalDate.parse(day).toEpochDay());
                ps.setInt(4, number);
                assertEquals(1, ps.executeUpdate());
            }
            return null;
        });
    }

    /** Platform, campaign and ids per segment of the tenant's sets, read {@code page} segments per query. */
    List<String> segmentsInPages(int page) {
        List<String> segments = new ArrayList<>();
        sql.read(c -> {
            CustomerDays.range(c, tenant, 0, Long.MAX_VALUE / 2, page,
                    (day, platform, campaign, set) -> segments.add(platform + "/" + campaign + "/" + set.length / Long.BYTES));
            return null;
        });
        return segments;
    }

    List<Long> storedIdsOfAllDays() {
        List<Long> ids = new ArrayList<>();
        sql.read(c -> {
            CustomerDays.range(c, tenant, 0, Long.MAX_VALUE / 2, (day, platform, campaign, set) -> {
                for (long id : CustomerIds.decode(set)) {
                    ids.add(id);
                }
            });
            return null;
        });
        return ids;
    }

    CustomerDays.State state() {
        return sql.read(CustomerDays::state);
    }

    long maxEntryId() {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT max(id) FROM ledger_entries");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    long count(String query) {
        return sql.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
