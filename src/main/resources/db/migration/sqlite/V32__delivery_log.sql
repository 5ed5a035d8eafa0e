-- The delivery log (docs/storage-log.md, step 4): one row per accepted event instead of one
-- outbox row per destination. A row holds every destination's sealed copy; each destination keeps
-- a cursor, the highest event row id through which its copies are settled. Only the exceptions
-- (a copy to retry later, a dead letter) become outbox rows. The single SQLite writer commits
-- event row ids in increasing order, so a cursor never passes a row that commits later.
--
-- The event row id is the rowid: a table b-tree page keeps a row of up to a page's size in place.
-- (Keyed by (tenant, id) WITHOUT ROWID, rows of two copies, a little over 2 KB, spilled into
-- overflow pages: 11 KB of file per event against 4.5 KB with outbox rows; docs/benchmarks.md,
-- session 17.) The index reads each tenant's rows in id order and deletes them from its start.
CREATE TABLE delivery_log (
    id           INTEGER PRIMARY KEY,  -- the event's row id (events.id)
    tenant_id    TEXT    NOT NULL,
    destinations TEXT    NOT NULL,     -- '|a|b|': the destinations with a copy, in copy order
    copies       BLOB    NOT NULL      -- each copy's key id and sealed payload (DeliveryCopies)
);
CREATE INDEX delivery_log_tenant ON delivery_log (tenant_id, id);

CREATE TABLE delivery_cursors (
    tenant_id       TEXT    NOT NULL,
    destination_id  TEXT    NOT NULL,
    settled_through INTEGER NOT NULL,  -- every copy of this destination at or below it is settled
    PRIMARY KEY (tenant_id, destination_id)
) WITHOUT ROWID;
