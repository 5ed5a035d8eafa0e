package dev.sluice.store;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chunking of multi-row inserts around {@link MultiRowInsert#MAX_ROWS}, on in-memory SQLite. */
final class MultiRowInsertTest {

    private record Row(int n, String text) {
    }

    private static final MultiRowInsert<Row> INSERT = new MultiRowInsert<>("t", List.of("n", "text"), (v, r) -> {
        v.setInt(1, r.n());
        v.setString(2, r.text());
    });

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 99, 100, 101, 250})
    void insert_writesEveryRowInOrder(int count) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, text TEXT)");
            }
            List<Row> rows = IntStream.range(0, count).mapToObj(i -> new Row(i, i % 3 == 0 ? null : "r" + i)).toList();
            INSERT.insert(c, rows);
            List<Row> read = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n, text FROM t ORDER BY id")) {
                while (rs.next()) {
                    read.add(new Row(rs.getInt(1), rs.getString(2)));
                }
            }
            assertThat(read, is(rows));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 63, 64, 99, 100, 101, 127, 250})
    void onACachingConnection_everyRowIsWrittenInOrderFromAFewReusedStatements(int count) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, text TEXT)");
            }
            StatementCache.enable(c);
            try {
                List<Row> rows = IntStream.range(0, count).mapToObj(i -> new Row(i, "r" + i)).toList();
                // Twice: the second round runs on the statements the first one compiled.
                INSERT.insert(c, rows);
                INSERT.insert(c, rows.stream().map(r -> new Row(r.n() + count, r.text())).toList());
                List<Row> read = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n, text FROM t ORDER BY id")) {
                    while (rs.next()) {
                        read.add(new Row(rs.getInt(1), rs.getString(2)));
                    }
                }
                List<Row> expected = new ArrayList<>(rows);
                rows.forEach(r -> expected.add(new Row(r.n() + count, r.text())));
                assertThat(read, is(expected));
            } finally {
                StatementCache.disable(c);
            }
        }
    }

    @Test
    void aCachingConnectionHandsOutOneStatementPerTextAndClosesThemWhenDisabled() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            java.sql.PreparedStatement first;
            java.sql.PreparedStatement plain;
            try (StatementCache.Lease lease = StatementCache.prepare(c, "SELECT 1")) {
                plain = lease.statement();
            }
            assertThat("not cached: closed with its lease", plain.isClosed(), is(true));
            StatementCache.enable(c);
            try (StatementCache.Lease lease = StatementCache.prepare(c, "SELECT ?")) {
                first = lease.statement();
                first.setInt(1, 7);
            }
            assertThat("cached: stays open", first.isClosed(), is(false));
            try (StatementCache.Lease lease = StatementCache.prepare(c, "SELECT ?")) {
                assertThat(lease.statement() == first, is(true));
                lease.statement().setInt(1, 8);
                try (ResultSet rs = lease.statement().executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1), is(8));
                }
            }
            StatementCache.disable(c);
            assertThat(first.isClosed(), is(true));
            assertThat(StatementCache.caches(c), is(false));
        }
    }

    /** A row of every kind of value a binder sets. */
    private record Wide(String text, long number, byte[] bytes, Integer maybe) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Wide w && java.util.Objects.equals(text, w.text) && number == w.number
                    && java.util.Arrays.equals(bytes, w.bytes) && java.util.Objects.equals(maybe, w.maybe);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(text, number, java.util.Arrays.hashCode(bytes), maybe);
        }
    }

    private static MultiRowInsert<Wide> wideInsert() {
        return new MultiRowInsert<>("w", List.of("text", "number", "bytes", "maybe"), (v, r) -> {
            v.setString(1, r.text());
            v.setLong(2, r.number());
            v.setBytes(3, r.bytes());
            if (r.maybe() == null) {
                v.setNull(4, java.sql.Types.INTEGER);
            } else {
                v.setInt(4, r.maybe());
            }
        });
    }

    private static List<Wide> readWide(Connection c) throws SQLException {
        List<Wide> read = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT text, number, bytes, maybe FROM w ORDER BY id")) {
            while (rs.next()) {
                int maybe = rs.getInt(4);
                Integer maybeOrNull = rs.wasNull() ? null : maybe;
                read.add(new Wide(rs.getString(1), rs.getLong(2), rs.getBytes(3), maybeOrNull));
            }
        }
        return read;
    }

    private static Connection wideTable() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE w (id INTEGER PRIMARY KEY, text TEXT, number INTEGER, bytes BLOB, maybe INTEGER)");
        }
        return c;
    }

    @Test
    void sharedColumns_areTheOnesEveryRowHoldsTheSameValueIn() throws SQLException {
        MultiRowInsert<Wide> insert = wideInsert();
        // Equal content in distinct instances is the same value; null equals null.
        List<Wide> same = IntStream.range(0, 8).mapToObj(i -> new Wide(new String("t"), 7, new byte[] {1, 2}, null)).toList();
        assertThat(insert.sharedColumns(same, 0, 8), is(0b1111L));
        // One row differing in each column in turn takes that column (and only it) out.
        for (int column = 0; column < 4; column++) {
            List<Wide> rows = new ArrayList<>(same);
            Wide differs = switch (column) {
                case 0 -> new Wide("u", 7, new byte[] {1, 2}, null);
                case 1 -> new Wide("t", 8, new byte[] {1, 2}, null);
                case 2 -> new Wide("t", 7, new byte[] {1, 3}, null);
                default -> new Wide("t", 7, new byte[] {1, 2}, 0);
            };
            rows.set(5, differs);
            assertThat("column " + (column + 1), insert.sharedColumns(rows, 0, 8), is(0b1111L & ~(1L << column)));
            // Only the chunk counts: rows outside it do not.
            assertThat(insert.sharedColumns(rows, 0, 5), is(0b1111L));
        }
        // A null and a value, or text and a number, are different values.
        List<Wide> nulls = new ArrayList<>(same);
        nulls.set(0, new Wide(null, 7, null, null));
        assertThat(insert.sharedColumns(nulls, 0, 8), is(0b1010L));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 64, 100, 173, 250})
    void onACachingConnection_sharedValuesAreBoundOnceAndEveryRowIsWrittenAsItIs(int count) throws SQLException {
        MultiRowInsert<Wide> insert = wideInsert();
        try (Connection c = wideTable()) {
            StatementCache.enable(c);
            try {
                // The text and the bytes repeat in every row, the number in runs of 30, a null in every fifth row.
                List<Wide> rows = IntStream.range(0, count)
                        .mapToObj(i -> new Wide("tenant", i / 30, new byte[] {9, 9, 9}, i % 5 == 0 ? null : i)).toList();
                insert.insert(c, rows);
                insert.insert(c, rows);
                List<Wide> expected = new ArrayList<>(rows);
                expected.addAll(rows);
                assertThat(readWide(c), is(expected));
            } finally {
                StatementCache.disable(c);
            }
        }
    }

    @Test
    void aPatternSharesItsColumnsOnceEachAndNumbersEachRowsOwnAfterThem() throws SQLException {
        MultiRowInsert<Wide> insert = wideInsert();
        MultiRowInsert<Wide>.Pattern textAndBytes = insert.pattern(0b0101L);
        assertThat(textAndBytes.sql(2), is("INSERT INTO w (text, number, bytes, maybe) VALUES (?1, ?3, ?2, ?4), (?1, ?5, ?2, ?6)"));
        assertThat(insert.pattern(0L) == null, is(true));
        assertThat(insert.pattern(0b0101L) == textAndBytes, is(true));
    }

    @Test
    void pastTheRememberedPatterns_aChunkSharesTheLargestOneItsOwnCovers() throws SQLException {
        MultiRowInsert<Wide> insert = wideInsert();
        List<Long> masks = List.of(0b0001L, 0b0011L, 0b1000L, 0b0110L);
        assertThat(masks.size(), is(MultiRowInsert.MAX_PATTERNS));
        masks.forEach(insert::pattern);
        assertThat(insert.pattern(0b0111L).mask, is(0b0011L));
        assertThat(insert.pattern(0b1100L).mask, is(0b1000L));
        assertThat("nothing remembered is covered", insert.pattern(0b0100L) == null, is(true));
        assertThat(insert.pattern(0b0110L).mask, is(0b0110L));
        // And what goes in is still every row as it is, with a pattern that shares less than it could.
        try (Connection c = wideTable()) {
            StatementCache.enable(c);
            try {
                List<Wide> rows = IntStream.range(0, 16).mapToObj(i -> new Wide("x", 1, new byte[] {(byte) i}, 4)).toList();
                insert.insert(c, rows);
                assertThat(readWide(c), is(rows));
            } finally {
                StatementCache.disable(c);
            }
        }
    }

    @Test
    void sql_listsOneTuplePerRow() {
        assertThat(INSERT.sql(2), is("INSERT INTO t (n, text) VALUES (?, ?), (?, ?)"));
    }

    @Test
    void tooManyColumnsForAFullChunk_isRejected() {
        List<String> columns = IntStream.range(0, 328).mapToObj(i -> "c" + i).toList();
        assertThrows(IllegalArgumentException.class, () -> new MultiRowInsert<Row>("t", columns, (v, r) -> { }));
    }
}
