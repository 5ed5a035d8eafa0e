-- The embedded store's index on (tenant_id, day) of purchases with a customer key no longer
-- serves a query: the customer fold reads entries by id, the reports' tail query is NOT INDEXED
-- (CustomerCounts), and erasure's bucket query (LedgerCustomers) scans no slower without it
-- (600,000 entries: 143-251 ms against 155-280 ms through the index and a row lookup per entry).
-- It cost every purchase an index entry, and every commit the index's last pages in the
-- write-ahead log (about 690 bytes of log per event in commits of 24; docs/storage-log.md,
-- "Fewer b-trees"). PostgreSQL keeps its covering index, which its reports read.
DROP INDEX ledger_entries_day;
