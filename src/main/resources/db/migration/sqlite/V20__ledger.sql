-- ROAS ledger, SQLite dialect (dev.sluice.ledger owns these tables and their SQL).
-- Money is an exact integer of micro-units (amount * 10^6): ingest accepts at most 6 fraction
-- digits, so every accepted amount is stored exactly and sums stay exact integers. Days are
-- epoch days in the ledger's configured time zone (sluice.ledger.time-zone).
--
-- ledger_entries: append-only, one row per booked conversion, lead or refund, written in the
-- accepted event's own transaction (a duplicate event writes nothing). No personal data:
-- customer_key is the tenant-peppered HMAC of the customer identifier.
CREATE TABLE ledger_entries (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id         TEXT    NOT NULL,
    event_row_id      INTEGER NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('purchase', 'lead', 'refund')),
    event_name        TEXT    NOT NULL,
    event_id          TEXT    NOT NULL,
    order_id          TEXT,
    occurred_at       INTEGER NOT NULL,
    day               INTEGER NOT NULL,
    platform          TEXT    NOT NULL,
    campaign          TEXT    NOT NULL,
    currency          TEXT    NOT NULL,
    amount_micros     INTEGER NOT NULL,
    customer_key      TEXT,
    order_value_after INTEGER,
    recorded_at       INTEGER NOT NULL
);

-- Refunds find their order's earlier entries.
CREATE INDEX ledger_entries_order ON ledger_entries (tenant_id, order_id) WHERE order_id IS NOT NULL;
-- Distinct purchasing customers per period and group (CLV): a covering index, so the count
-- reads the index alone.
-- On the embedded store the index is on (tenant, day) only: it grows at its end as days pass,
-- whereas one that also held the customer key would take a random page write for every purchase
-- on the ingest path. Distinct-customer counts (CLV) then read the rows of the range instead of
-- the index alone, which costs report time, not ingest time (docs/benchmarks.md).
CREATE INDEX ledger_entries_day ON ledger_entries (tenant_id, day) WHERE kind = 'purchase' AND customer_key IS NOT NULL;
-- Refund adjustments for delivery, read in id order after a cursor.
CREATE INDEX ledger_entries_refunds ON ledger_entries (tenant_id, id) WHERE kind = 'refund';

-- ledger_daily: per (tenant, day, platform, campaign, currency) sums of the entries, kept in
-- the same transaction as the entries, so reports read a few thousand rows instead of millions.
CREATE TABLE ledger_daily (
    tenant_id      TEXT    NOT NULL,
    day            INTEGER NOT NULL,
    platform       TEXT    NOT NULL,
    campaign       TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    revenue_micros INTEGER NOT NULL,
    refund_micros  INTEGER NOT NULL,
    purchases      INTEGER NOT NULL,
    leads          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, platform, campaign, currency)
) WITHOUT ROWID;

-- ledger_spend: imported spend, clicks and impressions; one row per (tenant, day, platform,
-- campaign), so a re-import replaces the row instead of adding to it.
CREATE TABLE ledger_spend (
    tenant_id     TEXT    NOT NULL,
    day           INTEGER NOT NULL,
    platform      TEXT    NOT NULL,
    campaign      TEXT    NOT NULL,
    campaign_name TEXT    NOT NULL,
    currency      TEXT    NOT NULL,
    spend_micros  INTEGER NOT NULL,
    clicks        INTEGER NOT NULL,
    impressions   INTEGER NOT NULL,
    imported_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, platform, campaign)
) WITHOUT ROWID;
