-- Distinct-customer rollups for CLV, PostgreSQL dialect (dev.sluice.ledger owns these tables).
-- A report counts each purchasing customer once per group over its whole period, so the count
-- cannot be summed from daily numbers like ledger_daily's; it needs the set of customers per day.
-- Nothing here is written on the ingest path: CustomerFolder folds committed purchase entries
-- into these sets in the background, and reports add the entries it has not folded yet.
--
-- ledger_customer_days: per (tenant, day, platform, campaign) the distinct 64-bit customer ids of
-- the purchases booked there, sorted ascending as signed 64-bit integers, 8 bytes each,
-- big-endian. A customer's id is the first 16 hex digits (8 bytes) of its customer_key (the
-- tenant-peppered HMAC-SHA256), so the ids are as unlinkable as the keys. Two different customers
-- share an id with probability about n^2 / 2^65: 3 x 10^-6 for 10 million customers of one tenant;
-- a collision would count two customers as one. A bucket left without customers has no row.
CREATE TABLE ledger_customer_days (
    tenant_id text   NOT NULL,
    day       bigint NOT NULL,
    platform  text   NOT NULL,
    campaign  text   NOT NULL,
    customers bytea  NOT NULL,
    PRIMARY KEY (tenant_id, day, platform, campaign)
);
-- The ids are HMAC bits and do not compress: large sets go out of line without trying.
ALTER TABLE ledger_customer_days ALTER COLUMN customers SET STORAGE EXTERNAL;

-- ledger_customer_fold: one row. Every purchase entry with id <= folded_through is in
-- ledger_customer_days (unless erased); entries above it may be too (folding is a set union, so
-- folding one twice changes nothing). version grows with every fold and every erasure that
-- changes the sets: a fold writes only if it is unchanged since the fold read the entries.
CREATE TABLE ledger_customer_fold (
    id             integer PRIMARY KEY CHECK (id = 1),
    folded_through bigint  NOT NULL,
    version        bigint  NOT NULL
);
INSERT INTO ledger_customer_fold (id, folded_through, version) VALUES (1, 0, 0);
