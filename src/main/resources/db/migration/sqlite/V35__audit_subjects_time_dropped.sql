-- The retention purge finds the subject keys received before its cutoff by rowid (rows are
-- appended as they are received; RetentionPurge bisects the rowids for the last one before the
-- cutoff and deletes chunk by chunk up to it), so the index on (tenant_id, received_at) no
-- longer serves a query. It cost every accepted event an index entry, and every commit the
-- index's last pages in the write-ahead log (about 750 bytes of log per event in commits of 24;
-- docs/storage-log.md, "Fewer b-trees"). Erasure reads the tenant's rows whole either way.
-- PostgreSQL keeps its indexes.
DROP INDEX audit_subjects_time;
