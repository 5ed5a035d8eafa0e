package dev.sluice.store;

/**
 * The delivery store contract on a real PostgreSQL, one fresh schema per test; the concurrent
 * claim test there exercises {@code FOR UPDATE SKIP LOCKED} across pooled connections.
 */
final class PostgresDeliveryStoreTest extends AbstractDeliveryStoreTest {

    @Override
    TestDatabase createDatabase() {
        return PostgresTestDatabase.create();
    }
}
