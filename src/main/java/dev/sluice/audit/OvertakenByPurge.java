package dev.sluice.audit;

/**
 * A retention purge deleted records that a long read of the chain (an export, a verification) had
 * not reached yet. Such a read goes page by page, each page a read of its own (so that it never
 * holds SQLite's reader or a PostgreSQL snapshot while a slow client drains it), and the purge
 * deletes the chain's beginning in steps between those reads: what the read would go on with
 * begins after a gap that the purge's own retention record, appended after the read's cut,
 * accounts for. Reading on would hand out a chain with a gap, which verification reports as
 * records deleted; the read stops instead, and its caller begins again or says the result is
 * incomplete. Carries sequence numbers only.
 */
public final class OvertakenByPurge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How often an export or verification begins again from the chain's new beginning before it gives up. */
    public static final int ATTEMPTS = 5;

    private final long afterSeq;

    OvertakenByPurge(long afterSeq) {
        super("a retention purge deleted audit records after seq " + afterSeq + " before they were read");
        this.afterSeq = afterSeq;
    }

    /** The last record handed out before the purge was noticed; 0 when none was. */
    public long afterSeq() {
        return afterSeq;
    }
}
