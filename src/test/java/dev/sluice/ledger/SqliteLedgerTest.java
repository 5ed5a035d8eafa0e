package dev.sluice.ledger;

/** The ledger suite on SQLite. */
final class SqliteLedgerTest extends AbstractLedgerTest {
    @Override
    LedgerDatabase createDatabase() {
        return LedgerDatabase.sqlite(tempDir);
    }
}
