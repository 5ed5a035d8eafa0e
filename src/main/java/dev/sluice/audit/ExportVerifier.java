package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Verifies a JSONL export offline ({@link AuditExport}): the chain of its records, re-serialized
 * canonically, and its checkpoints' signatures under the auditor's public key. Reads the file
 * twice (checkpoints first, then records), never holding it in memory.
 */
public final class ExportVerifier {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The longest line an export may have, in characters: a record or checkpoint line is a few
     * KB. A file with a far longer line (one of 150 MB, or /dev/zero) ran the offline verifier's
     * heap out until session 39.
     */
    public static final int MAX_LINE_CHARS = 1 << 20;

    private ExportVerifier() {
    }

    /** A line of the export longer than {@link #MAX_LINE_CHARS}: not a Sluice audit export. */
    public static final class LineTooLong extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLong() {
            super("a line is longer than " + MAX_LINE_CHARS + " characters: not a Sluice audit export");
        }
    }

    /** The export's lines, failing with {@link LineTooLong} rather than buffering a line without end. */
    private static BufferedReader lines(Path export) throws IOException {
        return new BufferedReader(new java.io.FilterReader(Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            private int run;

            @Override
            public int read() throws IOException {
                int c = super.read();
                count(c);
                return c;
            }

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                for (int i = 0; i < n; i++) {
                    count(buffer[offset + i]);
                }
                return n;
            }

            private void count(int c) throws LineTooLong {
                run = c == '\n' ? 0 : run + 1;
                if (run > MAX_LINE_CHARS) {
                    throw new LineTooLong();
                }
            }
        });
    }

    /**
     * Verifies {@code export} with {@code key}.
     *
     * @throws IOException when the file cannot be read
     */
    public static AuditLog.Verification verify(Path export, AuditKey key) throws IOException {
        return verify(export, TrustedKeys.of(java.util.List.of(key)));
    }

    /**
     * Verifies {@code export}, accepting checkpoints signed by any of {@code keys} (the signing
     * key and those it replaced).
     *
     * @throws IOException when the file cannot be read
     */
    public static AuditLog.Verification verify(Path export, TrustedKeys keys) throws IOException {
        JsonNode header;
        try (BufferedReader in = lines(export)) {
            String first = in.readLine();
            header = first == null ? null : parse(first);
        }
        if (header == null || !"export".equals(header.path("type").asText())
                || !AuditExport.FORMAT.equals(header.path("format").asText())) {
            return failed(0, "not a Sluice audit export (line 1 must be its " + AuditExport.FORMAT + " header)");
        }
        if (header.path("filtered").asBoolean(true)) {
            return failed(0, "a filtered export cannot be chain-verified; export without filters");
        }
        String tenant = header.path("tenant").asText();
        long lineNumber = 0;
        try (BufferedReader in = lines(export)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (parse(line) == null) {
                    return failed(0, "line " + lineNumber + " is not JSON");
                }
            }
        }
        // The checkpoints are read from a second reader of the file as the records reach them, so
        // that an export of a long chain is verified holding one checkpoint at a time.
        try (BufferedReader checkpointLines = lines(export)) {
            ChainVerifier verifier = new ChainVerifier(tenant, Optional.of(keys), checkpoints(checkpointLines));
            return verifyRecords(export, header, verifier);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The checkpoint lines of an export, in file order, read as the iterator is consumed. */
    private static java.util.Iterator<Checkpoint> checkpoints(BufferedReader lines) {
        return new java.util.Iterator<>() {
            private Checkpoint next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        String line = lines.readLine();
                        if (line == null) {
                            return false;
                        }
                        JsonNode node = parse(line);
                        if (node != null && "checkpoint".equals(node.path("type").asText())) {
                            next = new Checkpoint(node.path("tenant").asText(), node.path("seq").asLong(),
                                    node.path("hash").asText(), Instant.ofEpochMilli(node.path("signed_at").asLong()),
                                    node.path("key_id").asText(), node.path("signature").asText());
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return true;
            }

            @Override
            public Checkpoint next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Checkpoint out = next;
                next = null;
                return out;
            }
        };
    }

    private static AuditLog.Verification verifyRecords(Path export, JsonNode header, ChainVerifier verifier)
            throws IOException {
        try (BufferedReader in = lines(export)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode node = parse(line);
                if (!"record".equals(node.path("type").asText())) {
                    continue;
                }
                long seq = node.path("seq").asLong();
                String body;
                try {
                    body = CanonicalJson.write(CanonicalJson.fromJson(node.path("record")));
                } catch (IllegalArgumentException e) {
                    return failed(seq, "record holds a value no audit record has (" + e.getMessage() + ")");
                }
                if (!verifier.record(seq, node.path("prev_hash").asText(), node.path("hash").asText(), body)) {
                    break;
                }
            }
        }
        ChainAppender.Head head = new ChainAppender.Head(header.path("head_seq").asLong(), header.path("head_hash").asText(),
                0, Instant.EPOCH, Optional.empty());
        return AuditLog.Verification.of(verifier.finish(Optional.of(head)));
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static AuditLog.Verification failed(long seq, String reason) {
        return new AuditLog.Verification(0, 0, 0, 0, Optional.of(new AuditLog.Fault(seq, reason)));
    }
}
