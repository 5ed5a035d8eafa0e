package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.consent.SignalsSeen;
import dev.sluice.consent.TcfFacts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A decision record's body as the embedded store keeps it: the record's fields in a compact binary
 * form, from which {@link DecisionBody} renders the canonical body again, byte for byte, when the
 * record is read. What is hashed and exported is always that canonical JSON; only the stored form
 * changes, and the chain hash over the rendering still catches any change to the stored bytes or to
 * the columns the rendering takes (tenant, seq, time, event id). About 230 bytes for the load
 * test's record instead of about 650 (docs/audit.md, "Stored form").
 *
 * <p>Layout after the {@link #MARKER} byte (JSON text never starts with it): a flags byte, then
 * event name, jurisdiction, policy SHA-256 (32 raw bytes when it is 64 lower-case hex digits, else
 * text), policy version; the decisions (count; each its decision, destination id and type, reason
 * codes, rule ids); the Consent Mode flags (count, then key and value each); the TC string's facts
 * when present; the US Privacy string when present. Text is a varint of its UTF-8 length plus one
 * (0 for absent) and its bytes; counts and integers are varints (integers zigzag-encoded).
 *
 * <p>A record whose text is not well-formed Unicode (an unpaired surrogate, which UTF-8 cannot
 * carry) is not packed: {@link #pack} returns null and the store keeps its JSON text.
 */
final class PackedDecision {
    /** First byte of a packed body. */
    static final byte MARKER = 0x01;

    private static final int GPC_PRESENT = 1;
    private static final int GPC_TRUE = 1 << 1;
    private static final int OPT_OUT_PRESENT = 1 << 2;
    private static final int OPT_OUT_TRUE = 1 << 3;
    private static final int TCF_PRESENT = 1 << 4;
    private static final int US_PRIVACY_PRESENT = 1 << 5;
    private static final int POLICY_SHA_RAW = 1 << 6;
    private static final int KNOWN_FLAGS = (1 << 7) - 1;

    /** Decisions by code; codes are part of the stored form and never change meaning. */
    private static final List<Decision> DECISIONS = List.of(Decision.ALLOW, Decision.LIMITED, Decision.DENY);

    private PackedDecision() {
    }

    /** Whether {@code stored} (a body column's bytes) is a packed body. */
    static boolean isPacked(byte[] stored) {
        return stored.length > 0 && stored[0] == MARKER;
    }

    /** The record's packed form, or null when it cannot be packed losslessly. */
    static byte[] pack(AuditEntry.Decided d) {
        return pack(d, shared(d));
    }

    /**
     * {@link #pack} from {@link #shared}'s result for a record of the same decisions, signals,
     * jurisdiction and policy: only the event name is written anew.
     */
    static byte[] pack(AuditEntry.Decided d, byte[] shared) {
        if (shared == null) {
            return null;
        }
        Out out = new Out();
        out.write(MARKER);
        out.write(shared[0]);
        if (!out.text(d.eventName())) {
            return null;
        }
        out.write(shared, 1, shared.length - 1);
        return out.toByteArray();
    }

    /**
     * What a packed record holds besides its marker and event name: its flags byte, then every
     * member after the event name. It depends only on the decisions, signals, jurisdiction and
     * policy, which every event of one consent evaluation shares ({@code DecisionFragments}); null
     * when the record cannot be packed.
     */
    static byte[] shared(AuditEntry.Decided d) {
        Out out = new Out();
        SignalsSeen seen = d.seen();
        byte[] rawSha256 = d.policySha256() == null ? null : ChainHash.rawOf(d.policySha256());
        boolean rawSha = rawSha256 != null;
        int flags = (seen.gpc().isPresent() ? GPC_PRESENT : 0) | (seen.gpc().orElse(false) ? GPC_TRUE : 0)
                | (seen.optOut().isPresent() ? OPT_OUT_PRESENT : 0) | (seen.optOut().orElse(false) ? OPT_OUT_TRUE : 0)
                | (seen.tcf().isPresent() ? TCF_PRESENT : 0) | (seen.usPrivacy().isPresent() ? US_PRIVACY_PRESENT : 0)
                | (rawSha ? POLICY_SHA_RAW : 0);
        out.write(flags);
        boolean ok = out.text(d.jurisdiction());
        if (rawSha) {
            out.write(rawSha256, 0, 32);
        } else {
            ok &= out.text(d.policySha256());
        }
        ok &= out.text(d.policyVersion());
        out.varint(d.decisions().size());
        for (ConsentDecision c : d.decisions()) {
            int code = DECISIONS.indexOf(c.decision());
            if (code < 0) {
                return null;
            }
            out.varint(code);
            ok &= out.text(c.destinationId()) && out.text(c.destinationType()) && out.texts(c.reasonCodes())
                    && out.texts(c.ruleIds());
        }
        int present = 0;
        for (String value : seen.consentMode().values()) {
            present += value == null ? 0 : 1;
        }
        out.varint(present);
        for (Map.Entry<String, String> flag : seen.consentMode().entrySet()) {
            if (flag.getValue() != null) {
                ok &= out.text(flag.getKey()) && out.text(flag.getValue());
            }
        }
        if (seen.tcf().isPresent()) {
            TcfFacts t = seen.tcf().get();
            out.write(t.gdprApplies() ? 1 : 0);
            out.signed(t.cmpId());
            out.signed(t.policyVersion());
            out.integers(t.purposeConsents());
            out.integers(t.purposeLegitimateInterests());
            out.integers(t.vendorConsents());
            out.integers(t.specialFeatureOptIns());
            ok &= out.text(t.stringSha256());
        }
        if (seen.usPrivacy().isPresent()) {
            ok &= out.text(seen.usPrivacy().get());
        }
        return ok ? out.toByteArray() : null;
    }

    /**
     * The record packed in {@code stored}, with the fields its row's columns hold.
     *
     * @throws IllegalArgumentException when the bytes are not a packed body this version reads
     */
    static AuditEntry.Decided unpack(byte[] stored, Instant at, String eventId) {
        In in = new In(stored);
        if (in.read() != MARKER) {
            throw new IllegalArgumentException("not a packed decision record");
        }
        int flags = in.read();
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new IllegalArgumentException("unknown flags in a packed decision record");
        }
        String eventName = in.text();
        String jurisdiction = in.text();
        String policySha = (flags & POLICY_SHA_RAW) != 0 ? java.util.HexFormat.of().formatHex(in.bytes(32)) : in.text();
        String policyVersion = in.text();
        int count = in.count();
        List<ConsentDecision> decisions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int code = in.count();
            if (code >= DECISIONS.size()) {
                throw new IllegalArgumentException("unknown decision code in a packed decision record");
            }
            String destinationId = in.text();
            String destinationType = in.text();
            List<String> reasons = in.texts();
            List<String> rules = in.texts();
            decisions.add(new ConsentDecision(destinationId, destinationType, DECISIONS.get(code), rules, reasons,
                    Restrictions.NOTHING, jurisdiction));
        }
        Map<String, String> consentMode = new LinkedHashMap<>();
        for (int n = in.count(); n > 0; n--) {
            consentMode.put(in.required(), in.required());
        }
        Optional<TcfFacts> tcf = Optional.empty();
        if ((flags & TCF_PRESENT) != 0) {
            int applies = in.read();
            if (applies > 1) {
                throw new IllegalArgumentException("gdpr_applies in a packed decision record is neither 0 nor 1");
            }
            boolean gdprApplies = applies == 1;
            int cmpId = in.signed();
            int tcfPolicy = in.signed();
            tcf = Optional.of(new TcfFacts(gdprApplies, cmpId, tcfPolicy, in.integers(), in.integers(), in.integers(),
                    in.integers(), in.text()));
        }
        Optional<String> usPrivacy = (flags & US_PRIVACY_PRESENT) != 0 ? Optional.of(in.required()) : Optional.empty();
        if (!in.atEnd()) {
            throw new IllegalArgumentException("trailing bytes in a packed decision record");
        }
        SignalsSeen seen = new SignalsSeen(consentMode, tcf,
                (flags & GPC_PRESENT) != 0 ? Optional.of((flags & GPC_TRUE) != 0) : Optional.empty(), usPrivacy,
                (flags & OPT_OUT_PRESENT) != 0 ? Optional.of((flags & OPT_OUT_TRUE) != 0) : Optional.empty());
        return new AuditEntry.Decided(at, eventId, eventName, decisions, seen, jurisdiction, policyVersion, policySha);
    }

    /**
     * Writes the packed form into a growable array (a {@code ByteArrayOutputStream} took a lock per
     * byte); text that UTF-8 cannot carry exactly makes {@link #text} return false.
     */
    private static final class Out {
        private byte[] buf = new byte[256];
        private int pos;

        void write(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buf, pos, length);
            pos += length;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, pos);
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        boolean text(String s) {
            if (s == null) {
                varint(0);
                return true;
            }
            int n = s.length();
            if (isAscii(s)) {
                // Ids, codes and hex: one byte per character, written without an intermediate array.
                varint(n + 1L);
                ensure(n);
                for (int i = 0; i < n; i++) {
                    buf[pos++] = (byte) s.charAt(i);
                }
                return true;
            }
            if (!wellFormed(s)) {
                return false;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            write(utf8, 0, utf8.length);
            return true;
        }

        boolean texts(List<String> values) {
            varint(values.size());
            boolean ok = true;
            for (String v : values) {
                ok &= text(v);
            }
            return ok;
        }

        void integers(Collection<Integer> values) {
            varint(values.size());
            for (Integer v : values) {
                signed(v);
            }
        }

        void signed(int v) {
            varint(((long) v << 1) ^ ((long) v >> 63));
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        private static boolean isAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        private static boolean wellFormed(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Reads the packed form; anything out of shape is an {@link IllegalArgumentException}. */
    private static final class In {
        private final byte[] b;
        private int p;

        In(byte[] b) {
            this.b = b;
        }

        int read() {
            if (p >= b.length) {
                throw new IllegalArgumentException("a packed decision record ends too early");
            }
            return b[p++] & 0xff;
        }

        byte[] bytes(int n) {
            if (n < 0 || n > b.length - p) {
                throw new IllegalArgumentException("a packed decision record ends too early");
            }
            byte[] out = java.util.Arrays.copyOfRange(b, p, p + n);
            p += n;
            return out;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = read();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("a varint in a packed decision record is too long");
        }

        int count() {
            long v = varint();
            if (v < 0 || v > b.length) {
                throw new IllegalArgumentException("a count in a packed decision record is out of range");
            }
            return (int) v;
        }

        int signed() {
            long v = varint();
            long decoded = (v >>> 1) ^ -(v & 1);
            if (decoded != (int) decoded) {
                throw new IllegalArgumentException("an integer in a packed decision record is out of range");
            }
            return (int) decoded;
        }

        String text() {
            int n = count();
            if (n == 0) {
                return null;
            }
            // Bytes that are not UTF-8 (only damage makes them) read as replacement characters: the
            // record then renders differently and the chain hash reports it.
            if (n - 1 > b.length - p) {
                throw new IllegalArgumentException("a packed decision record ends too early");
            }
            String text = new String(b, p, n - 1, StandardCharsets.UTF_8);
            p += n - 1;
            return text;
        }

        /** Text where absent is never written (list items, Consent Mode flags). */
        String required() {
            String s = text();
            if (s == null) {
                throw new IllegalArgumentException("an absent text where a packed decision record always has one");
            }
            return s;
        }

        List<String> texts() {
            int n = count();
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(required());
            }
            return out;
        }

        Set<Integer> integers() {
            int n = count();
            Set<Integer> out = new HashSet<>();
            for (int i = 0; i < n; i++) {
                out.add(signed());
            }
            return out;
        }

        boolean atEnd() {
            return p == b.length;
        }
    }
}
