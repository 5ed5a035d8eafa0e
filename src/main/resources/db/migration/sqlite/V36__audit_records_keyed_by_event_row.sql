-- A decision record is found through its events row without an index of its own
-- (docs/audit.md, Stored form; docs/storage-log.md, session 27): the writer gives it that row's id
-- as its rowid (ChainAppender). The index on event row ids (V30) cost every accepted event an index
-- entry: 250-600 bytes of write-ahead log and about half a microsecond of the single writer.
-- Records of other kinds take rowids below zero, which no events row ever has, numbered down from
-- the lowest. Event row ids are never reused (AUTOINCREMENT), so a rowid stays its event's after
-- the row is deleted or superseded; the triggers then clear event_row_id, which moves the record
-- to the index on event ids, as before.
--
-- Records written before this keep their rowids (SQLite's 1, 2, 3 ...; nothing is copied). Their
-- rowids are not their events rows' ids, so the ones still pointing at a live row are handed to
-- the index on event ids now, as purging those rows would hand them; only records of the events
-- rows still kept are touched. And new events rows take ids above every rowid a record has, so a
-- record written from now on can take its row's id.
DROP TRIGGER events_deleted_audit;
DROP TRIGGER events_superseded_audit;
DROP INDEX audit_records_event_row;

UPDATE audit_records SET event_row_id = NULL WHERE event_row_id IS NOT NULL;

INSERT INTO sqlite_sequence (name, seq)
SELECT 'events', (SELECT max(rowid) FROM audit_records)
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')
  AND (SELECT max(rowid) FROM audit_records) > 0;
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(rowid), 0) FROM audit_records))
WHERE name = 'events';

CREATE TRIGGER events_deleted_audit AFTER DELETE ON events
BEGIN
    UPDATE audit_records SET event_row_id = NULL WHERE rowid = OLD.id AND event_row_id = OLD.id;
END;

CREATE TRIGGER events_superseded_audit AFTER UPDATE OF superseded_at ON events
WHEN OLD.superseded_at IS NULL AND NEW.superseded_at IS NOT NULL
BEGIN
    UPDATE audit_records SET event_row_id = NULL WHERE rowid = NEW.id AND event_row_id = NEW.id;
END;
