-- Sluice store schema, SQLite dialect. Times are epoch milliseconds (INTEGER).
--
-- events: one row per accepted event. The partial unique index below IS the dedup key table:
-- a separate dedup_keys table would cost a second row and a second random-key index per event,
-- and random-key index inserts are the dominant cost of a write. A key holds while it is "live"
-- (superseded_at IS NULL) and for received_at < dedup_until. When an event is accepted again
-- after its key expired, the old row is marked superseded and a new row (new id) is inserted, so
-- the old acceptance's outbox rows keep pointing at their own event row and never mix with the
-- new ones.
-- AUTOINCREMENT: ids are never reused after a purge, so a stored event_row_id or outbox id
-- (in leases, ledger and audit records later) can never point at a different row.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     TEXT    NOT NULL,
    event_name    TEXT    NOT NULL,
    event_id      TEXT    NOT NULL,
    event_time    INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    dedup_until   INTEGER NOT NULL,
    superseded_at INTEGER
);

CREATE UNIQUE INDEX events_dedup_key ON events (tenant_id, event_name, event_id)
    WHERE superseded_at IS NULL;

-- outbox: one row per (accepted event, destination). Rows are self-describing (tenant, event
-- name and id are copied) so that delivery claims them without a join and dead letters stay
-- readable after their event row is purged; event_row_id is therefore a plain reference, not a
-- foreign key. lease_until/claimed_by are for the delivery engine's claims.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT    NOT NULL,
    event_row_id    INTEGER NOT NULL,
    event_name      TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    destination_id  TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    claimed_by      TEXT,
    payload         BLOB    NOT NULL,
    key_id          TEXT    NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- The only outbox index: due pending rows per destination. next_attempt_at grows with time, so
-- inserts land at the end of each destination's range instead of at random pages.
CREATE INDEX outbox_due ON outbox (destination_id, next_attempt_at) WHERE state = 'pending';
