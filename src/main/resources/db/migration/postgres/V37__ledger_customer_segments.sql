-- A bucket's customers in segments of bounded size (dev.sluice.ledger.CustomerDays). Until now
-- each (tenant, day, platform, campaign) had one sorted set that every fold read, merged and
-- rewrote whole: a bucket of a busy day grows by tens of thousands of customers a minute, and at
-- about 1.5 million ids (12 MB) the fold's copies of it outgrew the gateway's 64 MiB heap
-- (docs/benchmarks.md, session 29). Now a bucket is one or more rows, numbered from 0 by
-- `segment`, each a sorted, distinct set of at most 8,192 ids (64 KB); a fold adds to the last
-- one while it has room and starts the next when it is full, and never reads the full ones. A
-- customer may be in more than one segment of a bucket (bought again after its segment filled);
-- reports count each id once. An existing set is cut into segments 0, 1, ... of 65,536 bytes
-- (8,192 ids, still sorted and distinct), so that no segment is larger than the fold would write.
ALTER TABLE ledger_customer_days ADD COLUMN segment integer NOT NULL DEFAULT 0;
ALTER TABLE ledger_customer_days DROP CONSTRAINT ledger_customer_days_pkey;
ALTER TABLE ledger_customer_days ADD PRIMARY KEY (tenant_id, day, platform, campaign, segment);
ALTER TABLE ledger_customer_days ALTER COLUMN segment DROP DEFAULT;

INSERT INTO ledger_customer_days (tenant_id, day, platform, campaign, segment, customers)
SELECT tenant_id, day, platform, campaign, n, substring(customers FROM n * 65536 + 1 FOR 65536)
FROM ledger_customer_days, generate_series(1, (octet_length(customers) - 1) / 65536) AS n
WHERE segment = 0 AND octet_length(customers) > 65536;
UPDATE ledger_customer_days SET customers = substring(customers FROM 1 FOR 65536)
WHERE segment = 0 AND octet_length(customers) > 65536;
