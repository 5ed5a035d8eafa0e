package dev.sluice.store;

/** The group-commit writer on SQLite. */
final class SqliteGroupCommitWriterTest extends AbstractGroupCommitWriterTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }
}
