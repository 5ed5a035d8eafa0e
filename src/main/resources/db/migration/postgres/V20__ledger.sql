-- ROAS ledger, PostgreSQL dialect (dev.sluice.ledger owns these tables and their SQL).
-- Money is an exact integer of micro-units (amount * 10^6): ingest accepts at most 6 fraction
-- digits, so every accepted amount is stored exactly and sums stay exact integers. Days are
-- epoch days in the ledger's configured time zone (sluice.ledger.time-zone).
--
-- ledger_entries: append-only, one row per booked conversion, lead or refund, written in the
-- accepted event's own transaction (a duplicate event writes nothing). No personal data:
-- customer_key is the tenant-peppered HMAC of the customer identifier.
CREATE TABLE ledger_entries (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         text    NOT NULL,
    event_row_id      bigint NOT NULL,
    kind              text    NOT NULL CHECK (kind IN ('purchase', 'lead', 'refund')),
    event_name        text    NOT NULL,
    event_id          text    NOT NULL,
    order_id          text,
    occurred_at       bigint NOT NULL,
    day               bigint NOT NULL,
    platform          text    NOT NULL,
    campaign          text    NOT NULL,
    currency          text    NOT NULL,
    amount_micros     bigint NOT NULL,
    customer_key      text,
    order_value_after bigint,
    recorded_at       bigint NOT NULL
);

-- Refunds find their order's earlier entries.
CREATE INDEX ledger_entries_order ON ledger_entries (tenant_id, order_id) WHERE order_id IS NOT NULL;
-- Distinct purchasing customers per period and group (CLV): a covering index, so the count
-- reads the index alone.
CREATE INDEX ledger_entries_customers ON ledger_entries (tenant_id, day, platform, campaign, customer_key)
    WHERE kind = 'purchase' AND customer_key IS NOT NULL;
-- Refund adjustments for delivery, read in id order after a cursor.
CREATE INDEX ledger_entries_refunds ON ledger_entries (tenant_id, id) WHERE kind = 'refund';

-- ledger_daily: per (tenant, day, platform, campaign, currency) sums of the entries, kept in
-- the same transaction as the entries, so reports read a few thousand rows instead of millions.
CREATE TABLE ledger_daily (
    tenant_id      text    NOT NULL,
    day            bigint NOT NULL,
    platform       text    NOT NULL,
    campaign       text    NOT NULL,
    currency       text    NOT NULL,
    revenue_micros bigint NOT NULL,
    refund_micros  bigint NOT NULL,
    purchases      bigint NOT NULL,
    leads          bigint NOT NULL,
    PRIMARY KEY (tenant_id, day, platform, campaign, currency)
);

-- ledger_spend: imported spend, clicks and impressions; one row per (tenant, day, platform,
-- campaign), so a re-import replaces the row instead of adding to it.
CREATE TABLE ledger_spend (
    tenant_id     text    NOT NULL,
    day           bigint NOT NULL,
    platform      text    NOT NULL,
    campaign      text    NOT NULL,
    campaign_name text    NOT NULL,
    currency      text    NOT NULL,
    spend_micros  bigint NOT NULL,
    clicks        bigint NOT NULL,
    impressions   bigint NOT NULL,
    imported_at   bigint NOT NULL,
    PRIMARY KEY (tenant_id, day, platform, campaign)
);
