package dev.sluice.ledger;

/** What a ledger entry books; the wire name is the stored {@code kind}. */
enum EntryKind {
    /** An acquisition: counts as a purchase, its value is revenue. */
    PURCHASE("purchase"),
    /** A lead: counts as a lead; a lead's value is not revenue. */
    LEAD("lead"),
    /** A refund: a negative amount against its order's attribution. */
    REFUND("refund");

    private final String stored;

    EntryKind(String stored) {
        this.stored = stored;
    }

    String stored() {
        return stored;
    }
}
