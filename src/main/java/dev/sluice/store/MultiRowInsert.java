package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * @param <T> one row
 */
public final class MultiRowInsert<T> {

    /** Rows per statement: large enough to amortize, small enough to keep the SQL short. */
    public static final int MAX_ROWS = 100;

    /** Sets one row's parameters. */
    @FunctionalInterface
    public interface Binder<T> {
        /**
         * Binds {@code row} to parameters {@code offset + 1} .. {@code offset + columns}.
         *
         * @param ps     the statement
         * @param offset parameters of earlier rows in this statement
         * @param row    the row
         */
        void bind(PreparedStatement ps, int offset, T row) throws SQLException;
    }

    private final String head;
    private final String tuple;
    private final int columns;
    private final Binder<T> binder;
    // Built once: every full chunk uses the same text.
    private final String fullChunkSql;
    /** Statement texts of the chunks, per suffix, built once each (index: log2 of the rows; see TEXT_SLOTS). */
    private final Map<String, String[]> chunkTexts = new ConcurrentHashMap<>();

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
        this.tuple = "(" + "?, ".repeat(columns.size() - 1) + "?)";
        this.columns = columns.size();
        this.binder = Objects.requireNonNull(binder, "binder");
        this.fullChunkSql = sql(MAX_ROWS);
    }

    /** The statement for {@code rows} rows. */
    String sql(int rows) {
        StringBuilder sb = new StringBuilder(head.length() + rows * (tuple.length() + 2));
        sb.append(head);
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(tuple);
        }
        return sb.toString();
    }

    /** Slots of {@link #chunkTexts}: one per power of two below {@link #MAX_ROWS}, and MAX_ROWS itself last. */
    private static final int TEXT_SLOTS = Integer.SIZE - Integer.numberOfLeadingZeros(MAX_ROWS) + 1;

    /** The statement for {@code rows} rows followed by {@code suffix}; the chunk sizes in use are built once. */
    private String text(int rows, String suffix) {
        int slot = rows == MAX_ROWS ? TEXT_SLOTS - 1 : Integer.bitCount(rows) == 1 ? Integer.numberOfTrailingZeros(rows) : -1;
        if (slot < 0) {
            return sql(rows) + suffix;
        }
        String[] texts = chunkTexts.computeIfAbsent(suffix, s -> new String[TEXT_SLOTS]);
        String text = texts[slot];
        if (text == null) {
            // A race builds the same text twice at worst; a String is safe to publish this way.
            text = (rows == MAX_ROWS ? fullChunkSql : sql(rows)) + suffix;
            texts[slot] = text;
        }
        return text;
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
            try (StatementCache.Lease lease = StatementCache.prepare(c, text(count, suffix))) {
                PreparedStatement ps = lease.statement();
                for (int i = 0; i < count; i++) {
                    binder.bind(ps, i * columns, rows.get(from + i));
                }
                chunk.run(ps, count);
            }
            from += count;
        }
    }
}
