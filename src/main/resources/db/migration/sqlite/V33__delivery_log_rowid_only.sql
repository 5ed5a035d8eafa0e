-- The delivery log is read and purged through its rowid (the event row id) alone
-- (docs/storage-log.md, "Fewer b-trees"). Every query names a rowid range starting at a cursor
-- or at the tenant's last purge and keeps the tenant as a filter, so the index on
-- (tenant_id, id) bought nothing but its upkeep: one more b-tree whose last pages every commit
-- rewrote into the write-ahead log (about 400 bytes of log per event in commits of 100 events,
-- 630 in commits of 24; StoreWriteBench, docs/benchmarks.md, session 21).
DROP INDEX delivery_log_tenant;
