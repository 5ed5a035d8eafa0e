package dev.sluice.ledger;

/** The ledger suite on PostgreSQL ({@code SLUICE_TEST_POSTGRES_URL}); one fresh schema per test. */
final class PostgresLedgerTest extends AbstractLedgerTest {
    @Override
    LedgerDatabase createDatabase() {
        return LedgerDatabase.postgres();
    }
}
