-- Delivery: dead letters keep the platform's error code beside the reason (last_error).
ALTER TABLE outbox ADD COLUMN platform_code TEXT;

-- Claims, backlog and stats are per (tenant, destination): destination ids are unique only
-- within a tenant, so the due index leads with the tenant. Same size as the index it replaces.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (tenant_id, destination_id, next_attempt_at) WHERE state = 'pending';

-- Dead letters are listed per tenant in id order (cursor pagination); they are few.
CREATE INDEX outbox_dead ON outbox (tenant_id, id) WHERE state = 'dead';
