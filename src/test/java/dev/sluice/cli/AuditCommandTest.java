package dev.sluice.cli;

import dev.sluice.audit.AuditSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice audit}: what is a verdict (exit 0 or 1) and what is no export (exit 2); {@code public-key} never invents a key. */
final class AuditCommandTest {
    @TempDir
    Path dir;

    private Path publicKey() throws Exception {
        return Files.writeString(dir.resolve("audit.pem"), AuditSigner.parse(AuditSigner.generate()).publicKey().pem());
    }

    /** Review 1, finding 7: an empty file, a log or a filtered export was "FAILED at seq 0" (exit 1, which says tampering). */
    @Test
    void whatIsNoExportToVerify_isExitCode2InOneLine() throws Exception {
        Path key = publicKey();
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        assertEquals("sluice: " + empty + ": the file is empty, not a Sluice audit export",
                CommandRuns.err(2, "audit", "verify", empty.toString(), "--public-key", key.toString()).strip());
        Path log = Files.writeString(dir.resolve("gw.err"), "{\"level\":\"INFO\",\"message\":\"started\"}\n");
        assertEquals("sluice: " + log + ": line 1 is not a sluice-audit-export/1 header: not a Sluice audit export",
                CommandRuns.err(2, "audit", "verify", log.toString(), "--public-key", key.toString()).strip());
        Path filtered = Files.writeString(dir.resolve("filtered.jsonl"), "{\"type\":\"export\",\"format\":\"sluice-audit-export/1\","
                + "\"tenant\":\"acme\",\"exported_at\":1,\"filtered\":true,\"head_seq\":3,\"head_hash\":\"" + "0".repeat(64) + "\"}\n");
        assertEquals("sluice: " + filtered + ": a filtered export cannot be chain-verified; export without filters",
                CommandRuns.err(2, "audit", "verify", filtered.toString(), "--public-key", key.toString()).strip());
    }

    /** Review 1, findings 1 and 8: a header alone was "OK: 0 records"; a fault of a line named "seq 0". */
    @Test
    void aHeaderAloneFails_andALinesFaultIsNamedByItsLine() throws Exception {
        Path key = publicKey();
        String header = "{\"type\":\"export\",\"format\":\"sluice-audit-export/1\",\"tenant\":\"acme\",\"exported_at\":1,"
                + "\"filtered\":false,\"head_seq\":0,\"head_hash\":\"" + "0".repeat(64) + "\"}\n";
        Path alone = Files.writeString(dir.resolve("alone.jsonl"), header);
        assertEquals("FAILED: line 1, the header: head_seq is 0, not the seq of the last record (a whole number from 1:"
                        + " an export holds at least one record)",
                CommandRuns.out(1, "audit", "verify", alone.toString(), "--public-key", key.toString()).strip());
        Path cut = Files.writeString(dir.resolve("cut.jsonl"), header.replace("\"head_seq\":0", "\"head_seq\":1")
                + "{\"type\":\"record\",\"seq\":1,\"prev_h\n");
        String out = CommandRuns.out(1, "audit", "verify", cut.toString(), "--public-key", key.toString()).strip();
        assertTrue(out.startsWith("FAILED: line 2 is not one JSON object"), out);
    }

    /**
     * Review 1, finding 9: run where the gateway's data directory is not (another directory, a
     * relative data-dir), public-key generated a key there and printed it: a key that signs nothing.
     */
    @Test
    void publicKeyRefusesToInventAKey_unlessAskedTo() throws Exception {
        Path data = dir.resolve("data");
        Path config = CommandRuns.config(dir.resolve("sluice.yaml"), data, "shop", "webhook", "");
        String refused = CommandRuns.err(2, "audit", "public-key", "--config", config.toString()).strip();
        assertTrue(refused.startsWith("sluice: no audit signing key: sluice.audit.signing-key is not configured and "
                + data.resolve("demo-audit-signing.key").toAbsolutePath() + " does not exist"), refused);
        assertFalse(Files.exists(data.resolve("demo-audit-signing.key")), "nothing generated");
        String generated = CommandRuns.out(0, "audit", "public-key", "--generate", "--config", config.toString());
        assertTrue(generated.startsWith("-----BEGIN PUBLIC KEY-----"), generated);
        assertEquals(generated, CommandRuns.out(0, "audit", "public-key", "--config", config.toString()),
                "once there, the same key, without the flag");
    }
}
