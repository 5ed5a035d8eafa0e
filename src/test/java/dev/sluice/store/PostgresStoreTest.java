package dev.sluice.store;

/**
 * The store contract on a real PostgreSQL, one fresh schema per test. Needs
 * {@code SLUICE_TEST_POSTGRES_URL}; see {@link PostgresTestDatabase}.
 */
final class PostgresStoreTest extends AbstractStoreTest {

    /** Skips each test (or fails it under CI=true) when no PostgreSQL is configured. */
    @Override
    TestDatabase createDatabase() {
        return PostgresTestDatabase.create();
    }
}
