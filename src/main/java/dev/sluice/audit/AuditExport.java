package dev.sluice.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

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
 * The export is cut at the head read when it starts, so it is one consistent prefix of the chain
 * even while records keep arriving; it carries every checkpoint signed by then and, unless the
 * stored chain already has one by the key in use there, a checkpoint of that head signed as the
 * export is written ({@link AuditLog#exportCheckpoint}; not stored). So an unfiltered export's
 * last record is always signed, and a verifier can require it: until session 40 the records
 * after the last stored checkpoint were covered by nothing an editor could not recompute. CSV is
 * for reading, not for verification: one row per record, or per destination of a decision record.
 */
public final class AuditExport {
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

    /** Writes the JSONL export of the tenant's records matching {@code query}, then its checkpoints. */
    public static void jsonl(AuditLog log, String tenantId, AuditQuery query, Instant now, OutputStream out)
            throws IOException {
        // The last checkpoint before the tip, as in verification: one beyond the tip shows a
        // truncated chain. The checkpoints up to it are read page by page after the records.
        long checkpointed = log.lastCheckpointSeq(tenantId);
        ChainAppender.Head head = log.head(tenantId);
        AuditLog.Tip tip = new AuditLog.Tip(head.seq(), head.hash());
        // A filtered export cannot be chain-verified: nothing to sign for it.
        boolean whole = !query.filtered() && query.afterSeq() <= 0;
        line(out, g -> {
            g.writeStringField("type", "export");
            g.writeStringField("format", FORMAT);
            g.writeStringField("tenant", tenantId);
            g.writeNumberField("exported_at", now.toEpochMilli());
            g.writeBooleanField("filtered", !whole);
            g.writeNumberField("head_seq", tip.seq());
            g.writeStringField("head_hash", tip.hash());
        });
        log.stream(tenantId, query, r -> {
            if (r.seq() > tip.seq()) {
                return false;
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
            return true;
        });
        java.util.Optional<Checkpoint> atHead = whole
                ? log.exportCheckpoint(tenantId, head, checkpointed, log.checkpointKey(tenantId, tip.seq()), now)
                : java.util.Optional.empty();
        java.util.Iterator<Checkpoint> checkpoints = log.checkpoints(tenantId, checkpointed);
        while (checkpoints.hasNext()) {
            Checkpoint cp = checkpoints.next();
            // A stored checkpoint at the head by a replaced key gives way to the one by the key in use.
            if (atHead.isEmpty() || cp.seq() != tip.seq()) {
                checkpoint(out, cp);
            }
        }
        if (atHead.isPresent()) {
            checkpoint(out, atHead.get());
        }
        out.flush();
    }

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
     * decision and rule filters select), each with the record's seq and hash.
     */
    public static void csv(AuditLog log, String tenantId, AuditQuery query, Writer out) throws IOException {
        out.write(String.join(",", CSV_COLUMNS) + "\r\n");
        log.stream(tenantId, query, r -> {
            JsonNode b = MAPPER.readTree(r.body());
            if ("decision".equals(r.kind()) && !DecisionColumns.legacy(b)) {
                for (JsonNode d : b.path("decisions")) {
                    if (DecisionColumns.matches(DecisionColumns.element(d), query.destinationId(), query.decision(),
                            query.ruleId())) {
                        out.write(row(r, b, d));
                    }
                }
                return true;
            }
            out.write(row(r, b, b));
            return true;
        });
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
