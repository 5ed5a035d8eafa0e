package dev.sluice.store;

/** The group-commit writer on a real PostgreSQL; needs {@code SLUICE_TEST_POSTGRES_URL}. */
final class PostgresGroupCommitWriterTest extends AbstractGroupCommitWriterTest {

    /** Skips each test (or fails it under CI=true) when no PostgreSQL is configured. */
    @Override
    TestDatabase createDatabase() {
        return PostgresTestDatabase.create();
    }
}
