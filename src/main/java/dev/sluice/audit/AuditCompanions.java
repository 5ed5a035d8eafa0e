package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.ingest.CompanionSource;
import dev.sluice.store.Companion;
import dev.sluice.store.MultiRowInsert;
import dev.sluice.store.StoreConfig;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit log's part of every accepted event, written in the event's own transaction (so a
 * duplicate records nothing): one decision record holding the decision for every destination the
 * event named, DENY included, and the subject index that lets an erasure find the event's pending
 * deliveries.
 */
final class AuditCompanions implements CompanionSource {
    private final String policyVersion;
    private final String policySha256;
    private final DecisionsKind decisions;
    private final SubjectsKind subjects = new SubjectsKind();
    private final boolean packDecisions;

    AuditCompanions(ConsentPolicy policy, ChainAppender appender) {
        this.policyVersion = policy.version();
        this.policySha256 = policy.contentSha256();
        this.decisions = new DecisionsKind(appender);
        this.packDecisions = appender.packsDecisions();
    }

    @Override
    public List<Companion> companions(Admitted admitted) {
        // Rendered here, on the request's thread: the store's single writer only numbers and hashes it.
        List<ConsentDecision> decided = admitted.consent().decisions();
        ChainAppender.Rendered record = decided.isEmpty() ? null : ChainAppender.render(admitted.tenant().id(),
                new AuditEntry.Decided(admitted.receivedAt(), admitted.event().eventId(), admitted.event().eventName(),
                        decided, admitted.consent().seen(), admitted.consent().jurisdiction(), policyVersion,
                        policySha256), packDecisions);
        List<Companion> out = new ArrayList<>(2);
        if (record != null) {
            out.add(new Decisions(decisions, record));
        }
        // The digests ingest made while hashing: the identifiers are not parsed again. The
        // embedded store's row holds the keys raw, made so here rather than on its writer.
        if (packDecisions) {
            byte[] packed = SubjectKeys.packedOfDigests(admitted.crypto(), admitted.subjectDigests());
            if (packed.length > 0) {
                out.add(new Subjects(subjects, null, packed, admitted.receivedAt()));
            }
        } else {
            List<String> keys = SubjectKeys.ofDigests(admitted.crypto(), admitted.subjectDigests());
            if (!keys.isEmpty()) {
                out.add(new Subjects(subjects, keys, null, admitted.receivedAt()));
            }
        }
        return out;
    }

    private record Decisions(DecisionsKind kind, ChainAppender.Rendered record) implements Companion {
    }

    /**
     * Peppered keys only, as hex ({@code keys}) or packed raw ({@code packed}, the embedded
     * store's row); still personal data in law, so it never prints them.
     */
    private record Subjects(SubjectsKind kind, List<String> keys, byte[] packed, Instant receivedAt) implements Companion {
        /** The keys as hex, made from the packed bytes when only those are held. */
        List<String> hexKeys() {
            if (keys != null) {
                return keys;
            }
            List<String> hex = new ArrayList<>(packed.length / RAW_KEY_BYTES);
            for (int i = 0; i < packed.length; i += RAW_KEY_BYTES) {
                hex.add(java.util.HexFormat.of().formatHex(packed, i, i + RAW_KEY_BYTES));
            }
            return hex;
        }

        @Override
        public String toString() {
            return "Subjects[" + (keys != null ? keys.size() : packed.length / RAW_KEY_BYTES) + " keys]";
        }
    }

    /** Appends each tenant's decisions to its chain, tenants in id order (see {@link ChainAppender}). */
    private static final class DecisionsKind implements Companion.Kind {
        private final ChainAppender appender;

        DecisionsKind(ChainAppender appender) {
            this.appender = appender;
        }

        @Override
        public void write(Connection connection, String dialect, List<Companion.Placed> placed) throws SQLException {
            Map<String, List<Companion.Placed>> byTenant = new TreeMap<>();
            Instant latest = Instant.EPOCH;
            for (Companion.Placed p : placed) {
                byTenant.computeIfAbsent(p.event().tenantId(), t -> new ArrayList<>()).add(p);
                latest = latest.isBefore(p.event().receivedAt()) ? p.event().receivedAt() : latest;
            }
            for (Map.Entry<String, List<Companion.Placed>> tenant : byTenant.entrySet()) {
                List<Companion.Placed> ofTenant = tenant.getValue();
                List<ChainAppender.Rendered> records = new ArrayList<>(ofTenant.size());
                long[] eventRowIds = new long[ofTenant.size()];
                for (int i = 0; i < eventRowIds.length; i++) {
                    records.add(((Decisions) ofTenant.get(i).companion()).record());
                    eventRowIds[i] = ofTenant.get(i).eventRowId();
                }
                ChainAppender.Head head = appender.lock(connection, dialect, tenant.getKey(), latest);
                appender.appendRendered(connection, tenant.getKey(), head, records, eventRowIds);
            }
        }
    }

    /**
     * Between the keys of one event in an SQLite audit_subjects row as versions before session 21
     * wrote it: the keys as hex text (see {@link SubjectsKind#write}).
     */
    static final String KEY_SEPARATOR = " ";
    /** Bytes of one raw key in an SQLite audit_subjects row (an HMAC-SHA256). */
    static final int RAW_KEY_BYTES = 32;

    private static final class SubjectsKind implements Companion.Kind {
        /**
         * One audit_subjects row: a key as hex text, or (SQLite) an event's keys raw; like
         * {@link Subjects}, it never prints them.
         */
        private record Row(String tenantId, String key, byte[] rawKeys, long eventRowId, long receivedAt) {
            @Override
            public String toString() {
                return "Row[event " + eventRowId + "]";
            }
        }

        private static final MultiRowInsert<Row> INSERT = new MultiRowInsert<>("audit_subjects",
                List.of("tenant_id", "subject_key", "event_row_id", "received_at"), (v, row) -> {
                    v.setString(1, row.tenantId());
                    if (row.rawKeys() != null) {
                        v.setBytes(2, row.rawKeys());
                    } else {
                        v.setString(2, row.key());
                    }
                    v.setLong(3, row.eventRowId());
                    v.setLong(4, row.receivedAt());
                });

        /** The keys (64 hex digits each) raw, one after the other: {@link #RAW_KEY_BYTES} bytes each. */
        static byte[] packed(List<String> keys) {
            byte[] out = new byte[keys.size() * RAW_KEY_BYTES];
            java.util.HexFormat hex = java.util.HexFormat.of();
            for (int i = 0; i < keys.size(); i++) {
                byte[] raw = hex.parseHex(keys.get(i));
                if (raw.length != RAW_KEY_BYTES) {
                    throw new IllegalArgumentException("a subject key is " + RAW_KEY_BYTES + " bytes");
                }
                System.arraycopy(raw, 0, out, i * RAW_KEY_BYTES, RAW_KEY_BYTES);
            }
            return out;
        }

        /**
         * PostgreSQL: one row per key as hex text, found through the key index. SQLite, which keeps
         * no index on the keys (an erasure scans the tenant's rows): one row per event holding all
         * its keys raw, one after the other in a blob, a single row to write instead of up to four
         * on the single writer, at half the bytes of hex. An erasure looks for a key's bytes inside
         * the blob: another key's bytes, or the seam between two keys, would have to equal 32
         * bytes of an HMAC-SHA256 for a false match. Rows as earlier versions wrote them (hex keys
         * separated by {@link #KEY_SEPARATOR}, or one hex key a row) are still found and counted.
         */
        @Override
        public void write(Connection connection, String dialect, List<Companion.Placed> placed) throws SQLException {
            boolean embedded = StoreConfig.SQLITE.equals(dialect);
            List<Row> rows = new ArrayList<>(embedded ? placed.size() : placed.size() * 4);
            for (Companion.Placed p : placed) {
                Subjects s = (Subjects) p.companion();
                if (embedded) {
                    rows.add(new Row(p.event().tenantId(), null, s.packed() != null ? s.packed() : packed(s.hexKeys()),
                            p.eventRowId(), s.receivedAt().toEpochMilli()));
                    continue;
                }
                for (String key : s.hexKeys()) {
                    rows.add(new Row(p.event().tenantId(), key, null, p.eventRowId(), s.receivedAt().toEpochMilli()));
                }
            }
            INSERT.insert(connection, rows);
        }
    }
}
