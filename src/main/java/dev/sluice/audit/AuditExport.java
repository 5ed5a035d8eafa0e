package dev.sluice.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.store.StoreException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Streams a tenant's audit records as JSONL or CSV, row by row as they are read.
 *
 * <p>JSONL (what {@code sluice audit verify} reads), one JSON object per line:
 * <pre>
 * {"type":"export","format":"sluice-audit-export/1","tenant":..,"exported_at":ms,"filtered":false,"head_seq":n,"head_hash":".."}
 * {"type":"record","seq":1,"prev_hash":"..","hash":"..","record":{...the canonical body...}}
 * ...
 * {"type":"checkpoint","tenant":..,"seq":n,"hash":"..","signed_at":ms,"key_id":"..","signature":"base64"}
 * </pre>
 * The export is cut at the head read when it starts ({@link LongReads.Cut}), so it is one
 * consistent prefix of the chain even while records keep arriving; it carries every checkpoint
 * signed by then and, unless the stored chain already has one by the key in use there, a
 * checkpoint of that head signed as the export is written ({@link AuditLog#exportCheckpoint}; not
 * stored). So an unfiltered export's last record is always signed, and a verifier can require
 * it: until session 40 the records after the last stored checkpoint were covered by nothing an
 * editor could not recompute. A retention purge that deletes records before the export has written them makes it begin again
 * when it has written none, and end with
 * {@code {"type":"incomplete","after_seq":n,"cause":"retention_purge"}} when it has, which the
 * verifier reports as an incomplete export, not as a chain with a gap (which reads as tampering).
 * CSV is for reading, not for verification: one row per record, or per destination of a decision
 * record.
 */
public final class AuditExport {
    private static final System.Logger LOG = System.getLogger(AuditExport.class.getName());
    /** The JSONL header's format name. */
    public static final String FORMAT = "sluice-audit-export/1";
    private static final JsonFactory FACTORY = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> CSV_COLUMNS = List.of("seq", "time", "kind", "event_id", "event_name",
            "destination_id", "destination_type", "decision", "rule_ids", "reason_codes", "jurisdiction",
            "policy_version", "policy_sha256", "hash", "counts");
    /** The CSV columns a decision record holds per destination. */
    private static final java.util.Set<String> DESTINATION_COLUMNS = java.util.Set.of("destination_id",
            "destination_type", "decision", "rule_ids", "reason_codes");

    private AuditExport() {
    }

    /**
     * Writes the JSONL export of the tenant's records matching {@code query}, then its checkpoints;
     * or, when a retention purge deleted records it had not written yet ({@link #stream}), an
     * {@code incomplete} line after the records written, instead of going on after a gap.
     */
    public static void jsonl(AuditLog log, String tenantId, AuditQuery query, Instant now, OutputStream out)
            throws IOException {
        // A filtered export cannot be chain-verified: nothing to sign for it.
        boolean whole = !query.filtered() && query.afterSeq() <= 0;
        // The header waits for the first record: until one is written, a purge costs only a new start.
        boolean[] headed = {false};
        Streamed streamed = stream(log, tenantId, query, "jsonl", (cut, r) -> {
            if (!headed[0]) {
                header(out, tenantId, now, whole, cut);
                headed[0] = true;
            }
            line(out, g -> {
                g.writeStringField("type", "record");
                g.writeNumberField("seq", r.seq());
                g.writeStringField("prev_hash", r.prevHash());
                g.writeStringField("hash", r.hash());
                g.writeFieldName("record");
                // Verbatim: these are the bytes that were hashed.
                g.writeRawValue(r.body());
            });
        });
        if (!headed[0]) {
            header(out, tenantId, now, whole, streamed.cut());
        }
        if (streamed.overtaken()) {
            line(out, g -> {
                g.writeStringField("type", "incomplete");
                g.writeNumberField("after_seq", streamed.afterSeq());
                g.writeStringField("cause", streamed.incomplete().get());
            });
        } else {
            checkpoints(log, tenantId, streamed.cut(), whole, now, out);
        }
        out.flush();
    }

    /** What an {@code incomplete} line or row names as its cause: a retention purge overtook the export. */
    static final String INCOMPLETE_CAUSE = "retention_purge";
    /** The cause when the store failed after records had gone out. */
    static final String STORE_ERROR_CAUSE = "store_error";

    /** Writes what an export holds of one record, read within {@code cut}. */
    @FunctionalInterface
    private interface Rows {
        void write(LongReads.Cut cut, StoredRecord record) throws IOException;
    }

    /**
     * How an export's records went: the cut they were read within, the last one written (0 when
     * none), and whether a retention purge deleted the next ones before they were read.
     */
    private record Streamed(LongReads.Cut cut, long afterSeq, Optional<String> incomplete) {
        boolean overtaken() {
            return incomplete.isPresent();
        }
    }

    /**
     * Hands the records matching {@code query} to {@code rows}, cut at the head as the export
     * begins. When a retention purge deletes records before they are read ({@link OvertakenByPurge}),
     * an export that has been handed no record yet begins again from the chain's new beginning (up
     * to {@link OvertakenByPurge#ATTEMPTS} times in all); one that has stops, logs
     * {@code event=audit_export_incomplete} and says so.
     */
    private static Streamed stream(AuditLog log, String tenantId, AuditQuery query, String format, Rows rows)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            LongReads.Cut cut = log.cut(tenantId, query.afterSeq());
            long[] last = {0};
            try {
                log.stream(tenantId, query, cut, r -> {
                    rows.write(cut, r);
                    last[0] = r.seq();
                    return true;
                });
                return new Streamed(cut, last[0], Optional.empty());
            } catch (OvertakenByPurge e) {
                if (last[0] > 0 || attempt == OvertakenByPurge.ATTEMPTS) {
                    LOG.log(System.Logger.Level.WARNING, "event=audit_export_incomplete tenant={0} format={1} after_seq={2}"
                            + " cause=" + INCOMPLETE_CAUSE + " attempts={3}", tenantId, format, last[0], attempt);
                    return new Streamed(cut, last[0], Optional.of(INCOMPLETE_CAUSE));
                }
            } catch (StoreException e) {
                // Records already went out: the answer cannot become a 503, and ending it as if
                // complete left a cut-off export that the verifier could only call tampered with.
                if (last[0] == 0) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "event=audit_export_incomplete tenant={0} format={1} after_seq={2}"
                        + " cause=" + STORE_ERROR_CAUSE + " error={3}", tenantId, format, last[0], e.getMessage());
                return new Streamed(cut, last[0], Optional.of(STORE_ERROR_CAUSE));
            }
        }
    }

    private static void header(OutputStream out, String tenantId, Instant now, boolean whole, LongReads.Cut cut)
            throws IOException {
        ChainAppender.Head head = cut.head().orElse(GENESIS);
        line(out, g -> {
            g.writeStringField("type", "export");
            g.writeStringField("format", FORMAT);
            g.writeStringField("tenant", tenantId);
            g.writeNumberField("exported_at", now.toEpochMilli());
            g.writeBooleanField("filtered", !whole);
            g.writeNumberField("head_seq", head.seq());
            g.writeStringField("head_hash", head.hash());
        });
    }

    /**
     * The stored checkpoints up to the cut's, then, for a whole export, the one of its head: the
     * stored one when the key in use signed it, else one signed now ({@link AuditLog#exportCheckpoint}).
     * The stored checkpoint at the head is held back until the others are read rather than looked
     * up first: one signed after the cut, or deleted by a purge after the records were read, would
     * otherwise leave the export's head unsigned.
     */
    private static void checkpoints(AuditLog log, String tenantId, LongReads.Cut cut, boolean whole, Instant now,
                                    OutputStream out) throws IOException {
        ChainAppender.Head head = cut.head().orElse(GENESIS);
        Checkpoint storedAtHead = null;
        java.util.Iterator<Checkpoint> checkpoints = log.checkpoints(tenantId, cut.checkpointsThrough());
        while (checkpoints.hasNext()) {
            Checkpoint cp = checkpoints.next();
            if (whole && cp.seq() == head.seq()) {
                storedAtHead = cp;
            } else {
                checkpoint(out, cp);
            }
        }
        if (!whole) {
            return;
        }
        // A stored checkpoint at the head by a replaced key gives way to the one by the key in use.
        java.util.Optional<Checkpoint> stored = java.util.Optional.ofNullable(storedAtHead);
        java.util.Optional<Checkpoint> atHead = log.exportCheckpoint(tenantId, head, cut.lastCheckpointSeq(),
                stored.map(Checkpoint::keyId), now).or(() -> stored);
        if (atHead.isPresent()) {
            checkpoint(out, atHead.get());
        }
    }

    private static final ChainAppender.Head GENESIS = new ChainAppender.Head(0, ChainHash.GENESIS, 0, Instant.EPOCH,
            java.util.Optional.empty());

    private static void checkpoint(OutputStream out, Checkpoint cp) throws IOException {
        line(out, g -> {
            g.writeStringField("type", "checkpoint");
            g.writeStringField("tenant", cp.tenantId());
            g.writeNumberField("seq", cp.seq());
            g.writeStringField("hash", cp.hash());
            g.writeNumberField("signed_at", cp.signedAt().toEpochMilli());
            g.writeStringField("key_id", cp.keyId());
            g.writeStringField("signature", cp.signature());
        });
    }

    /**
     * Writes the CSV export: a header row, then one row per record, except that a decision
     * record gives one row per destination it decided for (those the query's destination,
     * decision and rule filters select), each with the record's seq and hash, up to the head as the
     * export begins. When a retention purge deletes records before they are read, an export that
     * has read none begins again from the chain's new beginning; one that has ends with an
     * {@code incomplete} row (empty but for its kind and its counts: {@code after_seq=n
     * cause=retention_purge}) instead of going on after a gap.
     */
    public static void csv(AuditLog log, String tenantId, AuditQuery query, Writer out) throws IOException {
        out.write(String.join(",", CSV_COLUMNS) + "\r\n");
        Streamed streamed = stream(log, tenantId, query, "csv", (cut, r) -> {
            JsonNode b = MAPPER.readTree(r.body());
            if ("decision".equals(r.kind()) && !DecisionColumns.legacy(b)) {
                for (JsonNode d : b.path("decisions")) {
                    if (DecisionColumns.matches(DecisionColumns.element(d), query.destinationId(), query.decision(),
                            query.ruleId())) {
                        out.write(row(r, b, d));
                    }
                }
                return;
            }
            out.write(row(r, b, b));
        });
        if (streamed.overtaken()) {
            // Every column empty but the kind and the counts: a row no record gives.
            out.write(",,incomplete" + ",".repeat(CSV_COLUMNS.size() - 3) + "after_seq=" + streamed.afterSeq() + " cause="
                    + streamed.incomplete().get() + "\r\n");
        }
        out.flush();
    }

    /** What the decision column says of a record whose stored body cannot be read ({@link AuditReader#UNREADABLE_BODY}). */
    static final String UNREADABLE = "UNREADABLE";

    /**
     * One CSV row: the record's own columns from {@code record}, a destination's from {@code destination}.
     * A record whose body cannot be read (not an object) takes its time, kind and event id from
     * its row's columns and says {@value #UNREADABLE} as its decision: until session 40 it showed
     * as 1970-01-01T00:00:00Z with no kind, as if it were an empty record.
     */
    private static String row(StoredRecord r, JsonNode record, JsonNode destination) {
        if (!record.isObject()) {
            return String.join(",", cell(Long.toString(r.seq())), cell(r.recordedAt().toString()), cell(r.kind() == null ? "" : r.kind()),
                    cell(r.eventId() == null ? "" : r.eventId()), "", "", "", UNREADABLE, "", "", "", "", "", cell(r.hash()), "")
                    + "\r\n";
        }
        StringBuilder row = new StringBuilder(256);
        for (String column : CSV_COLUMNS) {
            if (row.length() > 0) {
                row.append(',');
            }
            JsonNode from = DESTINATION_COLUMNS.contains(column) ? destination : record;
            row.append(cell(switch (column) {
                case "seq" -> Long.toString(r.seq());
                case "time" -> Instant.ofEpochMilli(record.path("time").asLong()).toString();
                case "hash" -> r.hash();
                case "rule_ids", "reason_codes" -> join(from.path(column));
                case "counts" -> counts(record);
                default -> from.path(column).asText("");
            }));
        }
        return row.append("\r\n").toString();
    }

    /**
     * What an erasure erased, a purge purged or a replay replayed, as {@code name=count} pairs in
     * name order ({@code dead_letters=0 pending_deliveries=2 ...}); empty for other records. The
     * CSV had no column for them until session 40, so an officer reading it saw that an erasure
     * happened but not what it did.
     */
    private static String counts(JsonNode record) {
        for (String name : List.of("erased", "purged")) {
            if (record.path(name).isObject()) {
                java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
                record.path(name).properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
                StringBuilder s = new StringBuilder();
                sorted.forEach((k, v) -> s.append(s.length() > 0 ? " " : "").append(k).append('=').append(v));
                return s.toString();
            }
        }
        return record.path("replayed").isNumber() ? "replayed=" + record.path("replayed").asLong() : "";
    }

    private static String join(JsonNode array) {
        StringBuilder s = new StringBuilder();
        array.forEach(n -> s.append(s.length() > 0 ? " " : "").append(n.asText()));
        return s.toString();
    }

    /** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a merchant's event id as a formula. */
    static String cell(String value) {
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static void line(OutputStream out, Fields fields) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        out.write('\n');
    }

}
