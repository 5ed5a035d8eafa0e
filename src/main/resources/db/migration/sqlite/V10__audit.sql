-- Consent audit log (dev.sluice.audit), SQLite dialect. Times are epoch milliseconds.
--
-- audit_records: one hash chain per tenant, seq 1, 2, 3 ... without gaps. body is the record's
-- canonical JSON, byte for byte what was hashed: hash = SHA-256("sluice-audit-v1\n" || prev_hash
-- || "\n" || body) as lower-case hex (docs/audit.md). The other columns repeat fields of the body
-- for filtering only; verification checks that they agree with it.
CREATE TABLE audit_records (
    tenant_id      TEXT   NOT NULL,
    seq            INTEGER NOT NULL,
    kind           TEXT   NOT NULL,
    recorded_at    INTEGER NOT NULL,
    event_id       TEXT,
    destination_id TEXT,
    decision       TEXT,
    rule_ids       TEXT,
    body           TEXT   NOT NULL,
    prev_hash      TEXT   NOT NULL,
    hash           TEXT   NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_records_time ON audit_records (tenant_id, recorded_at);
CREATE INDEX audit_records_event ON audit_records (tenant_id, event_id) WHERE event_id IS NOT NULL;

-- audit_heads: the tip of each tenant's chain. Every append locks its tenant's row
-- (on SQLite the single writer connection already serializes appends)
-- and never fork the chain. It also remembers the last checkpoint and the last policy recorded.
CREATE TABLE audit_heads (
    tenant_id      TEXT   PRIMARY KEY,
    seq            INTEGER NOT NULL,
    hash           TEXT   NOT NULL,
    checkpoint_seq INTEGER NOT NULL,
    checkpoint_at  INTEGER NOT NULL,
    policy_sha256  TEXT
);

-- audit_checkpoints: Ed25519 signatures over (tenant, seq, hash, signed_at).
CREATE TABLE audit_checkpoints (
    tenant_id TEXT   NOT NULL,
    seq       INTEGER NOT NULL,
    hash      TEXT   NOT NULL,
    signed_at INTEGER NOT NULL,
    key_id    TEXT   NOT NULL,
    signature TEXT   NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

-- audit_subjects: tenant-peppered keys (HMAC, never raw identifiers) of an accepted event's
-- email, phone and external id, so that an erasure request finds the subject's pending outbox
-- rows. Deleted by erasure and by retention.
CREATE TABLE audit_subjects (
    tenant_id    TEXT   NOT NULL,
    subject_key  TEXT   NOT NULL,
    event_row_id INTEGER NOT NULL,
    received_at  INTEGER NOT NULL
);
-- No index on subject_key on the embedded store: the keys are random (HMACs), and an index on
-- them would cost a random page write per identifier on every accepted event. Erasure, which is
-- rare, scans the tenant's rows within the retention window instead. (PostgreSQL keeps the index.)
CREATE INDEX audit_subjects_time ON audit_subjects (tenant_id, received_at);
