-- Sluice store schema, PostgreSQL dialect. Times are epoch milliseconds (bigint).
--
-- events: one row per accepted event. The partial unique index below IS the dedup key table:
-- a separate dedup_keys table would cost a second row and a second random-key index per event.
-- It also makes dedup correct across replicas sharing this database: INSERT .. ON CONFLICT waits
-- for a concurrent inserter of the same key and then skips. A key holds while it is "live"
-- (superseded_at IS NULL) and for received_at < dedup_until. When an event is accepted again
-- after its key expired, the old row is marked superseded and a new row (new id) is inserted, so
-- the old acceptance's outbox rows keep pointing at their own event row.
CREATE TABLE events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     text   NOT NULL,
    event_name    text   NOT NULL,
    event_id      text   NOT NULL,
    event_time    bigint NOT NULL,
    received_at   bigint NOT NULL,
    dedup_until   bigint NOT NULL,
    superseded_at bigint
);

CREATE UNIQUE INDEX events_dedup_key ON events (tenant_id, event_name, event_id)
    WHERE superseded_at IS NULL;

-- outbox: one row per (accepted event, destination). Rows are self-describing (tenant, event
-- name and id are copied) so that delivery claims them without a join and dead letters stay
-- readable after their event row is purged; event_row_id is therefore a plain reference, not a
-- foreign key. lease_until/claimed_by are for the delivery engine's claims
-- (FOR UPDATE SKIP LOCKED plus a lease, so two replicas never deliver the same row).
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       text    NOT NULL,
    event_row_id    bigint  NOT NULL,
    event_name      text    NOT NULL,
    event_id        text    NOT NULL,
    destination_id  text    NOT NULL,
    state           text    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at bigint  NOT NULL,
    lease_until     bigint,
    claimed_by      text,
    payload         bytea   NOT NULL,
    key_id          text    NOT NULL,
    last_error      text,
    created_at      bigint  NOT NULL,
    updated_at      bigint  NOT NULL
);

-- The only outbox index: due pending rows per destination (the delivery engine's claim query).
CREATE INDEX outbox_due ON outbox (destination_id, next_attempt_at) WHERE state = 'pending';
