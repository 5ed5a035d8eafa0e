-- By-event audit lookups without a second index on a random key (docs/benchmarks.md, session 9).
--
-- A decision record written with its event now carries the event's row id. While that events row
-- lives, the record is found through it: the event id leads the dedup index (a lookup by event id
-- alone is a prefix of it), and the records of an event row through an index on the row id, which
-- only grows at its end. Only records without a row id are in the index on event ids: records
-- written before this migration, of other kinds, and decision records whose events row was
-- deleted or superseded: the triggers below clear the row id in the statement that does it,
-- which puts the record into that index then. With random event ids this saves ingest a page
-- write per event.
ALTER TABLE audit_records ADD COLUMN event_row_id BIGINT;
CREATE INDEX audit_records_event_row ON audit_records (event_row_id) WHERE event_row_id IS NOT NULL;

DROP INDEX audit_records_event;
CREATE INDEX audit_records_event ON audit_records (tenant_id, event_id)
    WHERE event_id IS NOT NULL AND event_row_id IS NULL;

-- The same uniqueness, with the event id before the event name.
DROP INDEX events_dedup_key;
CREATE UNIQUE INDEX events_dedup_key ON events (tenant_id, event_id, event_name)
    WHERE superseded_at IS NULL;

CREATE FUNCTION sluice_events_gone_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_records SET event_row_id = NULL WHERE event_row_id IN (SELECT id FROM gone);
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_deleted_audit AFTER DELETE ON events
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sluice_events_gone_audit();

CREATE FUNCTION sluice_events_superseded_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_records SET event_row_id = NULL WHERE event_row_id IN (
        SELECT n.id FROM now_rows n JOIN then_rows o ON o.id = n.id
        WHERE o.superseded_at IS NULL AND n.superseded_at IS NOT NULL);
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_superseded_audit AFTER UPDATE ON events
    REFERENCING OLD TABLE AS then_rows NEW TABLE AS now_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sluice_events_superseded_audit();
