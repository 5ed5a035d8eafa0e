package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.SignalsSeen;
import dev.sluice.consent.TcfFacts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one audit record says, before it is numbered and chained. None of these hold personal
 * data: identifiers never reach them, only counts, kinds and decoded consent facts.
 */
public sealed interface AuditEntry {

    /** When it happened. */
    Instant at();

    /**
     * The consent decisions for one accepted event: one per destination the event named, DENY
     * included, in the order the tenant's destinations are configured. One record per event
     * (records written before this layout held one destination each; docs/audit.md).
     *
     * @param policyVersion the consent policy's declared version
     * @param policySha256  the consent policy file's SHA-256
     */
    record Decided(Instant at, String eventId, String eventName, List<ConsentDecision> decisions, SignalsSeen seen,
                   String jurisdiction, String policyVersion, String policySha256) implements AuditEntry {
        public Decided {
            Objects.requireNonNull(at, "at");
            decisions = List.copyOf(decisions);
            if (decisions.isEmpty()) {
                throw new IllegalArgumentException("a decision record needs at least one destination's decision");
            }
        }
    }

    /**
     * An erasure request processed.
     *
     * @param identifierKinds which kinds of identifier the request carried (email, phone, external_id)
     * @param erased          what was removed, by kind, e.g. {@code pending_deliveries: 3}
     * @param part            which part of the erasure this record is (from 1; each part is a
     *                        transaction with its own record, counting what it erased)
     * @param last            whether it is the erasure's last part (then {@code part} is how many
     *                        there were)
     */
    record Erased(Instant at, List<String> identifierKinds, Map<String, Long> erased, int part, boolean last)
            implements AuditEntry {
        public Erased {
            identifierKinds = List.copyOf(identifierKinds);
            erased = Map.copyOf(erased);
            if (part < 1) {
                throw new IllegalArgumentException("part " + part);
            }
        }

        /** An erasure done in one transaction. */
        public Erased(Instant at, List<String> identifierKinds, Map<String, Long> erased) {
            this(at, identifierKinds, erased, 1, true);
        }
    }

    /**
     * A retention purge.
     *
     * @param purged             rows deleted, by data kind
     * @param retainedFromSeq    the first audit record kept after the purge (this record's own seq
     *                           when every earlier one was purged)
     * @param retainedFromPrev   that record's {@code prev_hash}: anchors a chain whose beginning
     *                           was purged, so a verifier can tell purging from deleting
     * @param undeliverableDestinations the destinations nothing delivers (removed, or without a connector) whose pending copies
     *                           or dead letters this purge deleted (sorted; since session 40).
     *                           Written only when there are any, so that every other record's
     *                           body is what it was before.
     */
    record Purged(Instant at, Map<String, Long> purged, long retainedFromSeq, String retainedFromPrev,
                  List<String> undeliverableDestinations) implements AuditEntry {
        public Purged {
            purged = Map.copyOf(purged);
            undeliverableDestinations = List.copyOf(new java.util.TreeSet<>(undeliverableDestinations));
        }

        /** A purge that deleted no undeliverable destination's rows. */
        public Purged(Instant at, Map<String, Long> purged, long retainedFromSeq, String retainedFromPrev) {
            this(at, purged, retainedFromSeq, retainedFromPrev, List.of());
        }
    }

    /** Dead letters made pending again by an administrator. */
    record Replayed(Instant at, long replayed, List<Long> ids, Optional<String> destinationId,
                    Optional<String> reasonPrefix, List<Long> notReplayed) implements AuditEntry {
        public Replayed {
            ids = List.copyOf(ids);
            notReplayed = List.copyOf(notReplayed);
        }

        /** A replay whose record names no id it left: by destination or reason, or one that left none. */
        public Replayed(Instant at, long replayed, List<Long> ids, Optional<String> destinationId,
                        Optional<String> reasonPrefix) {
            this(at, replayed, ids, destinationId, reasonPrefix, List.of());
        }
    }

    /** The consent policy in force changed (or was first recorded) at startup. */
    record PolicyChanged(Instant at, String version, String sha256, Optional<String> previousSha256)
            implements AuditEntry {
    }

    /** The record kind as stored and exported. */
    static String kind(AuditEntry entry) {
        return switch (entry) {
            case Decided d -> "decision";
            case Erased e -> "erasure";
            case Purged p -> "retention";
            case Replayed r -> "replay";
            case PolicyChanged p -> "policy";
        };
    }

    /**
     * The record's canonical fields: these plus {@code tenant}, {@code seq}, {@code kind} and
     * {@code time} (epoch milliseconds) form the hashed body.
     */
    static Map<String, Object> fields(AuditEntry entry) {
        Map<String, Object> f = new TreeMap<>();
        switch (entry) {
            case Decided d -> {
                f.put("event_id", d.eventId());
                f.put("event_name", d.eventName());
                List<Map<String, Object>> decisions = new java.util.ArrayList<>(d.decisions().size());
                for (ConsentDecision c : d.decisions()) {
                    Map<String, Object> one = new TreeMap<>();
                    one.put("destination_id", c.destinationId());
                    one.put("destination_type", c.destinationType());
                    one.put("decision", c.decision().name());
                    one.put("rule_ids", c.ruleIds());
                    one.put("reason_codes", c.reasonCodes());
                    decisions.add(one);
                }
                f.put("decisions", decisions);
                f.put("jurisdiction", d.jurisdiction());
                f.put("policy_version", d.policyVersion());
                f.put("policy_sha256", d.policySha256());
                f.put("signals", signals(d.seen()));
            }
            case Erased e -> {
                f.put("identifier_kinds", e.identifierKinds());
                f.put("erased", new TreeMap<>(e.erased()));
                if (e.part() > 1 || !e.last()) {
                    // A subject with many events is erased in parts, each its own transaction and
                    // record, counting what it erased (Erasure); the last says how many there were.
                    f.put("part", e.part());
                    if (e.last()) {
                        f.put("parts", e.part());
                    }
                }
            }
            case Purged p -> {
                f.put("purged", new TreeMap<>(p.purged()));
                f.put("retained_from_seq", p.retainedFromSeq());
                f.put("retained_from_prev_hash", p.retainedFromPrev());
                if (!p.undeliverableDestinations().isEmpty()) {
                    // Absent, not empty, otherwise: records written before it existed, and those
                    // since that purged no such rows, keep the same body.
                    f.put("undeliverable_destinations", p.undeliverableDestinations());
                }
            }
            case Replayed r -> {
                f.put("replayed", r.replayed());
                f.put("ids", r.ids());
                // Absent when empty, so a record that left none is what earlier versions wrote.
                if (!r.notReplayed().isEmpty()) {
                    f.put("not_replayed_ids", r.notReplayed());
                }
                r.destinationId().ifPresent(v -> f.put("destination_id", v));
                r.reasonPrefix().ifPresent(v -> f.put("reason_prefix", v));
            }
            case PolicyChanged p -> {
                f.put("policy_version", p.version());
                f.put("policy_sha256", p.sha256());
                p.previousSha256().ifPresent(v -> f.put("previous_policy_sha256", v));
            }
        }
        return f;
    }

    private static Map<String, Object> signals(SignalsSeen seen) {
        // TreeMaps: the canonical form sorts members, and a map in key order is written as it is.
        Map<String, Object> s = new TreeMap<>();
        s.put("consent_mode", new TreeMap<>(seen.consentMode()));
        seen.tcf().ifPresent(t -> s.put("tcf", tcf(t)));
        seen.gpc().ifPresent(v -> s.put("gpc", v));
        seen.usPrivacy().ifPresent(v -> s.put("us_privacy", v));
        seen.optOut().ifPresent(v -> s.put("opt_out", v));
        return s;
    }

    private static Map<String, Object> tcf(TcfFacts t) {
        Map<String, Object> m = new TreeMap<>();
        m.put("gdpr_applies", t.gdprApplies());
        m.put("cmp_id", t.cmpId());
        m.put("policy_version", t.policyVersion());
        m.put("purpose_consents", List.copyOf(t.purposeConsents()));
        m.put("purpose_legitimate_interests", List.copyOf(t.purposeLegitimateInterests()));
        m.put("vendor_consents", List.copyOf(t.vendorConsents()));
        m.put("special_feature_opt_ins", List.copyOf(t.specialFeatureOptIns()));
        // The TC string itself is never stored: it is a long, rarely repeated token.
        m.put("sha256", t.stringSha256());
        return m;
    }
}
