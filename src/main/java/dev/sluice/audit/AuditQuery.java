package dev.sluice.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Filters for reading a tenant's audit records; every present condition must hold. Records come
 * in seq order after {@code afterSeq} (the cursor).
 *
 * @param from          recorded at or after
 * @param to            recorded before
 * @param destinationId decisions for this destination
 * @param decision      ALLOW, LIMITED or DENY
 * @param eventId       decisions for this event id
 * @param ruleId        decisions one of whose rule ids is this
 * @param kind          decision, erasure, retention, replay or policy
 * @param afterSeq      only records with a greater seq
 */
public record AuditQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> destinationId,
                         Optional<String> decision, Optional<String> eventId, Optional<String> ruleId,
                         Optional<String> kind, long afterSeq) {
    public AuditQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(destinationId, "destinationId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(kind, "kind");
        if (decision.filter(d -> !DECISIONS.contains(d)).isPresent()) {
            throw new IllegalArgumentException("decision must be one of " + DECISIONS);
        }
        if (kind.filter(k -> !KINDS.contains(k)).isPresent()) {
            throw new IllegalArgumentException("kind must be one of " + KINDS);
        }
        if (afterSeq < 0) {
            throw new IllegalArgumentException("after must not be negative");
        }
        if (from.filter(AuditQuery::outOfRange).isPresent() || to.filter(AuditQuery::outOfRange).isPresent()) {
            throw new IllegalArgumentException("from and to must lie in the years 0000 to 9999");
        }
    }

    /** The decisions a decision record holds per destination. */
    public static final java.util.Set<String> DECISIONS = java.util.Set.of("ALLOW", "LIMITED", "DENY");
    /** The kinds of record ({@code AuditEntry.kind}). */
    public static final java.util.Set<String> KINDS = java.util.Set.of("decision", "erasure", "retention", "replay", "policy");

    /** The first and last instants a query may name; beyond them an instant's epoch milliseconds overflow. */
    static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Whether an instant lies outside the years 0000 to 9999, which a query's bounds must lie in. */
    public static boolean outOfRange(Instant instant) {
        return instant.isBefore(EARLIEST) || instant.isAfter(LATEST);
    }

    /** Every record of the tenant. */
    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0);
    }

    /** Whether any filter beyond the cursor is set: such a result cannot be chain-verified. */
    public boolean filtered() {
        return from.isPresent() || to.isPresent() || destinationId.isPresent() || decision.isPresent()
                || eventId.isPresent() || ruleId.isPresent() || kind.isPresent();
    }

    AuditQuery after(long seq) {
        return new AuditQuery(from, to, destinationId, decision, eventId, ruleId, kind, seq);
    }
}
