package dev.sluice.ledger;

import dev.sluice.privacy.TenantCrypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's customer keys (tenant-peppered HMACs, see {@link LedgerSource}) and their
 * unlinking for erasure: the entries stay (revenue is the merchant's own bookkeeping), but no
 * longer point at the person, so they drop out of CLV's distinct-customer counts.
 */
public final class LedgerCustomers {
    private LedgerCustomers() {
    }

    /** Every key the ledger may have booked this subject under (by external id and by email). */
    public static List<String> keys(TenantCrypto crypto, Optional<String> email, Optional<String> externalId) {
        List<String> keys = new ArrayList<>(2);
        identifier("ext:", externalId).ifPresent(id -> keys.add(crypto.customerKey(id)));
        emailIdentifier(email).ifPresent(e -> keys.add(crypto.customerKey(e)));
        return keys;
    }

    /**
     * The key an entry is booked under: the first of {@link #keys} (external id, else email),
     * without computing the second.
     */
    public static Optional<String> key(TenantCrypto crypto, Optional<String> email, Optional<String> externalId) {
        Optional<String> identifier = identifier("ext:", externalId);
        if (identifier.isEmpty()) {
            identifier = emailIdentifier(email);
        }
        return identifier.map(crypto::customerKey);
    }

    private static Optional<String> identifier(String prefix, Optional<String> value) {
        return value.map(String::strip).filter(s -> !s.isEmpty()).map(s -> prefix + s);
    }

    private static Optional<String> emailIdentifier(Optional<String> email) {
        return identifier("email:", email.map(e -> e.toLowerCase(Locale.ROOT)));
    }

    /**
     * Clears the customer key of the tenant's entries booked under {@code keys} or under any key
     * found on the entries of {@code eventRowIds} (the subject's events: an erasure by email must
     * also reach entries booked under the same person's external id), and removes those
     * customers' ids from the distinct-customer sets of the buckets their purchases were booked
     * in, inside the caller's transaction; returns how many entries were unlinked. Rare, so it
     * may scan.
     *
     * <p>The fold state's version is bumped first: a fold that read these entries before this
     * transaction then does not write their ids back, and on PostgreSQL a fold that is writing
     * right now holds the state row, so this waits and then edits the sets it wrote. An id that
     * another of the tenant's customers shares (see {@link CustomerIds}) leaves that bucket too.
     */
    public static long unlink(Connection connection, String tenantId, List<String> keys, List<Long> eventRowIds)
            throws SQLException {
        List<String> list = keysOf(connection, tenantId, keys, eventRowIds);
        if (list.isEmpty()) {
            return 0;
        }
        CustomerDays.touch(connection);
        Map<CustomerDays.Bucket, long[]> booked = purchaseBuckets(connection, tenantId, list);
        long unlinked = updateIn(connection, "UPDATE ledger_entries SET customer_key = NULL WHERE tenant_id = ?"
                + " AND customer_key", tenantId, list);
        CustomerDays.forget(connection, booked);
        return unlinked;
    }

    /** {@code keys} and the keys the entries of {@code eventRowIds} are booked under. */
    private static List<String> keysOf(Connection connection, String tenantId, List<String> keys, List<Long> eventRowIds)
            throws SQLException {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(keys);
        selectIn(connection, "SELECT DISTINCT customer_key FROM ledger_entries WHERE tenant_id = ?"
                + " AND customer_key IS NOT NULL AND event_row_id", tenantId, eventRowIds, rs -> all.add(rs.getString(1)));
        return List.copyOf(all);
    }

    /**
     * What a subject's ledger entries are booked under, and the entries themselves.
     *
     * @param keys    the subject's keys and the keys their events' entries are booked under
     * @param entries the entries booked under any of {@code keys}, sorted and distinct
     */
    public record Booked(List<String> keys, long[] entries) {
    }

    /**
     * PostgreSQL, outside any transaction (through the indexes on event row ids and customer keys):
     * the entries {@link #unlink} would unlink now, for an erasure that goes in parts
     * ({@link #unlinkPart}); the last part unlinks by {@link Booked#keys}, which also reaches
     * entries booked since.
     */
    public static Booked booked(Connection connection, String tenantId, List<String> keys, List<Long> eventRowIds,
                                int fetchSize) throws SQLException {
        List<String> all = keysOf(connection, tenantId, keys, eventRowIds);
        LongList ids = new LongList();
        selectIn(connection, "SELECT id FROM ledger_entries WHERE tenant_id = ? AND customer_key", tenantId, all, fetchSize,
                rs -> ids.add(rs.getLong(1)));
        return new Booked(all, ids.sortedDistinct());
    }

    /** The buckets the purchases booked under {@code keys} are in, with those customers' ids in each. */
    private static Map<CustomerDays.Bucket, long[]> purchaseBuckets(Connection connection, String tenantId,
                                                                    List<String> keys) throws SQLException {
        return purchaseBuckets(connection, tenantId, "customer_key", keys);
    }

    /**
     * The buckets of the purchases among the entries whose {@code column} is one of {@code values}
     * (and that are still booked under a customer), with those customers' ids in each.
     */
    private static Map<CustomerDays.Bucket, long[]> purchaseBuckets(Connection connection, String tenantId, String column,
                                                                    List<?> values) throws SQLException {
        Map<CustomerDays.Bucket, LongList> ids = new HashMap<>();
        selectIn(connection, "SELECT DISTINCT day, platform, campaign, customer_key FROM ledger_entries WHERE tenant_id = ?"
                + " AND kind = 'purchase' AND customer_key IS NOT NULL AND " + column, tenantId, values,
                rs -> ids.computeIfAbsent(new CustomerDays.Bucket(tenantId, rs.getLong(1), rs.getString(2), rs.getString(3)),
                        k -> new LongList()).add(CustomerIds.of(rs.getString(4))));
        Map<CustomerDays.Bucket, long[]> sorted = new HashMap<>();
        ids.forEach((bucket, list) -> sorted.put(bucket, list.sortedDistinct()));
        return sorted;
    }

    /**
     * The embedded store's way to {@link #unlink} without holding the single writer for a read of
     * the whole ledger (it has no index on customer keys or event row ids: each would cost every
     * entry an index entry). {@link #find} reads the entries up to {@code lastId}, the last id
     * handed out when the erasure read its marks ({@code dev.sluice.audit.SubjectScan}), in id
     * ranges of {@value #PAGE}, each a short read, outside any transaction: the keys booked on the
     * subject's events' entries, then every entry booked under one of the subject's keys. Inside
     * the transaction, {@link #unlinkFound} reads only the entries written since (ids above the
     * mark: ids are never handed out twice) and then touches entries by id. An entry's customer
     * key only ever changes to nothing (an erasure), so what the ranges read still holds, or the
     * entry no longer counts.
     */
    public static final class Found {
        private final String tenantId;
        private long lastId;
        private final java.util.Set<String> keys;
        /** Entries found since {@link #untaken} was last brought up to date. */
        private LongList ids = new LongList();
        /**
         * The found entries, sorted and distinct; {@link #takeFirst} hands them out from
         * {@link #untakenFrom} on. Entries found later ({@link #ids}) are merged in: they are never
         * ones found before (an entry is found under a key, and its key only ever changes to none;
         * {@link #advance} may find older entries under a key first met there), so the merge
         * holds what no part has taken. For a subject with a million entries this is the one
         * array of 8 MB that the erasure keeps (the 64 MiB heap is ingest's too).
         */
        private long[] untaken = new long[0];
        private int untakenFrom;

        private Found(String tenantId, long lastId, java.util.Set<String> keys) {
            this.tenantId = tenantId;
            this.lastId = lastId;
            this.keys = keys;
        }

        /**
         * Outside the transaction again: takes in the entries written up to {@code newLastId} since
         * the ranges' mark (by id, one short read), as {@link #unlinkFound} does inside it, with
         * the older entries of a key first met there read in ranges here; the transaction then
         * reads only the entries above {@code newLastId}. {@code events}: whether an event row id
         * is one of the subject's events found so far (a test, not a copy of a million ids).
         */
        public void advance(dev.sluice.store.SqlAccess sql, java.util.function.LongPredicate events, long newLastId)
                throws SQLException {
            List<long[]> since = new ArrayList<>();
            List<String> sinceKeys = new ArrayList<>();
            sql.read(c -> {
                newer(c, this, newLastId, since, sinceKeys);
                return null;
            });
            List<String> newKeys = absorb(since, sinceKeys, events, keys, ids);
            if (!newKeys.isEmpty()) {
                java.util.Set<String> first = java.util.Set.copyOf(newKeys);
                ranges(sql, tenantId, lastId, PAGE, (id, event, key) -> {
                    if (first.contains(key)) {
                        ids.add(id);
                    }
                });
            }
            lastId = Math.max(lastId, newLastId);
        }

        /**
         * Takes in entries written after the mark: the keys of those of {@code events}, then every
         * one booked under a key of the subject's; returns the keys met here first.
         */
        private static List<String> absorb(List<long[]> since, List<String> sinceKeys, java.util.function.LongPredicate events,
                                           java.util.Set<String> keys, LongList ids) {
            List<String> newKeys = new ArrayList<>();
            for (int i = 0; i < since.size(); i++) {
                if (events.test(since.get(i)[1]) && keys.add(sinceKeys.get(i))) {
                    newKeys.add(sinceKeys.get(i));
                }
            }
            for (int i = 0; i < since.size(); i++) {
                if (keys.contains(sinceKeys.get(i))) {
                    ids.add(since.get(i)[0]);
                }
            }
            return newKeys;
        }

        /**
         * Takes the first {@code max} of the found entries not taken yet (in id order), for one
         * part of a large erasure ({@link #unlinkPart}); {@link #unlinkFound} then unlinks only
         * the rest, with what it finds itself.
         */
        public long[] takeFirst(int max) {
            updateUntaken();
            long[] part = java.util.Arrays.copyOfRange(untaken, untakenFrom,
                    untakenFrom + Math.min(Math.max(0, max), untaken.length - untakenFrom));
            untakenFrom += part.length;
            return part;
        }

        /** How many of the found entries no part has taken. */
        public int remainingCount() {
            updateUntaken();
            return untaken.length - untakenFrom;
        }

        private long[] remaining() {
            updateUntaken();
            return java.util.Arrays.copyOfRange(untaken, untakenFrom, untaken.length);
        }

        /** Merges the entries found since into {@link #untaken} (once per round of parts). */
        private void updateUntaken() {
            if (ids.size() == 0) {
                return;
            }
            int rest = untaken.length - untakenFrom;
            long[] merged = java.util.Arrays.copyOfRange(untaken, untakenFrom, untakenFrom + rest + ids.size());
            untaken = null;
            ids.copyInto(merged, rest);
            ids = new LongList();
            int n = CustomerIds.sortDistinct(merged, merged.length);
            untaken = n == merged.length ? merged : java.util.Arrays.copyOf(merged, n);
            untakenFrom = 0;
        }

        /** The last entry id taken in: the transaction reads only the entries above it. */
        public long lastId() {
            return lastId;
        }

        @Override
        public String toString() {
            return "Found[" + (untaken.length - untakenFrom + ids.size()) + " entries]";
        }
    }

    /** The entries above {@code found}'s mark (up to {@code through}) with a customer key: (id, event row id) and key. */
    private static void newer(Connection c, Found found, long through, List<long[]> since, List<String> sinceKeys)
            throws SQLException {
        readRange(c, found.tenantId, found.lastId, through, (id, event, key) -> {
            since.add(new long[] {id, event});
            sinceKeys.add(key);
        });
    }

    /** The tenant's entries with ids in {@code (after, through]} booked under a customer. */
    private static void readRange(Connection c, String tenantId, long after, long through, Entry entry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, event_row_id, customer_key FROM ledger_entries"
                + " WHERE id > ? AND id <= ? AND tenant_id = ? AND customer_key IS NOT NULL")) {
            ps.setLong(1, after);
            ps.setLong(2, through);
            ps.setString(3, tenantId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entry.accept(rs.getLong(1), rs.getLong(2), rs.getString(3));
                }
            }
        }
    }

    /** Entry ids one range of {@link #find} reads. */
    static final long PAGE = 65_536;

    /** One entry of a range: id, event row id, customer key. */
    @FunctionalInterface
    private interface Entry {
        void accept(long id, long eventRowId, String customerKey);
    }

    /**
     * SQLite, outside any transaction: the entries up to {@code lastId} booked under {@code keys}
     * or under a key found on an entry of one of the subject's events ({@code events} tells them:
     * a test, not a copy of a million ids).
     */
    public static Found find(dev.sluice.store.SqlAccess sql, String tenantId, List<String> keys,
                             java.util.function.LongPredicate events, long lastId) throws SQLException {
        return find(sql, tenantId, keys, events, lastId, PAGE);
    }

    /** {@link #find} with ranges of {@code page} ids. */
    public static Found find(dev.sluice.store.SqlAccess sql, String tenantId, List<String> keys,
                             java.util.function.LongPredicate events, long lastId, long page) throws SQLException {
        java.util.Set<String> all = new java.util.HashSet<>(keys);
        Found found = new Found(tenantId, lastId, all);
        java.util.Set<String> more = new java.util.HashSet<>();
        ranges(sql, tenantId, lastId, page, (id, event, key) -> {
            if (all.contains(key)) {
                found.ids.add(id);
            } else if (events.test(event)) {
                more.add(key);
            }
        });
        if (!more.isEmpty()) {
            // Keys met only on the subject's events (an erasure by email reaching entries booked
            // under the person's external id): a second pass for the entries booked under them.
            all.addAll(more);
            ranges(sql, tenantId, lastId, page, (id, event, key) -> {
                if (more.contains(key)) {
                    found.ids.add(id);
                }
            });
        }
        return found;
    }

    private static void ranges(dev.sluice.store.SqlAccess sql, String tenantId, long lastId, long page, Entry entry)
            throws SQLException {
        for (long from = 0; from < lastId; from += page) {
            long after = from;
            long through = Math.min(lastId, from + page);
            sql.read(c -> {
                readRange(c, tenantId, after, through, entry);
                return null;
            });
        }
    }

    /**
     * Inside the erasure's transaction: unlinks what {@link #find} found, the entries written
     * since that belong to {@code events} (sorted; found again inside the transaction, so they
     * include events that arrived during the ranges) or are booked under a key of the subject's,
     * as {@link #unlink} does; returns how many entries were unlinked. A key that first appears on
     * an entry written since is looked for in the older entries here, a read of the whole ledger:
     * only when the subject's new event is booked under a key none of their earlier ones was.
     */
    public static long unlinkFound(Connection connection, Found found, long[] events) throws SQLException {
        CustomerDays.touch(connection);
        List<long[]> since = new ArrayList<>();
        List<String> sinceKeys = new ArrayList<>();
        newer(connection, found, Long.MAX_VALUE, since, sinceKeys);
        // On copies: the transaction may run again, and must find what it did not keep.
        java.util.Set<String> keys = new java.util.HashSet<>(found.keys);
        LongList ids = new LongList();
        for (long id : found.remaining()) {
            ids.add(id);
        }
        List<String> newKeys = Found.absorb(since, sinceKeys, in(events), keys, ids);
        if (!newKeys.isEmpty()) {
            selectIn(connection, "SELECT id FROM ledger_entries WHERE tenant_id = ? AND id <= " + found.lastId
                    + " AND customer_key", found.tenantId, newKeys, rs -> ids.add(rs.getLong(1)));
        }
        return unlinkEntries(connection, found.tenantId, ids.sortedDistinct());
    }

    /**
     * Inside one part's transaction of a large erasure: unlinks the entries {@link Found#takeFirst}
     * (SQLite) or {@link #booked} (PostgreSQL) handed out, as {@link #unlinkFound} does, and takes their customers out of the customer sets
     * of the buckets they were booked in. A fold between two parts may put a customer back into a
     * bucket from an entry a later part unlinks; that part takes the customer out again.
     */
    public static long unlinkPart(Connection connection, String tenantId, long[] entryIds) throws SQLException {
        CustomerDays.touch(connection);
        return unlinkEntries(connection, tenantId, entryIds);
    }

    /** Unlinks {@code all} (sorted, distinct entry ids) and forgets their customers in their buckets. */
    private static long unlinkEntries(Connection connection, String tenantId, long[] all) throws SQLException {
        if (all.length == 0) {
            return 0;
        }
        List<Long> entryIds = new java.util.AbstractList<>() {
            @Override
            public Long get(int index) {
                return all[index];
            }

            @Override
            public int size() {
                return all.length;
            }
        };
        Map<CustomerDays.Bucket, long[]> booked = purchaseBuckets(connection, tenantId, "id", entryIds);
        long unlinked = updateIn(connection, "UPDATE ledger_entries SET customer_key = NULL WHERE tenant_id = ?"
                + " AND customer_key IS NOT NULL AND id", tenantId, entryIds);
        CustomerDays.forget(connection, booked);
        return unlinked;
    }

    /** Membership in {@code sorted} (sorted event row ids). */
    private static java.util.function.LongPredicate in(long[] sorted) {
        return e -> java.util.Arrays.binarySearch(sorted, e) >= 0;
    }

    /** Runs {@code sqlBeforeIn} as {@link #selectIn} does, as an update; returns the rows it changed. */
    private static long updateIn(Connection connection, String sqlBeforeIn, String tenantId, List<?> values)
            throws SQLException {
        long changed = 0;
        for (int from = 0; from < values.size(); from += CHUNK) {
            List<?> chunk = values.subList(from, Math.min(values.size(), from + CHUNK));
            try (PreparedStatement ps = connection.prepareStatement(sqlBeforeIn + " IN (" + "?,".repeat(chunk.size() - 1) + "?)")) {
                ps.setString(1, tenantId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setObject(i + 2, chunk.get(i));
                }
                changed += ps.executeUpdate();
            }
        }
        return changed;
    }

    /** One row of a {@link #selectIn} result. */
    @FunctionalInterface
    private interface Row {
        void read(java.sql.ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code sqlBeforeIn} (ending in the column to match, its first parameter the tenant)
     * with {@code IN (...)} over {@code values}, {@value #CHUNK} at a time, and hands each row to
     * {@code row}.
     */
    private static void selectIn(Connection connection, String sqlBeforeIn, String tenantId, List<?> values, Row row)
            throws SQLException {
        selectIn(connection, sqlBeforeIn, tenantId, values, 0, row);
    }

    /**
     * {@link #selectIn(Connection, String, String, List, Row)} with the driver's fetch size: on
     * PostgreSQL inside a transaction, rows then come that many at a time instead of all at once.
     */
    private static void selectIn(Connection connection, String sqlBeforeIn, String tenantId, List<?> values, int fetchSize,
                                 Row row) throws SQLException {
        for (int from = 0; from < values.size(); from += CHUNK) {
            List<?> chunk = values.subList(from, Math.min(values.size(), from + CHUNK));
            String sql = sqlBeforeIn + " IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                if (fetchSize > 0) {
                    ps.setFetchSize(fetchSize);
                }
                ps.setString(1, tenantId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setObject(i + 2, chunk.get(i));
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.read(rs);
                    }
                }
            }
        }
    }

    private static final int CHUNK = 500;
}
