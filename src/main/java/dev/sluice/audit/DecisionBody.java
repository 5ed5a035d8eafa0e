package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.SignalsSeen;
import dev.sluice.consent.TcfFacts;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical body of a decision record, written member by member in key order: the same
 * characters as {@link CanonicalJson#open} of the record's value tree ({@link AuditEntry#fields}
 * plus tenant, kind and time), without building the tree. Every accepted event renders one, on
 * its request's thread, and the tree's maps, their sorting and the escaping checks of its
 * constant keys were about a tenth of that thread's time per event (JFR over
 * {@code RequestPathBenchmark}, docs/benchmarks.md, session 20).
 *
 * <p>The members' order is fixed by their names (UTF-16 order, as {@link CanonicalJson} sorts):
 * {@code decisions, event_id, event_name, jurisdiction, kind, policy_sha256, policy_version,
 * seq, signals, tenant, time}; in each decision {@code decision, destination_id,
 * destination_type, reason_codes, rule_ids}; in {@code signals} {@code consent_mode, gpc,
 * opt_out, tcf, us_privacy}; in {@code tcf} {@code cmp_id, gdpr_applies, policy_version,
 * purpose_consents, purpose_legitimate_interests, sha256, special_feature_opt_ins,
 * vendor_consents}. Absent (null) values are left out, as the tree's writer leaves them out.
 * {@code DecisionBodyTest} compares the two writers over generated records, escapes included.
 */
final class DecisionBody {
    private DecisionBody() {
    }

    /** The record's body with its sequence number left open, as {@link ChainAppender#render} needs it. */
    static CanonicalJson.OpenObject open(String tenantId, AuditEntry.Decided d) {
        return open(tenantId, d, DecisionFragments.of(d, false));
    }

    /**
     * {@link #open(String, AuditEntry.Decided)} from the parts the record shares with every other
     * record of its consent evaluation, rendered once ({@link DecisionFragments}): only the event's
     * id, name, tenant and time are written here.
     */
    static CanonicalJson.OpenObject open(String tenantId, AuditEntry.Decided d, DecisionFragments shared) {
        StringBuilder event = new StringBuilder(96);
        member(event, "event_id", d.eventId());
        member(event, "event_name", d.eventName());
        // The shared parts are the fragments' own arrays, encoded once for every record that shares them.
        return new CanonicalJson.OpenObject(new byte[][] {shared.headStart(), utf8(event), shared.headRest(),
                shared.signalsMember(), tail(tenantId, d.at().toEpochMilli())}, 3);
    }

    /**
     * {@code body}, made by {@link #open}, with the record's time {@code at} (epoch milliseconds)
     * instead: the time and the tenant are the body's last members (keys in order), its last part.
     */
    static CanonicalJson.OpenObject retimed(CanonicalJson.OpenObject body, String tenantId, long at) {
        return body.withLastPart(tail(tenantId, at));
    }

    /** The body's last part: {@code ,"tenant":...,"time":...}}. */
    private static byte[] tail(String tenantId, long at) {
        StringBuilder tail = new StringBuilder(64);
        member(tail, "tenant", tenantId);
        tail.append(",\"time\":").append(at).append('}');
        return utf8(tail);
    }

    private static byte[] utf8(StringBuilder text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The members of the record's {@code decisions} array, without the brackets. */
    static String decisionsJson(List<ConsentDecision> decisions) {
        StringBuilder out = new StringBuilder(160 * decisions.size());
        for (int i = 0; i < decisions.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            decision(out, decisions.get(i));
        }
        return out.toString();
    }

    /** The members between {@code event_name} and the open {@code seq}, up to and including {@code "seq":}. */
    static String headRest(AuditEntry.Decided d) {
        StringBuilder out = new StringBuilder(160);
        member(out, "jurisdiction", d.jurisdiction());
        out.append(",\"kind\":\"decision\"");
        member(out, "policy_sha256", d.policySha256());
        member(out, "policy_version", d.policyVersion());
        return out.append(",\"seq\":").toString();
    }

    /** The {@code signals} member's value. */
    static String signalsJson(SignalsSeen seen) {
        StringBuilder out = new StringBuilder(160);
        signals(out, seen);
        return out.toString();
    }

    private static void decision(StringBuilder out, ConsentDecision c) {
        out.append("{\"decision\":");
        CanonicalJson.string(out, c.decision().name());
        member(out, "destination_id", c.destinationId());
        member(out, "destination_type", c.destinationType());
        out.append(",\"reason_codes\":");
        strings(out, c.reasonCodes());
        out.append(",\"rule_ids\":");
        strings(out, c.ruleIds());
        out.append('}');
    }

    private static void signals(StringBuilder out, SignalsSeen seen) {
        out.append("{\"consent_mode\":{");
        boolean first = true;
        for (Map.Entry<String, String> flag : seen.consentMode().entrySet()) {
            if (flag.getValue() == null) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            CanonicalJson.string(out, flag.getKey());
            out.append(':');
            CanonicalJson.string(out, flag.getValue());
        }
        out.append('}');
        flag(out, "gpc", seen.gpc());
        flag(out, "opt_out", seen.optOut());
        if (seen.tcf().isPresent()) {
            out.append(",\"tcf\":");
            tcf(out, seen.tcf().get());
        }
        if (seen.usPrivacy().isPresent()) {
            member(out, "us_privacy", seen.usPrivacy().get());
        }
        out.append('}');
    }

    private static void tcf(StringBuilder out, TcfFacts t) {
        out.append("{\"cmp_id\":").append(t.cmpId())
                .append(",\"gdpr_applies\":").append(t.gdprApplies())
                .append(",\"policy_version\":").append(t.policyVersion())
                .append(",\"purpose_consents\":");
        integers(out, t.purposeConsents());
        out.append(",\"purpose_legitimate_interests\":");
        integers(out, t.purposeLegitimateInterests());
        member(out, "sha256", t.stringSha256());
        out.append(",\"special_feature_opt_ins\":");
        integers(out, t.specialFeatureOptIns());
        out.append(",\"vendor_consents\":");
        integers(out, t.vendorConsents());
        out.append('}');
    }

    /** {@code ,"key":"value"}, or nothing for a null value. Keys here are plain ASCII. */
    private static void member(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(",\"").append(key).append("\":");
            CanonicalJson.string(out, value);
        }
    }

    private static void flag(StringBuilder out, String key, Optional<Boolean> value) {
        if (value.isPresent()) {
            out.append(",\"").append(key).append("\":").append(value.get().booleanValue());
        }
    }

    private static void strings(StringBuilder out, List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            CanonicalJson.string(out, values.get(i));
        }
        out.append(']');
    }

    private static void integers(StringBuilder out, Collection<Integer> values) {
        out.append('[');
        boolean first = true;
        for (Integer value : values) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(value.intValue());
        }
        out.append(']');
    }
}
