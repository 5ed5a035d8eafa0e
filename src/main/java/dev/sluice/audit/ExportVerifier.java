package dev.sluice.audit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a JSONL export offline ({@link AuditExport}): the chain of its records, re-serialized
 * canonically, and its checkpoints' signatures under the auditor's public key. Reads the file
 * three times (every line's shape, then the checkpoints beside the records), never holding it in
 * memory.
 *
 * <p>Since session 40 it is strict, as a machine-written format allows: every line is one JSON
 * object of the header's, a record's or a checkpoint's exact members, with nothing after it and no
 * member twice (a reader that takes the last of two {@code "decision"} members sees ALLOW where a
 * person or grep sees DENY); the header's {@code head_seq} and {@code head_hash} must be there and
 * name the last record; and the last record must be covered by a checkpoint of the key in use,
 * the first of the trusted keys ({@link ChainVerifier}). Before it, an export whose checkpoints
 * were removed, or whose tail was cut with the header's {@code head_seq} set to 0, verified: its
 * hashes are anyone's to recompute.
 */
public final class ExportVerifier {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> HEADER = Set.of("type", "format", "tenant", "exported_at", "filtered", "head_seq",
            "head_hash");
    private static final Set<String> RECORD = Set.of("type", "seq", "prev_hash", "hash", "record");
    private static final Set<String> CHECKPOINT = Set.of("type", "tenant", "seq", "hash", "signed_at", "key_id", "signature");
    private static final Set<String> INCOMPLETE = Set.of("type", "after_seq", "cause");

    /**
     * The longest line an export may have, in characters: a record or checkpoint line is a few
     * KB. A file with a far longer line (one of 150 MB, or /dev/zero) ran the offline verifier's
     * heap out until session 39.
     */
    public static final int MAX_LINE_CHARS = 1 << 20;

    private ExportVerifier() {
    }

    /**
     * A file that cannot be verified as an export: empty, not beginning with an export header, or
     * a filtered export. Not a verdict on the chain (the command line's exit code 2, never a
     * FAILED: until session 40 an empty file or a gateway's log was "FAILED at seq 0", which reads
     * as tampering).
     */
    public static class NotVerifiable extends IOException {
        private static final long serialVersionUID = 1L;

        NotVerifiable(String message) {
            super(message);
        }
    }

    /** A line of the export longer than {@link #MAX_LINE_CHARS}: not a Sluice audit export. */
    public static final class LineTooLong extends NotVerifiable {
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
     * key and those it replaced, newest first); the export's head must be signed by the first.
     *
     * @throws NotVerifiable when the file is not an export, a filtered one, or one that ends with
     *                       the gateway's {@code incomplete} line (a retention purge overtook it;
     *                       {@link AuditExport}): never a verdict on the chain
     * @throws IOException   when the file cannot be read
     */
    public static AuditLog.Verification verify(Path export, TrustedKeys keys) throws IOException {
        JsonNode header;
        try (BufferedReader in = lines(export)) {
            String first = in.readLine();
            if (first == null) {
                throw new NotVerifiable("the file is empty, not a Sluice audit export");
            }
            header = parse(first);
        }
        if (header == null || !"export".equals(header.path("type").asText())
                || !AuditExport.FORMAT.equals(header.path("format").asText())) {
            throw new NotVerifiable("line 1 is not a " + AuditExport.FORMAT + " header: not a Sluice audit export");
        }
        if (header.path("filtered").asBoolean(false)) {
            throw new NotVerifiable("a filtered export cannot be chain-verified; export without filters");
        }
        Optional<String> badHeader = headerProblem(header);
        if (badHeader.isPresent()) {
            return AuditLog.Verification.failed(0, "line 1, the header: " + badHeader.get());
        }
        String tenant = header.path("tenant").asText();
        long lineNumber = 1;
        long lastSeq = 0;
        boolean checkpointed = false;
        JsonNode incomplete = null;
        try (BufferedReader in = lines(export)) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                JsonNode node = parse(line);
                Optional<String> problem = incomplete != null ? Optional.of("follows the line that ends an incomplete export")
                        : lineProblem(line, node);
                if (problem.isPresent()) {
                    return AuditLog.Verification.failed(0, "line " + lineNumber
                            + (lastSeq > 0 ? " (after the record at seq " + lastSeq + ")" : "") + " " + problem.get());
                }
                if ("record".equals(node.get("type").asText())) {
                    lastSeq = node.get("seq").asLong();
                } else if ("incomplete".equals(node.get("type").asText())) {
                    Optional<String> unlike = incompleteProblem(node, lastSeq, checkpointed);
                    if (unlike.isPresent()) {
                        return AuditLog.Verification.failed(0, "line " + lineNumber + " " + unlike.get());
                    }
                    incomplete = node;
                } else {
                    checkpointed = true;
                }
            }
        }
        if (incomplete != null) {
            // No signature vouches for these records, but their hashes and links can still be
            // checked: an altered record is a FAILED, not an "export again".
            Optional<AuditLog.Verification> altered = recordFault(export, tenant);
            if (altered.isPresent()) {
                return altered.get();
            }
            long after = incomplete.get("after_seq").asLong();
            String where = after > 0 ? "seq " + after : "its header";
            String cause = incomplete.get("cause").asText();
            throw new NotVerifiable(switch (cause) {
                case AuditExport.INCOMPLETE_CAUSE -> "the export is incomplete: a retention purge deleted the records after "
                        + where + " while the gateway was writing it, and the gateway stopped there (the file's last line"
                        + " says so) rather than write a chain with a gap; export again";
                case AuditExport.STORE_ERROR_CAUSE -> "the export is incomplete: the gateway's store failed after " + where
                        + " while the gateway was writing it (the file's last line says so; its log names the error);"
                        + " export again";
                default -> "the export is incomplete after " + where + " (the file's last line says so); export again";
            });
        }
        // The checkpoints are read from a second reader of the file as the records reach them, so
        // that an export of a long chain is verified holding one checkpoint at a time.
        try (BufferedReader checkpointLines = lines(export)) {
            ChainVerifier verifier = new ChainVerifier(tenant, Optional.of(keys), checkpoints(checkpointLines), true);
            return verifyRecords(export, header, verifier);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * What makes an {@code incomplete} line unlike the one the gateway writes: it names the last
     * record written (0 when none), one of the two causes, and stands in place of the checkpoints.
     */
    private static Optional<String> incompleteProblem(JsonNode line, long lastSeq, boolean checkpointed) {
        String cause = line.get("cause").asText();
        if (!cause.equals(AuditExport.INCOMPLETE_CAUSE) && !cause.equals(AuditExport.STORE_ERROR_CAUSE)) {
            return Optional.of("is an incomplete line naming a cause the gateway does not write (" + AuditExport.INCOMPLETE_CAUSE
                    + " or " + AuditExport.STORE_ERROR_CAUSE + ")");
        } else if (line.get("after_seq").asLong() != lastSeq) {
            return Optional.of("is an incomplete line saying the export stopped after seq " + line.get("after_seq").asLong()
                    + ", but its last record is at seq " + lastSeq);
        } else if (checkpointed) {
            return Optional.of("is an incomplete line after checkpoint lines: the gateway writes it in their place");
        }
        return Optional.empty();
    }

    /** The first record of {@code export} whose hash or link does not hold, checked without checkpoints. */
    private static Optional<AuditLog.Verification> recordFault(Path export, String tenant) throws IOException {
        return walk(export, new ChainVerifier(tenant, Optional.empty(), java.util.Collections.emptyIterator()));
    }

    /** What is wrong with an export header's members, if anything. */
    private static Optional<String> headerProblem(JsonNode header) {
        if (!header.has("head_seq")) {
            return Optional.of("it has no head_seq, so where the records end is unknown (a cut tail would go unseen)");
        } else if (!header.get("head_seq").canConvertToExactIntegral() || header.get("head_seq").asLong() < 1) {
            return Optional.of("head_seq is " + header.get("head_seq") + ", not the seq of the last record (a whole number"
                    + " from 1: an export holds at least one record)");
        } else if (!isHash(header.get("head_hash"))) {
            return Optional.of("head_hash is missing or not 64 lower-case hex digits");
        } else if (!header.path("tenant").isTextual() || header.get("tenant").asText().isEmpty()) {
            return Optional.of("tenant is missing or not a string");
        } else if (!header.path("filtered").isBoolean() || !header.path("exported_at").canConvertToExactIntegral()
                || !members(header, HEADER)) {
            return Optional.of("its members are not an export header's " + new java.util.TreeSet<>(HEADER));
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a line after the header, if anything: it must be a record or a checkpoint,
     * exactly, or the {@code incomplete} line a gateway ends an export with when a purge overtook it.
     */
    private static Optional<String> lineProblem(String line, JsonNode node) {
        if (line.isBlank()) {
            return Optional.of("is blank; an export has no blank lines");
        } else if (node == null) {
            return Optional.of("is not one JSON object (it was cut or edited, has text after its object, or names a member twice)");
        } else if (!node.isObject()) {
            return Optional.of("is not a JSON object");
        }
        String type = node.path("type").asText();
        switch (type) {
            case "record" -> {
                if (!members(node, RECORD) || !node.get("seq").canConvertToExactIntegral() || !node.get("prev_hash").isTextual()
                        || !node.get("hash").isTextual() || !node.get("record").isObject()) {
                    return Optional.of("is a record line without exactly a record's members " + new java.util.TreeSet<>(RECORD));
                }
            }
            case "checkpoint" -> {
                if (!members(node, CHECKPOINT) || !node.get("seq").canConvertToExactIntegral() || !node.get("tenant").isTextual()
                        || !node.get("hash").isTextual() || !node.get("signed_at").canConvertToExactIntegral()
                        || !node.get("key_id").isTextual() || !node.get("signature").isTextual()) {
                    return Optional.of("is a checkpoint line without exactly a checkpoint's members "
                            + new java.util.TreeSet<>(CHECKPOINT));
                }
            }
            case "incomplete" -> {
                if (!members(node, INCOMPLETE) || !node.get("after_seq").canConvertToExactIntegral()
                        || node.get("after_seq").asLong() < 0 || !node.get("cause").isTextual()) {
                    return Optional.of("is an incomplete line without exactly its members " + new java.util.TreeSet<>(INCOMPLETE));
                }
            }
            case "export" -> {
                return Optional.of("is a second export header; an export has one, on line 1");
            }
            default -> {
                return Optional.of("is neither a record nor a checkpoint (an export holds nothing else but, last, an incomplete line)");
            }
        }
        return Optional.empty();
    }

    private static boolean members(JsonNode node, Set<String> names) {
        if (node.size() != names.size()) {
            return false;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            if (!names.contains(it.next())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHash(JsonNode node) {
        return node != null && node.isTextual() && node.asText().matches("[0-9a-f]{64}");
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
        Optional<AuditLog.Verification> fault = walk(export, verifier);
        if (fault.isPresent()) {
            return fault.get();
        }
        // checkpointSeq -1: an export's header does not name its last checkpoint.
        ChainAppender.Head head = new ChainAppender.Head(header.path("head_seq").asLong(), header.path("head_hash").asText(),
                -1, Instant.EPOCH, Optional.empty());
        return AuditLog.Verification.of(verifier.finish(Optional.of(head)));
    }

    /**
     * Hands the export's records to {@code verifier} in file order; the first fault it finds (or a
     * record holding a value no audit record has) ends the walk and is returned.
     */
    private static Optional<AuditLog.Verification> walk(Path export, ChainVerifier verifier) throws IOException {
        try (BufferedReader in = lines(export)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode node = parse(line);
                if (node == null || !"record".equals(node.path("type").asText())) {
                    continue;
                }
                long seq = node.path("seq").asLong();
                String body;
                try {
                    body = CanonicalJson.write(CanonicalJson.fromJson(node.path("record")));
                } catch (IllegalArgumentException e) {
                    return Optional.of(AuditLog.Verification.failed(seq, "record holds a value no audit record has ("
                            + e.getMessage() + ")"));
                }
                if (!verifier.record(seq, node.path("prev_hash").asText(), node.path("hash").asText(), body)) {
                    // The fault is recorded; finish reports it first whatever else it checks.
                    return Optional.of(AuditLog.Verification.of(verifier.finish(Optional.empty())));
                }
            }
        }
        return Optional.empty();
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }
}
