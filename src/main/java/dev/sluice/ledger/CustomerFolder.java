package dev.sluice.ledger;

import dev.sluice.store.Sql;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Folds purchase entries into the distinct-customer rollups ({@link CustomerDays}), in the
 * background, so that a report counts a year of customers from tens of thousands of sorted sets
 * instead of reading millions of entries, while booking an event (the ingest path) writes nothing
 * more.
 *
 * <p>One fold reads the entries after {@code folded_through} in id order, {@value #CHUNK} at a time,
 * and the last segment ({@link CustomerDays}) of each bucket they touch, all outside any write
 * transaction; merges them in memory; and then, in one short write transaction, writes the
 * segments that grew or were started and moves {@code folded_through}. What a step holds is
 * bounded whatever the history: its entries' ids, and at most {@value #MAX_BUCKETS} buckets' last
 * segments of at most {@value CustomerDays#SEGMENT_IDS} ids each (16 MB at worst, a few hundred KB
 * for entries in arrival order). That transaction is short on purpose: on SQLite it holds the one writer
 * connection that the ingest group commit needs (see {@link Sql}).
 *
 * <p>Reading outside the transaction is safe because the write happens only if the state's
 * version is still the one read before the entries: every fold and every erasure bumps it
 * ({@link CustomerDays#advance}, {@link LedgerCustomers#unlink}). A fold that lost that race
 * writes nothing and the next one starts over, so an erased customer is never written back from
 * entries read before the erasure, and two gateways folding the same PostgreSQL database never
 * overwrite each other's sets.
 *
 * <p><b>The watermark on PostgreSQL.</b> There several transactions insert entries at once: an id
 * is taken when the row is inserted but becomes visible only when its transaction commits, so a
 * fold may see id 12 while id 11 is still uncommitted. Moving {@code folded_through} to 12 would
 * leave 11, once committed, neither folded nor in the reports' tail (which reads ids above
 * {@code folded_through} only). So a fold folds every entry it sees, but moves the watermark only
 * up to the last entry, in id order, before the first one recorded less than {@link #POSTGRES_LAG}
 * ago. That is enough if a transaction that writes entries ends within a minute of its
 * {@code recorded_at} (the arrival of the request it serves; a group commit takes milliseconds):
 * an entry still invisible when the fold reads was then recorded less than a minute before, and
 * its id, taken after its recording, too; an entry recorded more than two minutes before took its
 * id before its transaction ended, at most a minute after its recording: earlier, so a smaller id.
 * Every entry at or below the new watermark is therefore visible to the fold. (Gateways sharing a
 * database must have clocks that agree to well within a minute.) Entries above the watermark are
 * read again by the next fold and by reports; since folding is a set union, that costs time, not
 * correctness. On SQLite one writer connection commits entries in id order, so no lag is needed.
 */
public final class CustomerFolder {
    private static final System.Logger LOG = System.getLogger(CustomerFolder.class.getName());

    /** Entries read per step; their ids, bucket keys and the sets they touch stay well within a small heap. */
    static final int CHUNK = 50_000;
    /**
     * Buckets per step at most: bounds the segments held in memory and the rows one write
     * transaction upserts also when a step's entries spread over many days and campaigns (a history
     * booked out of day order); entries in arrival order touch a few per day and campaign.
     */
    static final int MAX_BUCKETS = 256;
    /** How old an entry must be before the PostgreSQL watermark may pass it (see the class comment). */
    static final Duration POSTGRES_LAG = Duration.ofMinutes(2);

    // Every kind: the watermark may then pass leads and refunds too. Only purchases carry a key here.
    private static final String ENTRIES = """
            SELECT id, tenant_id, day, platform, campaign, CASE WHEN kind = 'purchase' THEN customer_key END, recorded_at
            FROM ledger_entries WHERE id > ? ORDER BY id LIMIT ?""";

    private final Sql sql;
    private final InstantSource clock;
    private final Duration lag;
    private final int chunk;
    private final int maxBuckets;
    private final int segmentIds;
    private final Runnable beforeWrite;
    private final ReentrantLock running = new ReentrantLock();

    CustomerFolder(Sql sql, InstantSource clock, Duration lag, int chunk, int maxBuckets, int segmentIds,
                   Runnable beforeWrite) {
        this.sql = sql;
        this.clock = clock;
        this.lag = lag;
        this.chunk = chunk;
        this.maxBuckets = maxBuckets;
        this.segmentIds = segmentIds;
        this.beforeWrite = beforeWrite;
    }

    /** The folder of {@code store}'s ledger; {@code clock} tells how old entries are. */
    public static CustomerFolder create(Store store, InstantSource clock) {
        Sql sql = Sql.of(store.sql());
        return new CustomerFolder(sql, clock, lagFor(sql.dialect()), CHUNK, MAX_BUCKETS, CustomerDays.SEGMENT_IDS, () -> { });
    }

    static Duration lagFor(String dialect) {
        return dialect.equals(StoreConfig.POSTGRES) ? POSTGRES_LAG : Duration.ZERO;
    }

    /**
     * What one fold did.
     *
     * @param entriesRead   entries read (each kind; some may have been read by an earlier fold)
     * @param setsWritten   segments written (grown or started)
     * @param foldedThrough the watermark afterwards
     * @param deferred      whether an erasure or another fold changed the sets meanwhile, so this
     *                      fold stopped without writing its last step (the next one redoes it)
     */
    public record Folded(long entriesRead, long setsWritten, long foldedThrough, boolean deferred) {
    }

    /** Folds every entry committed so far, step by step; one fold at a time per folder. */
    public Folded fold() {
        return fold(() -> true);
    }

    /**
     * Folds like {@link #fold()}, but stops before the next step once {@code goOn} says no (a
     * shutting-down gateway does not wait for the first fold of a long history to finish; the next
     * start goes on from the watermark).
     */
    Folded fold(BooleanSupplier goOn) {
        running.lock();
        try {
            long started = System.nanoTime();
            long read = 0;
            long written = 0;
            while (true) {
                Step step = goOn.getAsBoolean() ? step() : new Step(0, 0, foldedThrough(), false, false);
                read += step.read;
                written += step.written;
                if (step.deferred || !step.more) {
                    Folded folded = new Folded(read, written, step.foldedThrough, step.deferred);
                    if (read > 0) {
                        LOG.log(System.Logger.Level.DEBUG, "event=ledger_customers_folded entries={0} sets={1} "
                                + "folded_through={2} deferred={3} millis={4}", read, written, step.foldedThrough,
                                step.deferred, (System.nanoTime() - started) / 1_000_000);
                    }
                    return folded;
                }
            }
        } finally {
            running.unlock();
        }
    }

    private long foldedThrough() {
        return sql.read(CustomerDays::state).foldedThrough();
    }

    private record Step(long read, long written, long foldedThrough, boolean deferred, boolean more) {
    }

    private Step step() {
        // Taken before the entries are read: the class comment's argument needs "now" not later than
        // the read. Without a lag, no entry is too young (nor one a skewed clock dated ahead).
        long recordedBefore = lag.isZero() ? Long.MAX_VALUE : clock.millis() - lag.toMillis();
        Batch batch = sql.read(c -> Batch.read(c, chunk, maxBuckets, segmentIds, recordedBefore));
        long from = batch.state.foldedThrough();
        if (batch.read == 0) {
            return new Step(0, 0, from, false, false);
        }
        List<CustomerDays.Segment> grown = batch.grown(segmentIds);
        if (grown.isEmpty() && batch.watermark == from) {
            return new Step(batch.read, 0, from, false, false);
        }
        beforeWrite.run();
        boolean written = sql.inTransaction(c -> {
            if (!CustomerDays.advance(c, batch.state, batch.watermark)) {
                return false;
            }
            CustomerDays.write(c, grown);
            return true;
        });
        if (!written) {
            return new Step(batch.read, 0, from, true, false);
        }
        // A full chunk, or one cut at the bucket limit: there may be more. A watermark held back by
        // young entries would only read them again.
        boolean more = (batch.read == chunk || batch.fresh.size() >= maxBuckets) && batch.watermark == batch.lastId;
        return new Step(batch.read, grown.size(), batch.watermark, false, more);
    }

    /** One chunk of entries, the new ids per bucket, and the last segments of those buckets. */
    private static final class Batch {
        CustomerDays.State state;
        long read;
        long lastId;
        long watermark;
        final Map<CustomerDays.Bucket, LongList> fresh = new HashMap<>();
        Map<CustomerDays.Bucket, CustomerDays.LastSegment> last;

        static Batch read(Connection c, int chunk, int maxBuckets, int segmentIds, long recordedBefore)
                throws SQLException {
            Batch b = new Batch();
            b.state = CustomerDays.state(c);
            b.watermark = b.state.foldedThrough();
            boolean young = false;
            try (PreparedStatement ps = c.prepareStatement(ENTRIES)) {
                ps.setLong(1, b.state.foldedThrough());
                ps.setInt(2, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (b.fresh.size() < maxBuckets && rs.next()) {
                        long id = rs.getLong(1);
                        b.read++;
                        b.lastId = id;
                        young = young || rs.getLong(7) >= recordedBefore;
                        if (!young) {
                            b.watermark = id;
                        }
                        String key = rs.getString(6);
                        if (key != null) {
                            b.fresh.computeIfAbsent(new CustomerDays.Bucket(rs.getString(2), rs.getLong(3), rs.getString(4),
                                    rs.getString(5)), k -> new LongList()).add(CustomerIds.of(key));
                        }
                    }
                }
            }
            b.last = CustomerDays.lastSegments(c, b.fresh.keySet(), segmentIds);
            return b;
        }

        /**
         * The segments to write: per bucket, its new ids merged into its last segment while that
         * has room, the rest in new segments of at most {@code segmentIds} ids, numbered on. A
         * bucket whose new ids its last segment already holds writes nothing; ids in its full
         * segments are not looked for (readers count an id once).
         */
        List<CustomerDays.Segment> grown(int segmentIds) {
            List<CustomerDays.Segment> grown = new ArrayList<>();
            fresh.forEach((bucket, ids) -> {
                CustomerDays.LastSegment segment = last.get(bucket);
                boolean open = segment != null && segment.set() != null;
                long[] before = open ? CustomerIds.decode(segment.set()) : new long[0];
                long[] after = CustomerIds.union(before, ids.sortedDistinct());
                if (after.length == before.length) {
                    return;
                }
                int number = segment == null ? 0 : open ? segment.segment() : segment.segment() + 1;
                for (int from = 0; from < after.length; from += segmentIds, number++) {
                    grown.add(new CustomerDays.Segment(bucket, number,
                            CustomerIds.encode(Arrays.copyOfRange(after, from, Math.min(after.length, from + segmentIds)))));
                }
            });
            return grown;
        }
    }
}
