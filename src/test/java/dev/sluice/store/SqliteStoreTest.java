package dev.sluice.store;

import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store contract on SQLite, one fresh file per test. */
final class SqliteStoreTest extends AbstractStoreTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }

    @Test
    void open_createsMissingDirectoriesAndAWalModeFile() {
        assertThat(Files.isRegularFile(((SqliteTestDatabase) db).file()), is(true));
        store.write(List.of(event(tenant, "order-1", "meta")));

        assertThat(db.queryLong("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), is(1L));
    }
}
