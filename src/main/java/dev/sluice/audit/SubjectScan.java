package dev.sluice.audit;

import dev.sluice.store.SqlAccess;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds a data subject's rows in SQLite's {@code audit_subjects} without holding the single
 * writer. The table has no index on its keys (a random page per key on every accepted event, see
 * {@link AuditCompanions}), so an erasure reads the tenant's rows whole; inside the erasure's
 * write transaction that read stopped ingest for as long as it took (0.4-0.7 s with half a
 * million events stored, and it grows with every event kept; docs/audit.md, "Erasure").
 *
 * <p>{@link #find} first reads three marks in one snapshot: the highest rowid of the table, and
 * the last ids SQLite's {@code AUTOINCREMENT} handed out to events and ledger entries. It then
 * reads rowids up to that mark in ranges of {@value #PAGE}, each range a short read of its own,
 * while ingest goes on. Inside the transaction, {@link #catchUp} reads only what came since:
 * a subject row is written with its event, in the same transaction, so every row written after
 * the marks belongs to an event above the events mark; and a new row takes a rowid above every
 * row then in the table, so those rows are the table's last, read from the end down to the first
 * row of an older event. Rows the ranges read are never rewritten, only deleted (erasure,
 * retention); a row deleted in between is simply not found again when its rows are deleted.
 *
 * <p>Rows are kept as (rowid, event row id) pairs, 16 bytes a row found.
 */
final class SubjectScan {
    /** Rowids one range reads (a few tens of milliseconds of the reader). */
    static final long PAGE = 65_536;
    /**
     * How far from a found row the other rows of its event may lie: an event's subject rows are
     * written together, one after the other, and versions before session 21 wrote up to four (one
     * key a row: email, the phone's two forms, external id). This version writes one.
     */
    static final int NEIGHBOURS = 3;

    private static final String MARKS = "SELECT (SELECT max(rowid) FROM audit_subjects),"
            + " (SELECT seq FROM sqlite_sequence WHERE name = 'events'),"
            + " (SELECT seq FROM sqlite_sequence WHERE name = 'ledger_entries')";

    private final String tenantId;
    private final byte[][] raw;
    private final String[] hex;
    /** The keys' hex digits as ASCII bytes, as rows of versions before session 21 hold them. */
    private final byte[][] hexBytes;
    private final long lastRowid;
    private long lastEventRowId;
    private long lastLedgerId;
    private long[] rowids = new long[16];
    private long[] events = new long[16];
    private int size;
    /** The rows before it were taken by {@link #takeFirst}; the rest are the found rows. */
    private int from;
    /**
     * Whether the rows from {@link #from} on are in event order (they are found in rowid order,
     * which is event order but for rows written after a rowid was taken again; the walks from the
     * table's end add rows in reverse), and then how many events they belong to.
     */
    private boolean sorted = true;
    private int distinct;

    private SubjectScan(String tenantId, List<String> keys, long[] marks) {
        this.tenantId = tenantId;
        this.hex = keys.toArray(String[]::new);
        this.raw = new byte[hex.length][];
        this.hexBytes = new byte[hex.length][];
        HexFormat format = HexFormat.of();
        for (int i = 0; i < hex.length; i++) {
            raw[i] = format.parseHex(hex[i]);
            hexBytes[i] = hex[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        this.lastRowid = marks[0];
        this.lastEventRowId = marks[1];
        this.lastLedgerId = marks[2];
    }

    /** Reads the rows holding any of {@code keys} (64 hex digits each), range by range, outside any transaction. */
    static SubjectScan find(SqlAccess sql, String tenantId, List<String> keys) throws SQLException {
        return find(sql, tenantId, keys, PAGE);
    }

    /** {@link #find} with ranges of {@code page} rowids. */
    static SubjectScan find(SqlAccess sql, String tenantId, List<String> keys, long page) throws SQLException {
        long[] marks = sql.read(SubjectScan::marks);
        SubjectScan scan = new SubjectScan(tenantId, keys, marks);
        if (keys.isEmpty()) {
            return scan;
        }
        String sql0 = "SELECT rowid, event_row_id FROM audit_subjects WHERE rowid > ? AND rowid <= ? AND tenant_id = ? AND "
                + matches(keys.size());
        for (long from = 0; from < scan.lastRowid; from += page) {
            long after = from;
            long through = Math.min(scan.lastRowid, from + page);
            sql.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql0)) {
                    ps.setLong(1, after);
                    ps.setLong(2, through);
                    ps.setString(3, tenantId);
                    scan.bindKeys(ps, 4);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            scan.add(rs.getLong(1), rs.getLong(2));
                        }
                    }
                }
                return null;
            });
        }
        return scan;
    }

    /**
     * Outside the transaction again, after the ranges: adds the rows written while they were read
     * (walking down from the table's end as {@link #catchUp} does) and moves the marks to the
     * moment before that walk, so that the transaction reads only what arrives during this one
     * short read, not everything written during a long scan. The ledger mark moves with it: read
     * {@link #lastLedgerId} before and after.
     */
    void advance(SqlAccess sql) throws SQLException {
        long[] marks = sql.read(SubjectScan::marks);
        sql.read(c -> {
            catchUp(c);
            return null;
        });
        lastEventRowId = marks[1];
        lastLedgerId = marks[2];
    }

    private static long[] marks(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MARKS); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /**
     * Inside the erasure's transaction: adds the rows written since the marks were read,
     * walking the table from its last rowid down to the first row of an event at or below the
     * events mark.
     */
    void catchUp(Connection c) throws SQLException {
        if (raw.length == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rowid, event_row_id, tenant_id, subject_key FROM audit_subjects ORDER BY rowid DESC");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next() && rs.getLong(2) > lastEventRowId) {
                if (tenantId.equals(rs.getString(3)) && holdsKey(rs.getBytes(4))) {
                    add(rs.getLong(1), rs.getLong(2));
                }
            }
        }
    }

    /** The last id handed out to a ledger entry when the marks were last read: entries above it came later. */
    long lastLedgerId() {
        return lastLedgerId;
    }

    /** The events mark: events above it came after the marks were last read. */
    long lastEventRowId() {
        return lastEventRowId;
    }

    /** The found rows' events, sorted and distinct, in a new array. */
    long[] events() {
        sort();
        long[] out = new long[distinct];
        int n = 0;
        for (int i = from; i < size; i++) {
            if (n == 0 || events[i] != out[n - 1]) {
                out[n++] = events[i];
            }
        }
        return out;
    }

    /** Whether a found row belongs to {@code eventRowId}: the events as a test, without a copy of them. */
    boolean holdsEvent(long eventRowId) {
        sort();
        int lo = from;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (events[mid] < eventRowId) {
                lo = mid + 1;
            } else if (events[mid] > eventRowId) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /**
     * The rowids that may hold rows of the found rows' events: each found row and its
     * {@value #NEIGHBOURS} neighbours on either side, sorted and distinct. Deleting among these
     * the rows of those events deletes every row of theirs.
     */
    long[] candidateRowids() {
        return candidates(rowids, from, size);
    }

    /** How many events the found rows belong to. */
    int eventCount() {
        sort();
        return distinct;
    }

    /**
     * The events of one part of a large erasure and the rowids that may hold their rows (as
     * {@link #candidateRowids}), both sorted and distinct.
     */
    record Part(long[] events, long[] candidateRowids) {
    }

    /**
     * Takes the rows of the first {@code max} found events (in id order) out of this scan and
     * returns them as a part: an erasure deletes a subject with many events in parts, each its
     * own transaction, and the last part (what is left here, with what {@link #catchUp} adds) in
     * the transaction that writes the final record.
     */
    Part takeFirst(int max) {
        sort();
        int count = Math.min(Math.max(0, max), distinct);
        if (count == 0) {
            return new Part(new long[0], new long[0]);
        }
        long[] part = new long[count];
        int n = 0;
        int to = from;
        while (to < size && (n < count || events[to] == part[n - 1])) {
            if (n == 0 || events[to] != part[n - 1]) {
                part[n++] = events[to];
            }
            to++;
        }
        long[] candidates = candidates(rowids, from, to);
        from = to;
        distinct -= count;
        return new Part(part, candidates);
    }

    private static long[] candidates(long[] found, int start, int end) {
        long[] out = new long[(end - start) * (2 * NEIGHBOURS + 1)];
        int n = 0;
        for (int i = start; i < end; i++) {
            for (long r = Math.max(1, found[i] - NEIGHBOURS); r <= found[i] + NEIGHBOURS; r++) {
                out[n++] = r;
            }
        }
        return sortedDistinct(out, n);
    }

    /**
     * Puts the rows from {@link #from} on in event order (rowid within an event), in place: a
     * heap sort, since a million found rows leave no room in the heap for a copy.
     */
    private void sort() {
        if (sorted) {
            return;
        }
        boolean inOrder = true;
        for (int i = from + 1; i < size && inOrder; i++) {
            inOrder = !after(i - 1, i);
        }
        if (!inOrder) {
            int n = size - from;
            for (int i = n / 2 - 1; i >= 0; i--) {
                siftDown(i, n);
            }
            for (int end = n - 1; end > 0; end--) {
                swap(from, from + end);
                siftDown(0, end);
            }
        }
        distinct = 0;
        for (int i = from; i < size; i++) {
            if (i == from || events[i] != events[i - 1]) {
                distinct++;
            }
        }
        sorted = true;
    }

    private void siftDown(int root, int n) {
        while (2 * root + 1 < n) {
            int child = 2 * root + 1;
            if (child + 1 < n && after(from + child + 1, from + child)) {
                child++;
            }
            if (!after(from + child, from + root)) {
                return;
            }
            swap(from + root, from + child);
            root = child;
        }
    }

    /** Whether row {@code a} comes after row {@code b} in (event, rowid) order. */
    private boolean after(int a, int b) {
        return events[a] != events[b] ? events[a] > events[b] : rowids[a] > rowids[b];
    }

    private void swap(int a, int b) {
        long r = rowids[a];
        rowids[a] = rowids[b];
        rowids[b] = r;
        long e = events[a];
        events[a] = events[b];
        events[b] = e;
    }

    /** The first {@code n} of {@code values}, sorted and distinct, in a new array. */
    static long[] sortedDistinct(long[] values, int n) {
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1]) {
                sorted[distinct++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, distinct);
    }

    private void add(long rowid, long eventRowId) {
        if (size == rowids.length) {
            rowids = Arrays.copyOf(rowids, size * 2);
            events = Arrays.copyOf(events, size * 2);
        }
        rowids[size] = rowid;
        events[size++] = eventRowId;
        sorted = false;
    }

    /** A key's bytes inside a row of this version's (raw keys, see {@link AuditCompanions}) or its hex inside an earlier one's. */
    private boolean holdsKey(byte[] stored) {
        if (stored == null) {
            return false;
        }
        for (int k = 0; k < raw.length; k++) {
            if (indexOf(stored, raw[k]) >= 0 || indexOf(stored, hexBytes[k]) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The key predicate of {@code count} keys: each as raw bytes (this version) or as hex text (earlier ones). */
    static String matches(int count) {
        return "(" + "instr(subject_key, ?) > 0 OR instr(subject_key, ?) > 0 OR ".repeat(count - 1)
                + "instr(subject_key, ?) > 0 OR instr(subject_key, ?) > 0)";
    }

    /** Binds the keys for {@link #matches} from parameter {@code first}; returns the next parameter. */
    int bindKeys(PreparedStatement ps, int first) throws SQLException {
        int at = first;
        for (int i = 0; i < raw.length; i++) {
            ps.setBytes(at++, raw[i]);
            ps.setString(at++, hex[i]);
        }
        return at;
    }
}
