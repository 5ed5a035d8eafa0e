package dev.sluice.store;

/** The delivery store contract on SQLite, one fresh file per test. */
final class SqliteDeliveryStoreTest extends AbstractDeliveryStoreTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }
}
