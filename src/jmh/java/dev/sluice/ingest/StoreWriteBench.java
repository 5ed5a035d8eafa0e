package dev.sluice.ingest;

import dev.sluice.config.TenantConfig;
import dev.sluice.store.DeliveryStore;
import dev.sluice.store.EventRecord;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.SqlAccess;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import dev.sluice.store.WriteOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The single writer's cost per event, alone: no HTTP, no request threads, no load generator on
 * the same two cores. The request path ({@link IngestPipeline}, as {@link RequestPathBenchmark}
 * builds it: two destinations, audit companions, the ledger) processes the load script's 1 KB
 * purchase event into records once, which a store that writes nothing keeps; then those same
 * records are written, {@code per-commit} events per transaction, into a fresh SQLite database
 * per round, from this thread, as the group-commit writer would. Variants (a name and an SQL file
 * run after the migrations, e.g. a dropped index) alternate round by round, so that drift of the
 * machine falls on all of them alike.
 *
 * <p>Reported per round and variant: events per second of this thread's wall time, this
 * thread's CPU per event, the checkpointer thread's CPU per event (it copies the log into the
 * database while the writer runs), the database file's bytes per event (checkpointed) and the
 * write-ahead log's bytes per event (what this thread wrote; every commit writes each page it
 * touched whole, so small commits write more log per event). With
 * {@code --settle}, each round then delivers what it wrote, as a dispatcher whose platform accepts
 * everything would (claims of 1,000 rows per destination, each marked delivered at once), and
 * prints this thread's CPU and wall time per settled row: the writer's share of delivery.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -Xmx3g -cp "target/classes:target/libs/*" dev.sluice.ingest.StoreWriteBench \
 *     --events 40000 --per-commit 100 --rounds 5 [--ids uuid] [--page-size 8192] [--settle] [--tables] [name=item,item ...]
 * </pre>
 * {@code --tables} adds, per round and variant, each table's and index's bytes per event from
 * SQLite's {@code dbstat}: its pages, the records in them, and the bytes left unused (a row that
 * just misses fitting one more to a page shows here).
 * A variant's items: an SQL file run after the migrations ({@code drop-index.sql}), a page size
 * for the new database ({@code @8192}), {@code outbox} (an outbox row per destination, as before
 * the delivery log; by default the tenant's destinations are delivered from the log, as in the
 * gateway), a system property set while it writes ({@code key=value},
 * for measurement builds such as {@code src/load/row-cost.patch}'s). Without variants the one variant is {@code today} (the shipped schema). {@code src/load/store-write.sh}
 * wraps this.
 */
public final class StoreWriteBench {
    private static final int EVENTS_PER_REQUEST = 100;

    private StoreWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = 40_000;
        int perCommit = 100;
        int rounds = 5;
        boolean uuids = false;
        int pageSize = 0;
        boolean settle = false;
        boolean tables = false;
        Map<String, Variant> variants = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--per-commit" -> perCommit = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--page-size" -> pageSize = Integer.parseInt(args[++i]);
                case "--settle" -> settle = true;
                case "--tables" -> tables = true;
                case "--ids" -> uuids = switch (args[++i]) {
                    case "uuid" -> true;
                    case "sequential" -> false;
                    default -> throw new IllegalArgumentException("--ids takes sequential or uuid");
                };
                default -> {
                    int eq = args[i].indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("a variant is name=item,item,... (file.sql, @page-size, outbox,"
                                + " key=value system property) or name= for the shipped schema: " + args[i]);
                    }
                    variants.put(args[i].substring(0, eq), Variant.parse(args[i].substring(eq + 1), pageSize));
                }
            }
        }
        if (variants.isEmpty()) {
            variants.put("today", new Variant(Optional.empty(), pageSize, Map.of(), true));
        }
        List<List<EventRecord>> commits = regroup(processed(events, uuids), perCommit);
        System.out.printf("events=%d per_commit=%d ids=%s commits=%d%n", events, perCommit, uuids ? "uuid" : "sequential",
                commits.size());
        // Round 0 warms the JIT for every variant and is not reported.
        for (int round = 0; round <= rounds; round++) {
            for (var variant : variants.entrySet()) {
                variant.getValue().properties().forEach(System::setProperty);
                Result r;
                try {
                    r = writeOnce(commits, variant.getValue(), settle, tables);
                } finally {
                    variant.getValue().properties().keySet().forEach(System::clearProperty);
                }
                Settled st = r.settled();
                if (round > 0 && st.rows() > 0) {
                    System.out.printf("round=%d variant=%-24s settled_rows=%d settle_cpu_us_per_row=%6.2f"
                                    + " of_which_claims_us=%6.2f settle_wall_us_per_row=%6.2f%n",
                            round, variant.getKey(), st.rows(), st.cpuNanos() / 1e3 / st.rows(),
                            st.claimCpuNanos() / 1e3 / st.rows(), st.wallNanos() / 1e3 / st.rows());
                }
                if (round > 0) {
                    System.out.printf("round=%d variant=%-24s events_per_s=%8.0f writer_cpu_us=%6.2f writer_wall_us=%6.2f "
                                    + "checkpointer_cpu_us=%6.2f db_bytes_per_event=%6.0f log_bytes_per_event=%6.0f%n",
                            round, variant.getKey(),
                            events / (r.wallNanos / 1e9), r.writerCpuNanos / 1e3 / events, r.wallNanos / 1e3 / events,
                            r.checkpointerCpuNanos / 1e3 / events, (double) r.dbBytes / events,
                            r.logBytes < 0 ? -1.0 : (double) r.logBytes / events);
                    if (tables) {
                        StringBuilder line = new StringBuilder();
                        for (TableBytes t : r.tables()) {
                            if (t.pages() < events) {
                                continue; // under a byte per event: the schema's small tables
                            }
                            line.append(String.format(" %s=%.0f(%.0f/%.0f)", t.name(), (double) t.pages() / events,
                                    (double) t.records() / events, (double) t.unused() / events));
                        }
                        System.out.printf("round=%d variant=%-24s bytes_per_event_by_btree(records/unused):%s%n", round,
                                variant.getKey(), line);
                    }
                }
            }
        }
    }

    /**
     * SQL run after the migrations, the page size of the new database (0: SQLite's default), and
     * system properties set while the variant writes (for measurement builds that read switches).
     */
    private record Variant(Optional<Path> sql, int pageSize, Map<String, String> properties, boolean logged) {
        static Variant parse(String spec, int defaultPageSize) {
            Optional<Path> sql = Optional.empty();
            int pageSize = defaultPageSize;
            Map<String, String> properties = new LinkedHashMap<>();
            boolean logged = true;
            for (String item : spec.isEmpty() ? new String[0] : spec.split(",")) {
                if (item.equals("outbox")) {
                    logged = false;
                } else if (item.endsWith(".sql")) {
                    sql = Optional.of(Path.of(item));
                } else if (item.startsWith("@")) {
                    pageSize = Integer.parseInt(item.substring(1));
                } else if (item.indexOf('=') > 0) {
                    properties.put(item.substring(0, item.indexOf('=')), item.substring(item.indexOf('=') + 1));
                } else {
                    throw new IllegalArgumentException("not an SQL file, @page-size, outbox or key=value: " + item);
                }
            }
            return new Variant(sql, pageSize, properties, logged);
        }
    }

    private record Result(long wallNanos, long writerCpuNanos, long checkpointerCpuNanos, long dbBytes, long logBytes,
                          Settled settled, List<TableBytes> tables) {
    }

    /**
     * Bytes this thread has handed to {@code write}/{@code pwrite} so far ({@code wchar} of
     * {@code /proc/thread-self/io}): the writer writes nothing but the write-ahead log's frames, so
     * the difference over a round is the log it wrote, which does not move with the machine's speed.
     * -1 where the kernel does not keep it.
     */
    private static long bytesWritten() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no per-thread I/O accounting
        }
        return -1;
    }

    /** One b-tree's pages ({@code dbstat}): all their bytes, the records' bytes in them, and the bytes unused. */
    private record TableBytes(String name, long pages, long records, long unused) {
    }

    /** What {@link #settleAll} did: rows settled, this thread's CPU (the claims' share too) and wall time. */
    private record Settled(long rows, long cpuNanos, long claimCpuNanos, long wallNanos) {
        static final Settled NONE = new Settled(0, 0, 0, 0);
    }

    /**
     * Delivers everything just written, as a dispatcher whose platform accepts every request would:
     * per destination of the benchmark's tenant, claims of up to 1,000 rows, each marked delivered
     * in one call.
     */
    private static Settled settleAll(Store store, ThreadMXBean threads) {
        TenantConfig tenant = BenchIngest.tenant();
        DeliveryStore delivery = store.delivery();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long rows = 0;
        long claimCpuNanos = 0;
        Instant now = Instant.now().plusSeconds(3600);
        for (var destination : tenant.destinations()) {
            while (true) {
                long claimCpu = threads.getCurrentThreadCpuTime();
                List<DeliveryStore.Claimed> claimed = delivery.claim(tenant.id(), destination.id(), 1000, now,
                        Duration.ofMinutes(1), "bench");
                claimCpuNanos += threads.getCurrentThreadCpuTime() - claimCpu;
                if (claimed.isEmpty()) {
                    break;
                }
                List<Long> ids = new ArrayList<>(claimed.size());
                claimed.forEach(c -> ids.add(c.id()));
                int settled = delivery.markDelivered(tenant.id(), "bench", ids);
                if (settled != ids.size()) {
                    throw new IllegalStateException("settled " + settled + " of " + ids.size());
                }
                rows += settled;
            }
        }
        return new Settled(rows, threads.getCurrentThreadCpuTime() - cpuBefore, claimCpuNanos, System.nanoTime() - start);
    }

    private static Result writeOnce(List<List<EventRecord>> commits, Variant variant, boolean settle, boolean tables)
            throws Exception {
        Optional<Path> variantSql = variant.sql();
        int pageSize = variant.pageSize();
        Path dir = Files.createTempDirectory("sluice-store-write");
        try {
            if (pageSize > 0) {
                // The page size of a new database is set before its first table is created.
                try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sluice.db"));
                     var statement = connection.createStatement()) {
                    statement.execute("PRAGMA page_size = " + pageSize);
                    statement.execute("CREATE TABLE page_size_probe (x INTEGER)");
                    statement.execute("DROP TABLE page_size_probe");
                }
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long dbBytes;
            long wall;
            long cpu;
            long checkpointerCpu;
            long logBytes;
            Settled settled;
            try (Store store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")))) {
                if (variantSql.isPresent()) {
                    apply(store.sql(), Files.readString(variantSql.get()));
                }
                if (variant.logged()) {
                    // As the gateway does: the tenant's destinations are delivered from the delivery log.
                    TenantConfig tenant = BenchIngest.tenant();
                    store.delivery().deliverFromLog(Map.of(tenant.id(), tenant.destinations().stream()
                            .map(d -> d.id()).collect(java.util.stream.Collectors.toSet())), Instant.now());
                }
                System.gc();
                Thread checkpointer = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("sluice-sqlite-checkpoint")).findFirst().orElseThrow();
                long checkpointerBefore = threads.getThreadCpuTime(checkpointer.threadId());
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long writtenBefore = bytesWritten();
                long start = System.nanoTime();
                for (List<EventRecord> commit : commits) {
                    List<WriteOutcome> outcomes = store.write(commit);
                    if (outcomes.getLast() != WriteOutcome.INSERTED) {
                        throw new IllegalStateException("every event must be inserted: " + outcomes.getLast());
                    }
                }
                wall = System.nanoTime() - start;
                cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
                logBytes = writtenBefore < 0 ? -1 : bytesWritten() - writtenBefore;
                checkpointerCpu = threads.getThreadCpuTime(checkpointer.threadId()) - checkpointerBefore;
                settled = settle ? settleAll(store, threads) : Settled.NONE;
            }
            // The database file alone, once everything in the write-ahead log is copied into it.
            List<TableBytes> byTable = new ArrayList<>();
            try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sluice.db"));
                 var statement = connection.createStatement()) {
                statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                if (tables) {
                    try (var rs = statement.executeQuery("SELECT name, sum(pgsize), sum(payload), sum(unused) FROM dbstat"
                            + " GROUP BY name HAVING sum(payload) > 0 ORDER BY 2 DESC")) {
                        while (rs.next()) {
                            byTable.add(new TableBytes(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                        }
                    }
                }
            }
            dbBytes = Files.size(dir.resolve("sluice.db"));
            return new Result(wall, cpu, checkpointerCpu, dbBytes, logBytes, settled, byTable);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs the statements of an SQL file (separated by a semicolon at the end of a line) in one transaction. */
    private static void apply(SqlAccess sql, String script) throws SQLException {
        sql.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                StringBuilder current = new StringBuilder();
                for (String line : script.split("\n")) {
                    if (line.strip().startsWith("--")) {
                        continue;
                    }
                    current.append(line).append('\n');
                    if (line.strip().endsWith(";") && !current.toString().toUpperCase().contains("BEGIN")
                            || line.strip().equalsIgnoreCase("END;")) {
                        statement.execute(current.toString());
                        current.setLength(0);
                    }
                }
                if (!current.toString().isBlank()) {
                    statement.execute(current.toString());
                }
            }
            return null;
        });
    }

    /** The events as the request path hands them to the writer: one list per request of 100. */
    private static List<List<EventRecord>> processed(int events, boolean uuids) throws IOException {
        Path dir = Files.createTempDirectory("sluice-store-write-capture");
        BenchIngest.NoWrites capture = new BenchIngest.NoWrites(true);
        try (Store auditStore = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
             GroupCommitWriter writer = new GroupCommitWriter(capture, 4000, new SimpleMeterRegistry())) {
            TenantConfig tenant = BenchIngest.tenant();
            IngestPipeline pipeline = BenchIngest.pipeline(tenant, writer, auditStore.sql());
            long time = Instant.now().getEpochSecond() - 60;
            for (int n = 0; n < events; n += EVENTS_PER_REQUEST) {
                List<String> batch = new ArrayList<>();
                for (int i = n; i < Math.min(events, n + EVENTS_PER_REQUEST); i++) {
                    String id = uuids ? UUID.randomUUID().toString() : "bench-" + i;
                    batch.add(BenchIngest.event(id, time, i));
                }
                byte[] body = ("{\"events\":[" + String.join(",", batch) + "]}").getBytes(StandardCharsets.UTF_8);
                IngestOutcome outcome = pipeline.ingest(tenant, body, IngestPipeline.RequestContext.NONE);
                if (!(outcome instanceof IngestOutcome.Processed p)
                        || p.results().getLast().status() != EventResult.Status.ACCEPTED) {
                    throw new IllegalStateException("the benchmark's events must be accepted: " + outcome);
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return capture.kept;
    }

    private static List<List<EventRecord>> regroup(List<List<EventRecord>> lists, int perCommit) {
        List<EventRecord> all = new ArrayList<>();
        lists.forEach(all::addAll);
        List<List<EventRecord>> commits = new ArrayList<>();
        for (int i = 0; i < all.size(); i += perCommit) {
            commits.add(List.copyOf(all.subList(i, Math.min(all.size(), i + perCommit))));
        }
        return commits;
    }
}
