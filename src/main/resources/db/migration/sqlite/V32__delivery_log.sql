-- The delivery log (docs/storage-log.md, step 4): one row per accepted event instead of one
-- outbox row per destination. A row holds every destination's sealed copy; each destination keeps
-- a cursor, the highest event row id through which its copies are settled. Only the exceptions
-- (a copy to retry later, a dead letter) become outbox rows. The single SQLite writer commits
-- event row ids in increasing order, so a cursor never passes a row that commits later.
--
-- Keyed by (tenant, event row id): each tenant's rows are one range, read in id order by its
-- dispatchers and deleted from its start once every cursor of the tenant has passed them.
CREATE TABLE delivery_log (
    tenant_id    TEXT    NOT NULL,
    id           INTEGER NOT NULL,  -- the event's row id (events.id)
    destinations TEXT    NOT NULL,  -- '|a|b|': the destinations with a copy, in copy order
    copies       BLOB    NOT NULL,  -- each copy's key id and sealed payload (DeliveryCopies)
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE TABLE delivery_cursors (
    tenant_id       TEXT    NOT NULL,
    destination_id  TEXT    NOT NULL,
    settled_through INTEGER NOT NULL,  -- every copy of this destination at or below it is settled
    PRIMARY KEY (tenant_id, destination_id)
) WITHOUT ROWID;
