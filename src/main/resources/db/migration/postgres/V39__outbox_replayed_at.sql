-- A replayed dead letter gets a fresh retry budget: its attempts are reset and its retry age
-- (retry-max-age) counts from the replay, no longer from the commit (created_at, which stays the
-- commit time that dead letters list and latency is measured from). Until session 40 a dead letter
-- replayed more than retry-max-age after its commit was dead-lettered again by its first 429 or
-- 5xx. NULL: never replayed, the age counts from created_at. Nullable without a default, so adding
-- it rewrites no row.
ALTER TABLE outbox ADD COLUMN replayed_at bigint;
