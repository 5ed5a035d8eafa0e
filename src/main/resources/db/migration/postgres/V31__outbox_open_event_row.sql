-- The purges keep events rows and subject keys whose outbox rows are still open, and erasure
-- deletes a subject's open outbox rows by event row id. Without an index on the outbox's event row
-- id each of those statements read the whole outbox (the purges) or all of the tenant's open rows
-- (erasure), so their cost grew with the delivered history and the backlog (docs/benchmarks.md,
-- session 12). Partial: only open rows (pending or dead) are looked up this way, and the
-- delivered ones, nearly all of a long-running outbox, stay out of it. Event row ids only grow,
-- so ingest appends to it. SQLite has a full index on the same column (its V31).
CREATE INDEX outbox_open_event_row ON outbox (event_row_id) WHERE state IN ('pending', 'dead');
