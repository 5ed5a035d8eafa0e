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

    private static final MultiRowInsert<Row> INSERT = new MultiRowInsert<>("t", List.of("n", "text"), (ps, o, r) -> {
        ps.setInt(o + 1, r.n());
        ps.setString(o + 2, r.text());
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

    @Test
    void sql_listsOneTuplePerRow() {
        assertThat(INSERT.sql(2), is("INSERT INTO t (n, text) VALUES (?, ?), (?, ?)"));
    }

    @Test
    void tooManyColumnsForAFullChunk_isRejected() {
        List<String> columns = IntStream.range(0, 328).mapToObj(i -> "c" + i).toList();
        assertThrows(IllegalArgumentException.class, () -> new MultiRowInsert<Row>("t", columns, (ps, o, r) -> { }));
    }
}
