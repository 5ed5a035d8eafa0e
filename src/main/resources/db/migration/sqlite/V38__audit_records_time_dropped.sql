-- Audit records are found by time by bisecting sequence numbers through the primary key
-- (RecordTimes): from this version on a tenant's record times never decrease along its chain
-- (ChainAppender gives a record that would fall below the one before it that record's time), so
-- the index on (tenant_id, recorded_at) no longer serves a query. It cost every accepted event an
-- index entry, and every commit that index's last pages in the write-ahead log (docs/storage-log.md,
-- "Fewer b-trees"). Records written before keep their times; readers widen their bounds by a
-- second for them (docs/audit.md, "Record times"). PostgreSQL keeps its index: replicas with their
-- own clocks append to one chain there.
DROP INDEX audit_records_time;
