package dev.sluice.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What binding a repeated value once saves the writer ({@link MultiRowInsert}, session 24): 100
 * rows of 12 columns shaped like a decision record (the tenant, kind, destinations, decisions,
 * rules and time, then the event id, sequence number, body, hashes and events row) go into an
 * unindexed table on SQLite through a caching connection, as on the writer, and are rolled back,
 * so the table stays empty. With {@code repeated=true} the first six columns hold the same value
 * in every row (as in a commit of one tenant's request), and are bound once; with {@code false}
 * each row holds values of the same sizes of its own, and every value is bound. The difference
 * per operation, divided by 600, is what one bound value costs; the rest is SQLite's insert.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main SharedBindBenchmark -wi 3 -i 5 -w 1 -r 1 -f 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SharedBindBenchmark {

    private record Row(String tenant, String kind, String destinations, String decisions, String rules, long time,
                       String eventId, long seq, byte[] body, byte[] prev, long eventRow, byte[] hash) {
    }

    private static final MultiRowInsert<Row> INSERT = new MultiRowInsert<>("r",
            List.of("tenant", "kind", "destinations", "decisions", "rules", "time", "event_id", "seq", "body", "prev",
                    "event_row", "hash"),
            (v, r) -> {
                v.setString(1, r.tenant());
                v.setString(2, r.kind());
                v.setString(3, r.destinations());
                v.setString(4, r.decisions());
                v.setString(5, r.rules());
                v.setLong(6, r.time());
                v.setString(7, r.eventId());
                v.setLong(8, r.seq());
                v.setBytes(9, r.body());
                v.setBytes(10, r.prev());
                v.setLong(11, r.eventRow());
                v.setBytes(12, r.hash());
            });

    @Param({"true", "false"})
    public boolean repeated;

    private Connection connection;
    private List<Row> rows;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement s = connection.createStatement()) {
            s.execute("""
                    CREATE TABLE r (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT, kind TEXT, destinations TEXT,
                        decisions TEXT, rules TEXT, time INTEGER, event_id TEXT, seq INTEGER, body BLOB, prev BLOB,
                        event_row INTEGER, hash BLOB)""");
        }
        connection.setAutoCommit(false);
        StatementCache.enable(connection);
        rows = new ArrayList<>(MultiRowInsert.MAX_ROWS);
        for (int i = 0; i < MultiRowInsert.MAX_ROWS; i++) {
            // Of the same lengths either way: only whether the values repeat differs.
            String n = repeated ? "0000" : "%04d".formatted(i);
            byte[] body = new byte[180];
            byte[] prev = new byte[32];
            byte[] hash = new byte[32];
            body[0] = prev[0] = hash[0] = (byte) i;
            rows.add(new Row("tenant-" + n, "dec" + n, "|meta|warehouse-" + n + "|",
                    "|meta:ALLOW|warehouse-" + n + ":LIMITED|", "|meta:us.baseline|warehouse-" + n + ":eu.tcf|",
                    repeated ? 1_764_000_000_000L : 1_764_000_000_000L + i, "evt-%08d".formatted(i), 1_000 + i, body, prev,
                    5_000 + i, hash));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        StatementCache.disable(connection);
        connection.close();
    }

    /** One chunk of 100 rows, inserted and rolled back. */
    @Benchmark
    public void insertChunk() throws SQLException {
        INSERT.insert(connection, rows);
        connection.rollback();
    }
}
