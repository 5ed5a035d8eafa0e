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
