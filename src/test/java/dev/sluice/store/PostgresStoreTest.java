package dev.sluice.store;

import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a real PostgreSQL, one fresh schema per test. Needs
 * {@code SLUICE_TEST_POSTGRES_URL}; see {@link PostgresTestDatabase}.
 */
final class PostgresStoreTest extends AbstractStoreTest {

    @BeforeAll
    static void requirePostgres() {
        PostgresTestDatabase.requireUrl();
    }

    @Override
    TestDatabase createDatabase() {
        return PostgresTestDatabase.create();
    }
}
