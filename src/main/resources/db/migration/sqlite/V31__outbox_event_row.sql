-- The purges keep events rows (and subject keys) whose outbox rows are still open. Without an
-- index on the outbox's event row id, each purge statement read the whole set of open outbox rows
-- while it held SQLite's single writer: with a large backlog (a destination down for hours, or
-- delivery off) about a second per pass, during which ingest waited (docs/benchmarks.md, session 9).
-- Event row ids only grow, so this index is appended to, and a state change does not touch it.
CREATE INDEX outbox_event_row ON outbox (event_row_id);
