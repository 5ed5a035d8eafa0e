package dev.sluice.audit;

import dev.sluice.consent.ConsentPolicy;
import dev.sluice.ingest.CompanionSource;
import dev.sluice.store.SqlAccess;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreException;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The tamper-evident consent audit log: one hash chain per tenant, with Ed25519-signed
 * checkpoints. Decisions are appended in each accepted event's own transaction (see
 * {@link #companions}); erasures, retention purges, dead-letter replays and policy changes are
 * appended here in transactions of their own. The canonical form, the hash and the checkpoint
 * signature are specified in {@code docs/audit.md}.
 *
 * <p>Every method is scoped to one tenant. Failures surface as {@link StoreException} without
 * record content. Thread-safe.
 */
public final class AuditLog {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    private final SqlAccess sql;
    private final AuditSigner signer;
    private final ChainAppender appender;
    private final AuditReader reader;
    private final LongReads longReads;
    private final Duration checkpointInterval;
    private final TrustedKeys trustedKeys;
    private final InstantSource clock;

    /**
     * @param checkpointEvery    sign a checkpoint after this many records
     * @param checkpointInterval and at least this often while records arrive ({@link #checkpointDue})
     */
    public AuditLog(SqlAccess sql, AuditSigner signer, long checkpointEvery, Duration checkpointInterval,
                    InstantSource clock) {
        this(sql, signer, List.of(), checkpointEvery, checkpointInterval, clock);
    }

    /**
     * @param previousKeys       public keys of signing keys this one replaced: their checkpoints
     *                           still verify
     * @param checkpointEvery    sign a checkpoint after this many records
     * @param checkpointInterval and at least this often while records arrive ({@link #checkpointDue})
     */
    public AuditLog(SqlAccess sql, AuditSigner signer, List<AuditKey> previousKeys, long checkpointEvery,
                    Duration checkpointInterval, InstantSource clock) {
        this.sql = Objects.requireNonNull(sql, "sql");
        this.trustedKeys = TrustedKeys.of(signer.publicKey(), previousKeys);
        this.signer = Objects.requireNonNull(signer, "signer");
        this.appender = new ChainAppender(signer, checkpointEvery, StoreConfig.SQLITE.equals(sql.dialect()));
        this.reader = new AuditReader(sql);
        this.longReads = new LongReads(reader);
        this.checkpointInterval = Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The ingest companion that records every decision (and the erasure subject index). */
    public CompanionSource companions(ConsentPolicy policy) {
        return new AuditCompanions(policy, appender);
    }

    /** The public half of the signing key, for auditors. */
    public AuditKey publicKey() {
        return signer.publicKey();
    }

    /** The keys checkpoints verify under: the signing key's public half and those it replaced. */
    public TrustedKeys trustedKeys() {
        return trustedKeys;
    }

    /**
     * Records the consent policy in force for each tenant whose last recorded policy differs
     * (or who has none yet). Called at startup, before any event is accepted.
     *
     * @return how many tenants got a policy record
     */
    public int recordPolicy(Collection<String> tenantIds, ConsentPolicy policy) {
        int recorded = 0;
        for (String tenantId : tenantIds) {
            boolean changed = inChain(tenantId, (c, head) -> {
                if (head.policySha256().filter(policy.contentSha256()::equals).isPresent()) {
                    return new Appended<>(false, List.of());
                }
                ChainAppender.rememberPolicy(c, tenantId, policy.contentSha256());
                return new Appended<>(true, List.of(new AuditEntry.PolicyChanged(clock.instant(), policy.version(),
                        policy.contentSha256(), head.policySha256())));
            });
            if (changed) {
                recorded++;
                LOG.log(System.Logger.Level.INFO, "event=audit_policy_recorded tenant={0} policy_version={1}",
                        tenantId, policy.version());
            }
        }
        return recorded;
    }

    /** Appends one record in a transaction of its own and returns its seq. */
    public long append(String tenantId, AuditEntry entry) {
        return inChain(tenantId, (c, head) -> new Appended<>(head.seq() + 1, List.of(entry)));
    }

    /**
     * Signs a checkpoint for each tenant whose chain grew since its last checkpoint and whose last
     * checkpoint is older than the configured interval. Run periodically.
     *
     * @return how many checkpoints were signed
     */
    public int checkpointDue(Collection<String> tenantIds) {
        int signed = 0;
        for (String tenantId : tenantIds) {
            Instant now = clock.instant();
            boolean did = inChain(tenantId, (c, head) -> {
                if (head.seq() > head.checkpointSeq() && !head.checkpointAt().plus(checkpointInterval).isAfter(now)) {
                    appender.checkpoint(c, tenantId, head, now);
                    return new Appended<>(true, List.of());
                }
                return new Appended<>(false, List.of());
            });
            signed += did ? 1 : 0;
        }
        return signed;
    }

    /** One page of the tenant's records matching {@code query}, at most {@code limit}. */
    public List<StoredRecord> page(String tenantId, AuditQuery query, int limit) {
        try {
            return reader.page(tenantId, query, limit);
        } catch (SQLException e) {
            throw failure("reading audit records failed", e);
        }
    }

    /**
     * Where a long read of the tenant's records after seq {@code afterSeq} stops: its head, and
     * what {@link #stream} needs to notice a purge overtaking it ({@link LongReads.Cut}).
     */
    LongReads.Cut cut(String tenantId, long afterSeq) {
        try {
            return longReads.cut(tenantId, afterSeq);
        } catch (SQLException e) {
            throw failure("reading the audit head failed", e);
        }
    }

    /**
     * Streams every matching record up to the cut's head to {@code sink}, in seq order, page by page.
     *
     * @throws OvertakenByPurge when a retention purge deleted records before they were read
     */
    void stream(String tenantId, AuditQuery query, LongReads.Cut cut, LongReads.Sink sink) throws IOException {
        try {
            longReads.stream(tenantId, query, cut, sink);
        } catch (SQLException e) {
            throw failure("reading audit records failed", e);
        }
    }

    /**
     * The tenant's signed checkpoints up to seq {@code through}, in seq order, read page by page as
     * the iterator is consumed (a read that fails surfaces as an {@link IllegalStateException}).
     */
    public java.util.Iterator<Checkpoint> checkpoints(String tenantId, long through) {
        return reader.checkpoints(tenantId, through);
    }

    /** The tenant's chain tip: seq and hash (seq 0 when it has no record yet). */
    public Tip tip(String tenantId) {
        try {
            return reader.head(tenantId).map(h -> new Tip(h.seq(), h.hash())).orElse(new Tip(0, ChainHash.GENESIS));
        } catch (SQLException e) {
            throw failure("reading the audit head failed", e);
        }
    }

    /**
     * The highest seq of the tenant's chain that a retention purge may delete without overtaking
     * an export or verification running on this log ({@link Long#MAX_VALUE} when none runs).
     */
    long readsPassed(String tenantId) {
        return longReads.passed(tenantId);
    }

    /** As {@link #readsPassed(String)}, at {@code nowNanos} (tests: a read past {@link LongReads#MAX_HOLD}). */
    long readsPassed(String tenantId, long nowNanos) {
        return longReads.passed(tenantId, nowNanos);
    }

    /**
     * Every tenant with a chain in the store, sorted: the configured ones and any removed from the
     * configuration since their records were written (their data is still subject to retention).
     */
    public List<String> chainTenants() {
        try {
            return sql().read(c -> {
                List<String> ids = new java.util.ArrayList<>();
                try (var ps = c.prepareStatement("SELECT tenant_id FROM audit_heads ORDER BY tenant_id");
                     var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return List.copyOf(ids);
            });
        } catch (SQLException e) {
            throw failure("reading the audit heads failed", e);
        }
    }

    /**
     * Checks the tenant's stored chain, checkpoint signatures and head, as they stood when it began.
     *
     * @throws OvertakenByPurge when retention purges deleted records before the walk reached them,
     *                          {@link OvertakenByPurge#ATTEMPTS} times in a row
     */
    public Verification verify(String tenantId) {
        try {
            return Verification.of(longReads.verify(tenantId, trustedKeys));
        } catch (SQLException e) {
            throw failure("verifying the audit chain failed", e);
        }
    }

    /** A chain tip. */
    public record Tip(long seq, String hash) {
    }

    /**
     * For an export cut at {@code head}: a checkpoint of that head signed now by the key in use, so
     * that the export's last record is vouched for (session 40; before it an export's records
     * after the last stored checkpoint were covered by no signature, and an export without any
     * checkpoint verified). Empty when the stored checkpoint at the head already is the key in
     * use's, when there is no record, or when the stored checkpoints disagree with the head row
     * (the last one named by its {@code checkpoint_seq} is missing, or one lies beyond the head):
     * then the chain was tampered with, and the gateway does not vouch for it (a warning is logged,
     * and the export fails offline verification).
     */
    Optional<Checkpoint> exportCheckpoint(String tenantId, ChainAppender.Head head, long lastStoredCheckpoint,
                                          Optional<String> keyAtHead, Instant now) {
        if (head.seq() <= 0 || keyAtHead.filter(signer.publicKey().keyId()::equals).isPresent()) {
            return Optional.empty();
        }
        boolean consistent;
        try {
            // lastStoredCheckpoint was read before the head: one beyond it shows a head rolled back.
            long named = head.checkpointSeq();
            consistent = lastStoredCheckpoint <= head.seq() && (named == 0 || reader.checkpointKey(tenantId, named).isPresent()
                    || !reader.hasRecord(tenantId, named));
        } catch (SQLException e) {
            throw failure("reading the audit chain failed", e);
        }
        if (!consistent) {
            LOG.log(System.Logger.Level.WARNING, "event=audit_export_unsigned tenant={0} head_seq={1} checkpoint_seq={2}"
                    + " last_checkpoint={3}", tenantId, head.seq(), head.checkpointSeq(), lastStoredCheckpoint);
            return Optional.empty();
        }
        return Optional.of(signer.sign(tenantId, head.seq(), head.hash(), now));
    }

    /** What work under a locked head decided: its result and the records to append after it. */
    record Appended<T>(T result, List<AuditEntry> entries) {
    }

    /** Work on a tenant's locked head, inside one transaction. */
    @FunctionalInterface
    interface ChainWork<T> {
        Appended<T> run(Connection connection, ChainAppender.Head head) throws SQLException;
    }

    /** Locks the tenant's head, runs {@code work}, appends its entries and commits, all in one transaction. */
    <T> T inChain(String tenantId, ChainWork<T> work) {
        try {
            return sql.inTransaction(c -> {
                ChainAppender.Head head = appender.lock(c, sql.dialect(), tenantId, clock.instant());
                Appended<T> done = work.run(c, head);
                // Re-read: the work may have signed a checkpoint or remembered a policy on the head.
                ChainAppender.Head current = appender.lock(c, sql.dialect(), tenantId, clock.instant());
                appender.append(c, tenantId, current, done.entries());
                return done.result();
            });
        } catch (SQLException e) {
            throw failure("audit append failed", e);
        }
    }

    SqlAccess sql() {
        return sql;
    }

    InstantSource clock() {
        return clock;
    }

    private static StoreException failure(String message, SQLException e) {
        return StoreException.of(message, e);
    }

    /**
     * The outcome of a verification.
     *
     * @param records             records checked
     * @param firstSeq            first seq present (later than 1 after a retention purge)
     * @param lastSeq             last seq checked
     * @param checkpointsVerified checkpoints whose signature and hash matched
     * @param lastCheckpointSeq   the seq of the last checkpoint verified, 0 when none: the records
     *                            after it (up to {@code lastSeq}) are vouched for by no signature yet
     * @param failure             the first fault, if any
     */
    public record Verification(long records, long firstSeq, long lastSeq, int checkpointsVerified,
                               long lastCheckpointSeq, Optional<Fault> failure) {
        static Verification of(ChainVerifier.Result r) {
            return new Verification(r.records(), r.firstSeq(), r.lastSeq(), r.checkpointsVerified(),
                    r.lastCheckpointSeq(), r.failure().map(f -> new Fault(f.seq(), f.reason())));
        }

        /** A verification that failed before any record was checked. */
        static Verification failed(long seq, String reason) {
            return new Verification(0, 0, 0, 0, 0, Optional.of(new Fault(seq, reason)));
        }

        /** Records after the last verified checkpoint: what only hashes vouch for. */
        public long unsignedRecords() {
            return lastSeq - Math.max(lastCheckpointSeq, firstSeq - 1);
        }

        /** Whether the chain is intact. */
        public boolean ok() {
            return failure.isEmpty();
        }
    }

    /** The first bad record's seq and why it is bad. */
    public record Fault(long seq, String reason) {
    }
}
