package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offline verifier against edited exports, as review 1 made them (session 40): an export is
 * vouched for only by a signature over its head, by the key in use; everything else in it
 * (hashes, header) anyone can recompute. Also what is no export to verify, and lines that are
 * not part of one.
 */
final class ExportVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    AuditFixture f;
    AuditKey key;

    @BeforeEach
    void start() {
        f = AuditFixture.sqlite(dir, 5);
        key = f.log.publicKey();
        // Fifteen records, stored checkpoints at 6 and 12 (five requests of three events).
        f.fifteenPurchasesInFiveRequests();
        assertEquals(15, f.log.tip("acme").seq());
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void anExportEndsWithACheckpointOfItsHead_byTheKeyInUse() throws Exception {
        List<ObjectNode> lines = export(f.log);
        ObjectNode last = lines.getLast();
        assertEquals("checkpoint", last.get("type").asText());
        assertEquals(15, last.get("seq").asLong(), "the head, between stored checkpoints, is signed as exported");
        assertEquals(key.keyId(), last.get("key_id").asText());
        AuditLog.Verification ok = verify(lines, TrustedKeys.of(List.of(key)));
        assertTrue(ok.ok(), ok.toString());
        assertEquals(3, ok.checkpointsVerified());
        assertEquals(15, ok.lastCheckpointSeq());
        assertEquals(List.of(6L, 12L), AbstractAuditLogTest.checkpoints(f.log, "acme").stream().map(Checkpoint::seq).toList(),
                "the export's checkpoint is not stored");
        // A filtered export is not signed: it cannot be chain-verified anyway.
        ByteArrayOutputStream filtered = new ByteArrayOutputStream();
        AuditExport.jsonl(f.log, "acme", AuditQuery.all().after(3), f.clock.instant(), filtered);
        assertFalse(filtered.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\"seq\":15,\"hash\""));
    }

    @Test
    void withoutASignatureOverItsHead_anExportFails() throws Exception {
        List<ObjectNode> genuine = export(f.log);
        // The last checkpoint dropped: the last three records are vouched for by nothing.
        assertFault(13, "no signed checkpoint covers the export's head: 3 record(s), seq 13..15, follow the last"
                + " checkpoint (seq 12)", without(genuine, n -> isCheckpoint(n) && n.get("seq").asLong() == 15));
        // Every checkpoint dropped (until session 40: "OK ... 0 signed checkpoints verified").
        assertFault(1, "15 record(s), seq 1..15, follow no checkpoint", without(genuine, ExportVerifierTest::isCheckpoint));
        // The forgery of review 1: a decision changed, every hash recomputed, the checkpoints dropped.
        List<ObjectNode> forged = without(genuine, ExportVerifierTest::isCheckpoint);
        ((ObjectNode) forged.get(14).get("record").get("decisions").get(0)).put("decision", "DENY");
        rehash(forged);
        assertFault(1, "follow no checkpoint", forged);
        // The last record altered and its checkpoint dropped: the earlier checkpoints still verify.
        List<ObjectNode> altered = without(genuine, n -> isCheckpoint(n) && n.get("seq").asLong() == 15);
        ((ObjectNode) altered.get(15).get("record").get("decisions").get(0)).put("decision", "DENY");
        rehash(altered);
        assertFault(13, "follow the last checkpoint (seq 12)", altered);
        // One byte of a checkpoint's type: the line is no longer one the verifier knows.
        List<ObjectNode> renamed = copy(genuine);
        renamed.getLast().put("type", "checkpoinx");
        assertFault(0, "line 19 (after the record at seq 15) is neither a record nor a checkpoint", renamed);
    }

    @Test
    void theHeadersHeadMustBeThereAndMatchTheRecords() throws Exception {
        List<ObjectNode> genuine = export(f.log);
        // The tail cut at 9, the header edited to match, later checkpoints dropped.
        List<ObjectNode> cut = without(genuine, n -> n.path("seq").asLong() > 9);
        cut.getFirst().put("head_seq", 9).put("head_hash", cut.get(9).get("hash").asText());
        assertFault(7, "seq 7..9, follow the last checkpoint (seq 6)", cut);
        // The tail cut and head_seq set to 0 or removed: until session 40 the head check was skipped.
        List<ObjectNode> zero = without(genuine, n -> n.path("seq").asLong() > 9);
        zero.getFirst().put("head_seq", 0);
        assertFault(0, "line 1, the header: head_seq is 0", zero);
        List<ObjectNode> none = without(genuine, n -> n.path("seq").asLong() > 9);
        none.getFirst().remove("head_seq");
        assertFault(0, "line 1, the header: it has no head_seq", none);
        // The tail cut, the header as it was.
        assertFault(10, "the chain head is at seq 15 but the records end at seq 9",
                without(genuine, n -> n.path("seq").asLong() > 9 && n.has("prev_hash")));
        // Only the header ("OK: 0 records" until session 40).
        assertFault(0, "line 1, the header: head_seq is 0", List.of(copy(genuine).getFirst().put("head_seq", 0)));
        assertFault(1, "the chain head is at seq 15 but the records end at seq 0", List.of(copy(genuine).getFirst()));
    }

    @Test
    void aLineThatIsNotExactlyARecordOrACheckpoint_fails_namingItsLine() throws Exception {
        List<String> genuine = Files.readAllLines(write(export(f.log)));
        String record = genuine.get(3);
        String dupKey = record.replaceFirst("\"decision\":\"(\\w+)\"", "\"decision\":\"DENY\",\"decision\":\"$1\"");
        assertTrue(!dupKey.equals(record));
        for (String[] edit : new String[][] {
                {record + " x", "is not one JSON object"},
                {record + "{\"type\":\"note\"}", "is not one JSON object"},
                {dupKey, "is not one JSON object"},
                {"{\"type\":\"note\",\"text\":\"ALLOW was actually DENY\"}", "is neither a record nor a checkpoint"},
                {"", "is blank"},
                {"[1,2,3]", "is not a JSON object"},
                {"42", "is not a JSON object"},
                {"null", "is not a JSON object"},
                {record.replace("{\"type\":\"record\",", "{\"type\":\"record\",\"note\":1,"), "is a record line without exactly a record's members"},
                {genuine.getFirst(), "is a second export header"}}) {
            Path file = dir.resolve("lines.jsonl");
            List<String> lines = new ArrayList<>(genuine);
            lines.set(3, edit[0]);
            Files.write(file, lines);
            AuditLog.Verification v = ExportVerifier.verify(file, TrustedKeys.of(List.of(key)));
            assertFalse(v.ok(), edit[0]);
            assertEquals(0, v.failure().get().seq(), v.toString());
            assertTrue(v.failure().get().reason().startsWith("line 4 (after the record at seq 2) " + edit[1]), edit[1] + ": " + v);
        }
    }

    @Test
    void whatIsNoExportToVerify_isNotAVerdict() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        assertEquals("the file is empty, not a Sluice audit export", assertThrows(ExportVerifier.NotVerifiable.class,
                () -> ExportVerifier.verify(empty, key)).getMessage());
        Path log = Files.writeString(dir.resolve("gw.err"), "{\"level\":\"INFO\",\"message\":\"started\"}\n");
        assertEquals("line 1 is not a sluice-audit-export/1 header: not a Sluice audit export",
                assertThrows(ExportVerifier.NotVerifiable.class, () -> ExportVerifier.verify(log, key)).getMessage());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(f.log, "acme", new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("decision"), 0), f.clock.instant(), out);
        Path filtered = Files.write(dir.resolve("filtered.jsonl"), out.toByteArray());
        assertEquals("a filtered export cannot be chain-verified; export without filters",
                assertThrows(ExportVerifier.NotVerifiable.class, () -> ExportVerifier.verify(filtered, key)).getMessage());
    }

    /**
     * The line a gateway ends an export with when a retention purge deleted records it had not
     * written yet ({@link AuditExport}): the file is no export to verify (exit code 2, saying to
     * export again), neither OK nor a FAILED that reads as tampering. A line after it, or one not
     * exactly of its shape, is a fault of that line.
     */
    @Test
    void anExportEndingIncomplete_isNotVerifiable_andSaysToExportAgain() throws Exception {
        List<String> genuine = Files.readAllLines(write(export(f.log)));
        List<String> incomplete = new ArrayList<>(genuine.subList(0, 10));
        incomplete.add("{\"type\":\"incomplete\",\"after_seq\":9,\"cause\":\"retention_purge\"}");
        Path file = Files.write(dir.resolve("incomplete.jsonl"), incomplete);
        String refused = assertThrows(ExportVerifier.NotVerifiable.class, () -> ExportVerifier.verify(file, key)).getMessage();
        assertTrue(refused.startsWith("the export is incomplete: a retention purge deleted the records after seq 9"), refused);
        assertTrue(refused.endsWith("; export again"), refused);

        for (String[] edit : new String[][] {
                {genuine.get(10), "line 12 (after the record at seq 9) follows the line that ends an incomplete export"},
                {"{\"type\":\"incomplete\",\"after_seq\":-1,\"cause\":\"retention_purge\"}",
                        "line 11 (after the record at seq 9) is an incomplete line without exactly its members"},
                {"{\"type\":\"incomplete\",\"after_seq\":9}", "line 11 (after the record at seq 9) is an incomplete line"},
                // Unlike what the gateway writes: another seq than the last record's, a cause it never names.
                {"{\"type\":\"incomplete\",\"after_seq\":5,\"cause\":\"retention_purge\"}",
                        "line 11 is an incomplete line saying the export stopped after seq 5, but its last record is at seq 9"},
                {"{\"type\":\"incomplete\",\"after_seq\":9,\"cause\":\"meteor\"}",
                        "line 11 is an incomplete line naming a cause the gateway does not write"}}) {
            List<String> lines = new ArrayList<>(incomplete);
            if (edit[0].contains("incomplete")) {
                lines.set(10, edit[0]);
            } else {
                lines.add(edit[0]);
            }
            AuditLog.Verification v = ExportVerifier.verify(Files.write(dir.resolve("edited.jsonl"), lines), key);
            assertFalse(v.ok(), edit[0]);
            assertTrue(v.failure().get().reason().startsWith(edit[1]), v.toString());
        }

        // Appended after the checkpoints, which it stands in place of.
        List<String> afterCheckpoints = new ArrayList<>(genuine);
        long lastSeq = genuine.stream().filter(l -> l.startsWith("{\"type\":\"record\"")).count();
        afterCheckpoints.add("{\"type\":\"incomplete\",\"after_seq\":" + lastSeq + ",\"cause\":\"retention_purge\"}");
        AuditLog.Verification appended = ExportVerifier.verify(Files.write(dir.resolve("appended.jsonl"), afterCheckpoints), key);
        assertTrue(appended.failure().get().reason().contains("is an incomplete line after checkpoint lines"), appended.toString());

        // An altered record stays a FAILED with an incomplete line after it: hashes need no signature.
        List<String> altered = new ArrayList<>(incomplete);
        altered.set(3, altered.get(3).replace("\"decision\":\"ALLOW\"", "\"decision\":\"DENY\"")
                .replace("\"kind\":\"", "\"kind\":\"x"));
        AuditLog.Verification tampered = ExportVerifier.verify(Files.write(dir.resolve("altered.jsonl"), altered), key);
        assertFalse(tampered.ok(), tampered.toString());
        assertTrue(tampered.failure().get().reason().contains("content does not match its hash"), tampered.toString());
    }

    @Test
    void afterARotation_theHeadMustBeSignedByTheKeyInUse_andAReplacedKeyCannotSignLater() throws Exception {
        AuditSigner oldSigner = AuditSigner.parse(AuditFixture.SIGNING_SEED);
        AuditSigner rotated = AuditSigner.parse(AuditSigner.generate());
        AuditLog afterRotation = new AuditLog(f.store.sql(), rotated, List.of(key), 5, Duration.ofMinutes(5), f.clock);
        for (int i = 0; i < 6; i++) {
            afterRotation.append("acme", new AuditEntry.Replayed(f.clock.instant(), 1, List.of((long) i), Optional.empty(),
                    Optional.empty()));
        }
        TrustedKeys newestFirst = TrustedKeys.of(rotated.publicKey(), List.of(key));
        List<ObjectNode> genuine = export(afterRotation);
        assertEquals(List.of(key.keyId(), key.keyId(), rotated.publicKey().keyId(), rotated.publicKey().keyId()),
                genuine.stream().filter(ExportVerifierTest::isCheckpoint).map(n -> n.get("key_id").asText()).toList());
        assertTrue(verify(genuine, newestFirst).ok());
        // The keys listed oldest first: the new key's checkpoint follows the old one's.
        assertFault(17, "which key " + key.keyId() + " replaced before its checkpoint at seq 12", genuine,
                TrustedKeys.of(key, List.of(rotated.publicKey())));

        // Review 1's forgery: a record after the rotation rewritten, the new key's checkpoints
        // signed again with the old (perhaps leaked) key. Until session 40: OK.
        List<ObjectNode> forged = copy(genuine);
        ((ObjectNode) forged.get(19).get("record")).put("replayed", 7);
        rehash(forged);
        for (ObjectNode n : forged) {
            if (isCheckpoint(n) && n.get("seq").asLong() > 12) {
                String hash = forged.get((int) n.get("seq").asLong()).get("hash").asText();
                Checkpoint cp = oldSigner.sign("acme", n.get("seq").asLong(), hash, java.time.Instant.ofEpochMilli(n.get("signed_at").asLong()));
                n.put("hash", hash).put("key_id", cp.keyId()).put("signature", cp.signature());
            }
        }
        assertFault(21, "the checkpoint of the export's head is signed by key " + key.keyId() + ", not by the key in use "
                + rotated.publicKey().keyId(), forged, newestFirst);
    }

    @Test
    void aHeadCheckpointedByAReplacedKey_isSignedAgainByTheKeyInUseWhenExported() throws Exception {
        f.clock.advance(Duration.ofMinutes(6));
        assertEquals(1, f.log.checkpointDue(List.of("acme")), "the old key signs the head at 15");
        AuditSigner rotated = AuditSigner.parse(AuditSigner.generate());
        AuditLog afterRotation = new AuditLog(f.store.sql(), rotated, List.of(key), 5, Duration.ofMinutes(5), f.clock);
        List<ObjectNode> lines = export(afterRotation);
        List<ObjectNode> checkpoints = lines.stream().filter(ExportVerifierTest::isCheckpoint).toList();
        assertEquals(List.of(6L, 12L, 15L), checkpoints.stream().map(n -> n.get("seq").asLong()).toList());
        assertEquals(rotated.publicKey().keyId(), checkpoints.getLast().get("key_id").asText());
        AuditLog.Verification v = verify(lines, TrustedKeys.of(rotated.publicKey(), List.of(key)));
        assertTrue(v.ok(), v.toString());
    }

    @Test
    void aChainWhoseCheckpointsDisagreeWithItsHead_isNotSignedWhenExported() throws Exception {
        // The checkpoint at 12 deleted at rest: the head row still names it.
        f.execute("DELETE FROM audit_checkpoints WHERE tenant_id = 'acme' AND seq = 12");
        List<ObjectNode> lines = export(f.log);
        assertEquals(6, lines.getLast().get("seq").asLong(), "no checkpoint of the head: " + lines.getLast());
        assertFault(7, "follow the last checkpoint (seq 6)", lines);
    }

    // --- helpers ---

    private static boolean isCheckpoint(JsonNode n) {
        return "checkpoint".equals(n.path("type").asText());
    }

    private List<ObjectNode> export(AuditLog log) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.jsonl(log, "acme", AuditQuery.all(), f.clock.instant(), out);
        List<ObjectNode> lines = new ArrayList<>();
        for (String line : out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            lines.add((ObjectNode) JSON.readTree(line));
        }
        return lines;
    }

    private static List<ObjectNode> copy(List<ObjectNode> lines) {
        return new ArrayList<>(lines.stream().map(ObjectNode::deepCopy).toList());
    }

    private static List<ObjectNode> without(List<ObjectNode> lines, java.util.function.Predicate<ObjectNode> dropped) {
        return new ArrayList<>(copy(lines).stream().filter(n -> n.path("type").asText().equals("export") || !dropped.test(n)).toList());
    }

    /** Recomputes every record's hashes, as anyone can, and the header's head to match. */
    private static void rehash(List<ObjectNode> lines) {
        String prev = ChainHash.GENESIS;
        long seq = 0;
        for (ObjectNode n : lines) {
            if ("record".equals(n.path("type").asText())) {
                String hash = ChainHash.of(prev, CanonicalJson.write(CanonicalJson.fromJson(n.get("record"))));
                n.put("prev_hash", prev).put("hash", hash);
                prev = hash;
                seq = n.get("seq").asLong();
            }
        }
        lines.getFirst().put("head_seq", seq).put("head_hash", prev);
    }

    private Path write(List<ObjectNode> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ObjectNode n : lines) {
            text.append(JSON.writeValueAsString(n)).append('\n');
        }
        return Files.writeString(dir.resolve("export.jsonl"), text);
    }

    private AuditLog.Verification verify(List<ObjectNode> lines, TrustedKeys keys) throws IOException {
        return ExportVerifier.verify(write(lines), keys);
    }

    private void assertFault(long seq, String reason, List<ObjectNode> lines) throws IOException {
        assertFault(seq, reason, lines, TrustedKeys.of(List.of(key)));
    }

    private void assertFault(long seq, String reason, List<ObjectNode> lines, TrustedKeys keys) throws IOException {
        AuditLog.Verification v = verify(lines, keys);
        assertFalse(v.ok(), "must fail: " + reason);
        assertEquals(seq, v.failure().get().seq(), v.toString());
        assertTrue(v.failure().get().reason().contains(reason), v.failure().get().reason());
    }
}
