-- A bucket's customers in segments of bounded size (dev.sluice.ledger.CustomerDays). Until now
-- each (tenant, day, platform, campaign) had one sorted set that every fold read, merged and
-- rewrote whole: a bucket of a busy day grows by tens of thousands of customers a minute, and at
-- about 1.5 million ids (12 MB) the fold's copies of it outgrew the gateway's 64 MiB heap
-- (docs/benchmarks.md, session 29). Now a bucket is one or more rows, numbered from 0 by
-- `segment`, each a sorted, distinct set of at most 8,192 ids (64 KB); a fold adds to the last
-- one while it has room and starts the next when it is full, and never reads the full ones. A
-- customer may be in more than one segment of a bucket (bought again after its segment filled);
-- reports count each id once. An existing set becomes segment 0 of its bucket as it is.
ALTER TABLE ledger_customer_days ADD COLUMN segment integer NOT NULL DEFAULT 0;
ALTER TABLE ledger_customer_days DROP CONSTRAINT ledger_customer_days_pkey;
ALTER TABLE ledger_customer_days ADD PRIMARY KEY (tenant_id, day, platform, campaign, segment);
ALTER TABLE ledger_customer_days ALTER COLUMN segment DROP DEFAULT;
