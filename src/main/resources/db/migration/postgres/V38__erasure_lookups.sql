-- An erasure finds a subject's events through audit_subjects_key, then deletes every subject row
-- of those events (one row per key: the person's other identifiers too) and unlinks their ledger
-- entries, by event row id and by customer key. Without these indexes each of those statements read
-- its whole table, per 500 events, inside the erasure's transaction, which holds the tenant's chain
-- head: the tenant's ingest, whose decision records need that head, waited for it (2.3 s with
-- 143,000 events stored; docs/benchmarks.md, session 30). Row ids only grow, so the two indexes on
-- event row ids are appended to at their right edge. SQLite keeps none of them: its erasure reads
-- those tables before its transaction instead (dev.sluice.audit.SubjectScan), which keeps the
-- single writer's work per event down.
CREATE INDEX audit_subjects_event ON audit_subjects (event_row_id);
CREATE INDEX ledger_entries_event ON ledger_entries (event_row_id) WHERE customer_key IS NOT NULL;
CREATE INDEX ledger_entries_customer ON ledger_entries (tenant_id, customer_key) WHERE customer_key IS NOT NULL;
