package dev.sluice.ledger;

/** The distinct-customer rollups on PostgreSQL ({@code SLUICE_TEST_POSTGRES_URL}); one fresh schema per test. */
final class PostgresCustomerFoldTest extends AbstractCustomerFoldTest {
    @Override
    LedgerDatabase createDatabase() {
        return LedgerDatabase.postgres();
    }
}
