package dev.sluice.audit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exports and verifications read the chain in many short reads (a page of records each, then the
 * checkpoints), never in one transaction; these tests commit an append, a checkpoint or a
 * retention purge between two of those reads ({@link BetweenReads}) and pin what the reader gets:
 * the chain as it stood when the read began, or, when a purge deleted records it had not reached,
 * a fresh start or an export that says it is incomplete, never a chain with a gap or an unsigned
 * head. Run once per dialect by the subclasses.
 */
abstract class AbstractAuditSnapshotTest {
    @TempDir
    Path dir;
    AuditFixture f;

    abstract AuditFixture open(Path dir);

    @BeforeEach
    void start() {
        f = open(dir);
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void anAppendAndACheckpointBetweenPagesAreLeftOutOfTheExportAndTheVerification() throws Exception {
        events("a", AuditReader.PAGE + 100);
        long head = f.log.tip("acme").seq();
        Runnable appendAndSign = () -> {
            f.log.append("acme", new AuditEntry.Replayed(f.clock.instant(), 1, List.of(1L), Optional.empty(), Optional.empty()));
            f.clock.advance(Duration.ofMinutes(6));
            assertEquals(1, f.log.checkpointDue(List.of("acme")), "the new head is signed");
        };

        Path export = jsonl(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, appendAndSign)), "cut.jsonl");
        AuditLog.Verification offline = ExportVerifier.verify(export, key());
        assertTrue(offline.ok(), offline.toString());
        assertEquals(head, offline.lastSeq(), "the export ends at the head it began with");
        assertTrue(Files.readAllLines(export).getFirst().contains("\"head_seq\":" + head));

        AuditLog.Verification online = over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, appendAndSign))
                .verify("acme");
        assertTrue(online.ok(), online.toString());
        assertEquals(head + 1, online.lastSeq(), "the verification ends at the head it began with");

        String csv = csv(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, appendAndSign)));
        String[] rows = csv.split("\r\n");
        assertEquals(head + 2, Long.parseLong(rows[rows.length - 1].split(",")[0]), "a CSV too ends at the head it began with");
        assertEquals(head + 3, f.log.tip("acme").seq());
    }

    /**
     * The export read the seq of the last checkpoint (12), then a checkpoint of the head (15) was
     * signed, then it read the head: that checkpoint signs the export's head, and the export
     * carries it (it ended unsigned before, failing verification). A verification meeting the
     * same takes the checkpoint the head names.
     */
    @Test
    void aCheckpointSignedJustBeforeTheHeadIsReadSignsTheExportsHead() throws Exception {
        f.fifteenPurchasesInFiveRequests();
        f.clock.advance(Duration.ofMinutes(6));
        // Signed a minute after the export began: the stored checkpoint tells itself from one the export signs.
        java.time.Instant signedAt = f.clock.instant().plus(Duration.ofMinutes(1));
        AuditLog exporting = over(BetweenReads.before(f.store.sql(), BetweenReads.HEAD, 1, () -> {
            f.clock.advance(Duration.ofMinutes(1));
            assertEquals(1, f.log.checkpointDue(List.of("acme")));
        }));

        Path export = jsonl(exporting, "signed.jsonl");

        AuditLog.Verification offline = ExportVerifier.verify(export, key());
        assertTrue(offline.ok(), offline.toString());
        assertEquals(15, offline.lastCheckpointSeq());
        assertTrue(Files.readAllLines(export).getLast().contains("\"seq\":15,\"hash\""));
        assertTrue(Files.readAllLines(export).getLast().contains("\"signed_at\":" + signedAt.toEpochMilli()),
                "the stored checkpoint, not one signed as exported");

        f.ingest(f.acme, f.purchase("o-16", "p16@example.com", "+16505551016"));
        f.clock.advance(Duration.ofMinutes(6));
        AuditLog.Verification online = over(BetweenReads.before(f.store.sql(), BetweenReads.HEAD, 1,
                () -> assertEquals(1, f.log.checkpointDue(List.of("acme"))))).verify("acme");
        assertTrue(online.ok(), online.toString());
        assertEquals(16, online.lastCheckpointSeq(), "the checkpoint the head names is taken too");
    }

    /**
     * A purge committed after the read began and before its first page: the first record read
     * was not the first record when the head was read, and the retention record anchoring it came
     * after that head. Both reads begin again from the chain's new beginning. Until then the
     * export and the verification both failed ("records before seq 16 are missing").
     */
    @Test
    void aPurgeBeforeTheFirstPageStartsTheExportAndTheVerificationAgain() throws Exception {
        aged(15);
        RetentionPurge purge = auditPurge();

        AuditLog.Verification online = over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 1,
                () -> purge.run("acme"))).verify("acme");
        assertTrue(online.ok(), online.toString());
        assertEquals(16, online.firstSeq());
        assertEquals(17, online.lastSeq(), "o-new and the purge's retention record");

        f.clock.advance(Duration.ofDays(40));
        f.ingest(f.acme, f.purchase("o-newer", "n@example.com", "+16505550100"));
        Path export = jsonl(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 1, () -> purge.run("acme"))),
                "restarted.jsonl");
        AuditLog.Verification offline = ExportVerifier.verify(export, key());
        assertTrue(offline.ok(), offline.toString());
        assertEquals(18, offline.firstSeq());
        assertEquals(19, offline.lastSeq());
    }

    /**
     * A purge between two pages deleted records the read had not reached: the verification begins
     * again; an export, having written records already, ends with an {@code incomplete} line that
     * the offline verifier reports (exit code 2) instead of a chain with a gap; a CSV ends with an
     * {@code incomplete} row. Until then the verification answered "record missing: seq 501 to
     * 600", and so did the offline verifier for the export.
     */
    @Test
    void aPurgeBetweenPagesStartsTheVerificationAgainAndEndsAnExportIncomplete() throws Exception {
        aged(AuditReader.PAGE + 100);
        RetentionPurge purge = auditPurge();
        AuditLog.Verification online = over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2,
                () -> purge.run("acme"))).verify("acme");
        assertTrue(online.ok(), online.toString());
        assertEquals(AuditReader.PAGE + 101, online.firstSeq());

        aged(AuditReader.PAGE + 100);
        long first = f.log.page("acme", AuditQuery.all(), 1).getFirst().seq();
        Path export = jsonl(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, () -> purge.run("acme"))),
                "incomplete.jsonl");
        List<String> lines = Files.readAllLines(export);
        assertEquals("{\"type\":\"incomplete\",\"after_seq\":" + (first + AuditReader.PAGE - 1) + ",\"cause\":\"retention_purge\"}",
                lines.getLast());
        ExportVerifier.NotVerifiable refused = org.junit.jupiter.api.Assertions.assertThrows(ExportVerifier.NotVerifiable.class,
                () -> ExportVerifier.verify(export, key()));
        assertTrue(refused.getMessage().contains("incomplete") && refused.getMessage().contains("export again"),
                refused.getMessage());

        aged(AuditReader.PAGE + 100);
        first = f.log.page("acme", AuditQuery.all(), 1).getFirst().seq();
        String csv = csv(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, () -> purge.run("acme"))));
        String[] rows = csv.split("\r\n");
        assertEquals(",,incomplete,,,,,,,,,,,,after_seq=" + (first + AuditReader.PAGE - 1) + " cause=retention_purge",
                rows[rows.length - 1]);
        assertEquals(first + AuditReader.PAGE - 1, Long.parseLong(rows[rows.length - 2].split(",")[0]),
                "a page of records, then the row that says the rest is missing");
    }

    /**
     * The store failing after a page of records went out: the export ends with an incomplete line
     * (cause store_error) that the verifier answers "export again", not with a chain that stops
     * mid-way, which it could only call tampered with. Failing before any record went out, it is
     * the store's failure (a 503 over HTTP), with nothing written.
     */
    @Test
    void aStoreFailureAfterRecordsWentOutEndsTheExportIncomplete() throws Exception {
        events("e", AuditReader.PAGE + 100);
        Path export = jsonl(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, BetweenReads.FAIL)),
                "failed.jsonl");
        List<String> lines = Files.readAllLines(export);
        long first = f.log.page("acme", AuditQuery.all(), 1).getFirst().seq();
        assertEquals("{\"type\":\"incomplete\",\"after_seq\":" + (first + AuditReader.PAGE - 1) + ",\"cause\":\"store_error\"}",
                lines.getLast());
        ExportVerifier.NotVerifiable refused = org.junit.jupiter.api.Assertions.assertThrows(ExportVerifier.NotVerifiable.class,
                () -> ExportVerifier.verify(export, key()));
        assertTrue(refused.getMessage().contains("store failed") && refused.getMessage().contains("export again"),
                refused.getMessage());
        String csv = csv(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, BetweenReads.FAIL)));
        String[] rows = csv.split("\r\n");
        assertEquals(",,incomplete,,,,,,,,,,,,after_seq=" + (first + AuditReader.PAGE - 1) + " cause=store_error",
                rows[rows.length - 1]);

        ByteArrayOutputStream nothing = new ByteArrayOutputStream();
        org.junit.jupiter.api.Assertions.assertThrows(dev.sluice.store.StoreException.class, () -> AuditExport.jsonl(
                over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 1, BetweenReads.FAIL)), "acme",
                AuditQuery.all(), f.clock.instant(), nothing));
        assertEquals(0, nothing.size());
    }

    /**
     * A purge of the same log as a running export and verification (one gateway, its hourly
     * retention and an officer's download) trails them: it deletes what they have read and no
     * further, so the export ends whole and signed, and the verification runs once; the next run
     * deletes the rest. A purge in another process (another replica) is the case above, detected.
     */
    @Test
    void aPurgeOfTheSameLogTrailsARunningRead_whichEndsWhole() throws Exception {
        aged(AuditReader.PAGE + 100);
        long first = f.log.page("acme", AuditQuery.all(), 1).getFirst().seq();
        long head = f.log.tip("acme").seq();
        RetentionPurge[] purge = new RetentionPurge[1];
        AuditLog[] log = new AuditLog[1];
        long[] held = new long[2];
        AuditLog exporting = over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, () -> {
            long now = System.nanoTime();
            held[0] = log[0].readsPassed("acme", now);
            // A client that stopped reading holds the purge back for LongReads.MAX_HOLD at most.
            held[1] = log[0].readsPassed("acme", now + LongReads.MAX_HOLD.toNanos());
            purge[0].run("acme");
        }));
        log[0] = exporting;
        purge[0] = new RetentionPurge(exporting, new RetentionPurge.Policy(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(Duration.ofDays(30))), RetentionPurge.CHUNK, d -> { }, RetentionPurge.AUDIT_STEP);

        Path export = jsonl(exporting, "trailed.jsonl");
        assertEquals(Long.MAX_VALUE, exporting.readsPassed("acme"), "an export that ended holds nothing back");
        assertEquals(first + AuditReader.PAGE - 1, held[0], "while it ran: the last record it had written");
        assertEquals(Long.MAX_VALUE, held[1]);

        assertEquals(first + AuditReader.PAGE, f.log.page("acme", AuditQuery.all(), 1).getFirst().seq(),
                "the purge deleted the page the export had read, no more");
        AuditLog.Verification offline = ExportVerifier.verify(export, key());
        assertTrue(offline.ok(), offline.toString());
        assertEquals(first, offline.firstSeq());
        assertEquals(head, offline.lastSeq());

        AuditLog verifying = over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 1, () -> purge[0].run("acme")));
        purge[0] = new RetentionPurge(verifying, new RetentionPurge.Policy(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(Duration.ofDays(30))), RetentionPurge.CHUNK, d -> { }, RetentionPurge.AUDIT_STEP);
        AuditLog.Verification online = verifying.verify("acme");
        assertEquals(Long.MAX_VALUE, verifying.readsPassed("acme"), "nor does a verification that ended");
        assertTrue(online.ok(), online.toString());
        assertEquals(first + AuditReader.PAGE, online.firstSeq(), "verified from where it began, not begun again");

        purge[0].run("acme");
        assertEquals(head, f.log.page("acme", AuditQuery.all(), 1).getFirst().seq(),
                "the next run deletes the rest: every record older than the retention");
        assertTrue(f.log.verify("acme").ok());
    }

    /** A purge that deleted only records the export had already read leaves the export whole. */
    @Test
    void aPurgeBehindTheReadLeavesTheExportWhole() throws Exception {
        events("old", 300);
        f.clock.advance(Duration.ofDays(40));
        events("new", 300);
        RetentionPurge purge = auditPurge();

        Path export = jsonl(over(BetweenReads.before(f.store.sql(), BetweenReads.RECORD_PAGE, 2, () -> purge.run("acme"))),
                "behind.jsonl");

        assertEquals(301, f.log.page("acme", AuditQuery.all(), 1).getFirst().seq(), "the purge ran");
        AuditLog.Verification offline = ExportVerifier.verify(export, key());
        assertTrue(offline.ok(), offline.toString());
        assertEquals(1, offline.firstSeq());
        assertEquals(600, offline.lastSeq());
    }

    /**
     * Checkpoints are read after the records (an export) or as the walk reaches them (a
     * verification). A purge that deleted the head's checkpoint in between, with every record
     * already read: the verification, which found the checkpoint the head names missing, begins
     * again, and the export signs its head itself. Both failed before ("the chain head says its
     * last checkpoint is at seq 2800"; an unsigned head).
     */
    @Test
    void aPurgeOfTheHeadsCheckpointBeforeTheCheckpointsAreRead_isNotTakenForTampering() throws Exception {
        // A verification reads the first page of checkpoints before the records, and the next one
        // when the walk passes the last checkpoint of the first: the purge comes then, while the
        // walk is in the last page of records. One checkpoint per request here, three in the first
        // 300 records: the first page of them ends at 2785, the head is 2800.
        events("cp", 300);
        for (int i = 1; i <= AuditReader.PAGE; i++) {
            events("cp" + i, 5);
        }
        assertEquals(2800, f.log.tip("acme").seq());
        assertEquals(AuditReader.PAGE + 3, f.queryLong("SELECT count(*) FROM audit_checkpoints WHERE tenant_id = 'acme'"));
        f.clock.advance(Duration.ofDays(40));
        long head = f.log.tip("acme").seq();
        RetentionPurge purge = auditPurge();
        AuditLog.Verification online = over(BetweenReads.before(f.store.sql(), BetweenReads.CHECKPOINT_PAGE, 2,
                () -> purge.run("acme"))).verify("acme");
        assertTrue(online.ok(), online.toString());
        assertTrue(online.firstSeq() > head, "begun again after the purge: " + online);

        f.fifteenPurchasesInFiveRequests();
        f.clock.advance(Duration.ofMinutes(6));
        f.log.checkpointDue(List.of("acme"));
        head = f.log.tip("acme").seq();
        String atHead = "SELECT count(*) FROM audit_checkpoints WHERE tenant_id = 'acme' AND seq = " + head;
        assertEquals(1, f.queryLong(atHead), "the head has a stored checkpoint");
        f.clock.advance(Duration.ofDays(40));
        Path export = jsonl(over(BetweenReads.before(f.store.sql(), BetweenReads.CHECKPOINT_PAGE, 1, () -> purge.run("acme"))),
                "resigned.jsonl");
        assertEquals(0, f.queryLong(atHead), "the purge took it");
        AuditLog.Verification offline = ExportVerifier.verify(export, key());
        assertTrue(offline.ok(), offline.toString());
        assertEquals(head, offline.lastCheckpointSeq());
    }

    /**
     * Purges that overtake every attempt: after {@link OvertakenByPurge#ATTEMPTS} the verification
     * gives up saying so (the HTTP answer is a 503), and an export that has written nothing says
     * it is incomplete. The "purge" here deletes the chain's first record at each first page, as
     * a step of a long purge run would delete its first records.
     */
    @Test
    void purgesOvertakingEveryAttemptEndTheVerificationAndTheExport() throws Exception {
        f.fifteenPurchasesInFiveRequests();
        Runnable purgeStep = () -> f.execute("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq = (SELECT min(seq)"
                + " FROM audit_records WHERE tenant_id = 'acme')");
        BetweenReads everyPage = new BetweenReads(f.store.sql(), BetweenReads.RECORD_PAGE, n -> true, purgeStep);

        org.junit.jupiter.api.Assertions.assertThrows(OvertakenByPurge.class, () -> over(everyPage).verify("acme"));
        assertEquals(OvertakenByPurge.ATTEMPTS, everyPage.seen(), "one first page per attempt");

        List<String> lines = Files.readAllLines(jsonl(over(new BetweenReads(f.store.sql(), BetweenReads.RECORD_PAGE, n -> true,
                purgeStep)), "overtaken.jsonl"));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.getFirst().startsWith("{\"type\":\"export\""), lines.getFirst());
        assertEquals("{\"type\":\"incomplete\",\"after_seq\":0,\"cause\":\"retention_purge\"}", lines.getLast());
        String csv = csv(over(new BetweenReads(f.store.sql(), BetweenReads.RECORD_PAGE, n -> true, purgeStep)));
        assertTrue(csv.endsWith("\r\n,,incomplete,,,,,,,,,,,,after_seq=0 cause=retention_purge\r\n"), csv);
    }

    /** {@code count} events for acme in requests of 100, each its own record. */
    void events(String prefix, int count) {
        for (int from = 0; from < count; from += 100) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int n = from; n < Math.min(count, from + 100); n++) {
                batch.append(n > from ? "," : "").append(f.purchase(prefix + "-" + n, prefix + n + "@example.com",
                        "+1650555" + (1000 + n % 9000)));
            }
            f.ingest(f.acme, batch.append("]}").toString());
        }
    }

    /** {@code count} events, 40 days passed, and one new event (older than an audit retention of 30 days). */
    void aged(int count) {
        events("aged" + f.log.tip("acme").seq(), count);
        f.clock.advance(Duration.ofDays(40));
        f.ingest(f.acme, f.purchase("o-new" + f.log.tip("acme").seq(), "new@example.com", "+16505550099"));
    }

    /** A purge of audit records older than 30 days, without pauses. */
    RetentionPurge auditPurge() {
        return new RetentionPurge(f.log, new RetentionPurge.Policy(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofDays(30))), RetentionPurge.CHUNK, d -> { }, RetentionPurge.AUDIT_STEP);
    }

    /** An audit log like the fixture's, reading through {@code sql}. */
    AuditLog over(dev.sluice.store.SqlAccess sql) {
        return new AuditLog(sql, AuditSigner.parse(AuditFixture.SIGNING_SEED), 5, Duration.ofMinutes(5), f.clock);
    }

    AuditKey key() {
        return AuditKey.parse(f.log.publicKey().pem());
    }

    Path jsonl(AuditLog log, String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(log, "acme", AuditQuery.all(), f.clock.instant(), out);
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    static String csv(AuditLog log) throws Exception {
        StringWriter out = new StringWriter();
        AuditExport.csv(log, "acme", AuditQuery.all(), out);
        return out.toString();
    }
}
