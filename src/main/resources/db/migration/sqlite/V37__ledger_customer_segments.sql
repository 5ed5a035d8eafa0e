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
CREATE TABLE ledger_customer_segments (
    tenant_id TEXT    NOT NULL,
    day       INTEGER NOT NULL,
    platform  TEXT    NOT NULL,
    campaign  TEXT    NOT NULL,
    segment   INTEGER NOT NULL,
    customers BLOB    NOT NULL,
    PRIMARY KEY (tenant_id, day, platform, campaign, segment)
) WITHOUT ROWID;

WITH RECURSIVE slice(n) AS (
    SELECT 0
    UNION ALL
    SELECT n + 1 FROM slice WHERE (n + 1) * 65536 < (SELECT max(length(customers)) FROM ledger_customer_days)
)
INSERT INTO ledger_customer_segments (tenant_id, day, platform, campaign, segment, customers)
SELECT d.tenant_id, d.day, d.platform, d.campaign, slice.n, substr(d.customers, slice.n * 65536 + 1, 65536)
FROM ledger_customer_days d JOIN slice ON slice.n * 65536 < length(d.customers);

DROP TABLE ledger_customer_days;
ALTER TABLE ledger_customer_segments RENAME TO ledger_customer_days;
