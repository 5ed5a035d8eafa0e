package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inserts many rows with {@code INSERT ... VALUES (...), (...), ...} statements of up to
 * {@link #MAX_ROWS} rows each, instead of one execution per row.
 *
 * <p>Why: sqlite-jdbc runs a JDBC batch as one {@code sqlite3_step} and reset (plus JNI round
 * trips) per row, so on the single SQLite writer thread per-row overhead adds up; one multi-row
 * statement steps once per chunk. The same SQL runs on PostgreSQL. Chunks stay far below
 * SQLite's 32766 and PostgreSQL's 32767 bound-parameter limits.
 *
 * <p>On a connection that caches statements (the embedded store's writer, {@link StatementCache}),
 * a chunk of at least {@link #MIN_SHARED_ROWS} rows binds each value that every one of its rows
 * holds in the same column once: the statement names parameters by number ({@code ?1}), and every
 * row's tuple refers to the one shared parameter. The rows of one commit mostly repeat their
 * tenant, kind, destinations, decisions, currency and, within a request, their times; binding a
 * value costs the writer a JNI call and, for text, an encoding and a copy in C: about 0.1-0.2 µs,
 * half or more of writing a row without indexes (docs/storage-log.md, session 24). What goes into the table is the
 * same either way. The insert remembers the first {@link #MAX_PATTERNS} sharing patterns it meets
 * (which columns are shared); a chunk whose pattern is not among them shares the columns of the
 * largest remembered pattern that its own covers, so the statement texts, and the statements the
 * writer keeps compiled, stay a handful per table whatever the data.
 *
 * @param <T> one row
 */
public final class MultiRowInsert<T> {

    /** Rows per statement: large enough to amortize, small enough to keep the SQL short. */
    public static final int MAX_ROWS = 100;
    /** The fewest rows a chunk shares repeated values in: below, the saving is a few binds. */
    static final int MIN_SHARED_ROWS = 8;
    /** Sharing patterns remembered per insert (see the class comment). */
    static final int MAX_PATTERNS = 4;
    /** Columns beyond the first 64 are never shared (a pattern is a bit mask). */
    private static final int MAX_SHARED_COLUMN = Long.SIZE;

    /**
     * One row's values, by column: 1 is the first of the columns the insert lists. Null strings
     * and byte arrays are SQL nulls.
     */
    public interface Values {
        void setString(int column, String value) throws SQLException;

        void setLong(int column, long value) throws SQLException;

        void setInt(int column, int value) throws SQLException;

        void setBytes(int column, byte[] value) throws SQLException;

        /** An SQL null of {@code sqlType} ({@link java.sql.Types}). */
        void setNull(int column, int sqlType) throws SQLException;
    }

    /**
     * Sets one row's values. It may run twice per row (once to find the shared values, once to
     * bind), so it reads values the row already holds rather than computing them.
     */
    @FunctionalInterface
    public interface Binder<T> {
        /**
         * Sets every column of {@code row}, each exactly once.
         *
         * @param values where the row's values go
         * @param row    the row
         */
        void bind(Values values, T row) throws SQLException;
    }

    private final String head;
    private final int columns;
    private final Binder<T> binder;
    /** The sharing patterns met so far (at most MAX_PATTERNS); replaced, never changed. */
    private volatile List<Pattern> patterns = List.of();
    /**
     * Where each value goes when nothing is shared: row after row, column after column, with
     * positional parameters ({@code ?}), the only kind PostgreSQL's driver takes.
     */
    private final Pattern unshared;

    /**
     * @param table   the table
     * @param columns the columns each row sets, in binding order
     * @param binder  binds one row
     */
    public MultiRowInsert(String table, List<String> columns, Binder<T> binder) {
        if (columns.isEmpty() || columns.size() * MAX_ROWS > 32_766) {
            throw new IllegalArgumentException("columns: 1 to " + 32_766 / MAX_ROWS);
        }
        this.head = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ";
        this.columns = columns.size();
        this.binder = Objects.requireNonNull(binder, "binder");
        this.unshared = new Pattern(0);
    }

    /** The statement for {@code rows} rows, nothing shared. */
    String sql(int rows) {
        return unshared.sql(rows);
    }

    /** Slots of a pattern's texts: one per power of two below {@link #MAX_ROWS}, and MAX_ROWS itself last. */
    private static final int TEXT_SLOTS = Integer.SIZE - Integer.numberOfLeadingZeros(MAX_ROWS) + 1;

    private static int slot(int rows) {
        return rows == MAX_ROWS ? TEXT_SLOTS - 1 : Integer.bitCount(rows) == 1 ? Integer.numberOfTrailingZeros(rows) : -1;
    }

    /**
     * Inserts {@code rows} in order inside the caller's transaction; nothing when empty. Rows go in
     * chunks of {@link #MAX_ROWS}; on a connection that caches statements ({@link StatementCache})
     * the rest goes in power-of-two chunks (64, 32, ... 1), so that a handful of statement texts
     * per table serves every batch size; elsewhere the rest goes in one statement.
     */
    public void insert(Connection c, List<? extends T> rows) throws SQLException {
        inChunks(c, rows, "", (ps, count) -> {
            int inserted = ps.executeUpdate();
            if (inserted != count) {
                throw new SQLException("multi-row insert wrote " + inserted + " of " + count + " rows");
            }
        });
    }

    /**
     * Binds {@code row} as the first row of {@code ps}, a statement of the caller's whose first
     * parameters are this insert's columns in the same order (a one-row variant, say).
     */
    public void bindRow(PreparedStatement ps, T row) throws SQLException {
        Numbered values = new Numbered(ps, unshared);
        values.row(0);
        binder.bind(values, row);
    }

    /** Reads one row of a {@code RETURNING} clause. */
    @FunctionalInterface
    public interface Returned {
        void read(java.sql.ResultSet rs) throws SQLException;
    }

    /**
     * {@link #insert} with {@code suffix} after the values (e.g. {@code ON CONFLICT ... DO NOTHING
     * RETURNING ...}), handing every returned row to {@code returned}. Rows come back in no
     * particular order, and rows the suffix skipped return nothing.
     */
    public void insertReturning(Connection c, List<? extends T> rows, String suffix, Returned returned) throws SQLException {
        inChunks(c, rows, suffix, (ps, count) -> {
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    returned.read(rs);
                }
            }
        });
    }

    /** Runs one chunk's statement, its rows bound. */
    @FunctionalInterface
    private interface Chunk {
        void run(PreparedStatement ps, int count) throws SQLException;
    }

    private void inChunks(Connection c, List<? extends T> rows, String suffix, Chunk chunk) throws SQLException {
        int size = rows.size();
        boolean cached = StatementCache.caches(c);
        for (int from = 0; from < size; ) {
            int rest = size - from;
            int count = rest >= MAX_ROWS ? MAX_ROWS : cached ? Integer.highestOneBit(rest) : rest;
            Pattern pattern = cached && count >= MIN_SHARED_ROWS ? pattern(sharedColumns(rows, from, count)) : null;
            String sql = (pattern == null ? unshared : pattern).text(count, suffix);
            try (StatementCache.Lease lease = StatementCache.prepare(c, sql)) {
                PreparedStatement ps = lease.statement();
                // The positional text numbers its parameters as the pattern that shares nothing does.
                Numbered values = new Numbered(ps, pattern == null ? unshared : pattern);
                for (int i = 0; i < count; i++) {
                    values.row(i);
                    binder.bind(values, rows.get(from + i));
                }
                chunk.run(ps, count);
            }
            from += count;
        }
    }

    /** The columns (bit {@code column - 1}) that hold the same value in every row of the chunk. */
    long sharedColumns(List<? extends T> rows, int from, int count) throws SQLException {
        Comparing comparing = new Comparing(Math.min(columns, MAX_SHARED_COLUMN));
        for (int i = 0; i < count && comparing.same != 0; i++) {
            comparing.first = i == 0;
            binder.bind(comparing, rows.get(from + i));
        }
        return comparing.same;
    }

    /**
     * The remembered pattern for {@code shared}: the same one, else a new one while fewer than
     * {@link #MAX_PATTERNS} are remembered, else the one sharing the most of those columns and no
     * other; null (nothing shared) when there is none.
     */
    Pattern pattern(long shared) {
        if (shared == 0) {
            return null;
        }
        List<Pattern> known = patterns;
        Pattern best = null;
        for (Pattern p : known) {
            if (p.mask == shared) {
                return p;
            }
            if ((p.mask & ~shared) == 0 && (best == null || Long.bitCount(p.mask) > Long.bitCount(best.mask))) {
                best = p;
            }
        }
        if (known.size() >= MAX_PATTERNS) {
            return best;
        }
        synchronized (this) {
            if (patterns.size() >= MAX_PATTERNS) {
                return best;
            }
            for (Pattern p : patterns) {
                if (p.mask == shared) {
                    return p;
                }
            }
            Pattern added = new Pattern(shared);
            List<Pattern> more = new ArrayList<>(patterns);
            more.add(added);
            patterns = List.copyOf(more);
            return added;
        }
    }

    /** Columns shared by every row of a chunk, and where each column's value goes. */
    final class Pattern {
        final long mask;
        /** Per column (index column - 1): its shared parameter, or 0 when each row binds its own. */
        private final int[] sharedParameter;
        /** Per column: its place (1-based) among a row's own parameters; 0 when shared. */
        private final int[] ownPlace;
        private final int sharedCount;
        private final int ownCount;
        private final Map<String, String[]> texts = new ConcurrentHashMap<>();

        private Pattern(long mask) {
            this.mask = mask;
            this.sharedParameter = new int[columns];
            this.ownPlace = new int[columns];
            int shared = 0;
            int own = 0;
            for (int c = 0; c < columns; c++) {
                if (c < MAX_SHARED_COLUMN && (mask & (1L << c)) != 0) {
                    sharedParameter[c] = ++shared;
                } else {
                    ownPlace[c] = ++own;
                }
            }
            this.sharedCount = shared;
            this.ownCount = own;
        }

        /** The parameter of {@code column} (1-based) in row {@code row} of the chunk. */
        int parameter(int row, int column) {
            int shared = sharedParameter[column - 1];
            return shared != 0 ? shared : sharedCount + row * ownCount + ownPlace[column - 1];
        }

        /**
         * The statement for {@code rows} rows followed by {@code suffix}; those of the chunk sizes
         * in use on the writer (powers of two and MAX_ROWS) are built once.
         */
        String text(int rows, String suffix) {
            int slot = slot(rows);
            if (slot < 0) {
                return sql(rows) + suffix;
            }
            String[] slots = texts.computeIfAbsent(suffix, s -> new String[TEXT_SLOTS]);
            String text = slots[slot];
            if (text == null) {
                // A race builds the same text twice at worst; a String is safe to publish this way.
                text = sql(rows) + suffix;
                slots[slot] = text;
            }
            return text;
        }

        /** The statement for {@code rows} rows: its parameters numbered, or positional when nothing is shared. */
        String sql(int rows) {
            StringBuilder sb = new StringBuilder(head.length() + rows * columns * 7);
            sb.append(head);
            for (int r = 0; r < rows; r++) {
                sb.append(r == 0 ? "(" : ", (");
                for (int c = 1; c <= columns; c++) {
                    sb.append(c == 1 ? "?" : ", ?");
                    if (mask != 0) {
                        sb.append(parameter(r, c));
                    }
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }

    /** Binds a row's columns to a {@link Pattern}'s parameters: shared ones only from the chunk's first row. */
    private final class Numbered implements Values {
        private final PreparedStatement ps;
        private final Pattern pattern;
        private int row;

        Numbered(PreparedStatement ps, Pattern pattern) {
            this.ps = ps;
            this.pattern = pattern;
        }

        void row(int row) {
            this.row = row;
        }

        /** The parameter to bind, or 0 for a shared one the first row has bound. */
        private int parameter(int column) {
            if (row > 0 && pattern.sharedParameter[column - 1] != 0) {
                return 0;
            }
            return pattern.parameter(row, column);
        }

        @Override
        public void setString(int column, String value) throws SQLException {
            int p = parameter(column);
            if (p != 0) {
                ps.setString(p, value);
            }
        }

        @Override
        public void setLong(int column, long value) throws SQLException {
            int p = parameter(column);
            if (p != 0) {
                ps.setLong(p, value);
            }
        }

        @Override
        public void setInt(int column, int value) throws SQLException {
            int p = parameter(column);
            if (p != 0) {
                ps.setInt(p, value);
            }
        }

        @Override
        public void setBytes(int column, byte[] value) throws SQLException {
            int p = parameter(column);
            if (p != 0) {
                ps.setBytes(p, value);
            }
        }

        @Override
        public void setNull(int column, int sqlType) throws SQLException {
            int p = parameter(column);
            if (p != 0) {
                ps.setNull(p, sqlType);
            }
        }
    }

    /**
     * Finds the columns whose value is the same in every row: the first row's values are kept,
     * later rows clear the bit of each column that differs. Integers compare as numbers, text and
     * bytes by content, nulls equal nulls of any type; a value of another kind differs.
     */
    private static final class Comparing implements Values {
        private static final byte NULL = 1;
        private static final byte NUMBER = 2;
        private static final byte TEXT = 3;
        private static final byte BYTES = 4;

        private final byte[] kinds;
        private final long[] numbers;
        private final Object[] objects;
        boolean first;
        long same;

        Comparing(int columns) {
            this.kinds = new byte[columns];
            this.numbers = new long[columns];
            this.objects = new Object[columns];
            this.same = columns == Long.SIZE ? -1L : (1L << columns) - 1;
        }

        private boolean tracked(int column) {
            return column <= kinds.length && (same & (1L << (column - 1))) != 0;
        }

        private void differs(int column) {
            same &= ~(1L << (column - 1));
        }

        private void number(int column, long value) {
            if (!tracked(column)) {
                return;
            }
            int i = column - 1;
            if (first) {
                kinds[i] = NUMBER;
                numbers[i] = value;
            } else if (kinds[i] != NUMBER || numbers[i] != value) {
                differs(column);
            }
        }

        private void object(int column, byte kind, Object value) {
            if (!tracked(column)) {
                return;
            }
            int i = column - 1;
            if (value == null) {
                kind = NULL;
            }
            if (first) {
                kinds[i] = kind;
                objects[i] = value;
                return;
            }
            boolean equal = kinds[i] == kind && switch (kind) {
                case NULL -> true;
                case TEXT -> value == objects[i] || value.equals(objects[i]);
                case BYTES -> value == objects[i] || Arrays.equals((byte[]) value, (byte[]) objects[i]);
                default -> false;
            };
            if (!equal) {
                differs(column);
            }
        }

        @Override
        public void setString(int column, String value) {
            object(column, TEXT, value);
        }

        @Override
        public void setLong(int column, long value) {
            number(column, value);
        }

        @Override
        public void setInt(int column, int value) {
            number(column, value);
        }

        @Override
        public void setBytes(int column, byte[] value) {
            object(column, BYTES, value);
        }

        @Override
        public void setNull(int column, int sqlType) {
            object(column, NULL, null);
        }
    }
}
