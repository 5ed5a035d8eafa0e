package dev.sluice.ledger;

/** The distinct-customer rollups on SQLite. */
final class SqliteCustomerFoldTest extends AbstractCustomerFoldTest {
    @Override
    LedgerDatabase createDatabase() {
        return LedgerDatabase.sqlite(tempDir);
    }
}
