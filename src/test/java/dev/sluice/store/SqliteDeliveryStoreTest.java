package dev.sluice.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.store.TestEvents.T0;
import static dev.sluice.store.TestEvents.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/** The delivery store contract on SQLite, one fresh file per test, plus what is SQLite's own. */
final class SqliteDeliveryStoreTest extends AbstractDeliveryStoreTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }

    /**
     * One process owns the file, so claims are held in memory (MemoryLeases): a claim writes
     * nothing to the outbox, yet still keeps the row from a second claim, and a restart (a new
     * store over the same file) finds the row due again.
     */
    @Test
    void claimsAreHeldInMemoryAndWriteNothing() {
        store.write(List.of(event(tenant, "a", "meta")));
        OutboxRow before = store.outbox(tenant, 10).getFirst();

        assertThat(outbox.claim(tenant, "meta", 10, T0, LEASE, "r1"), hasSize(1));

        OutboxRow after = store.outbox(tenant, 10).getFirst();
        assertThat(after.nextAttemptAt(), is(before.nextAttemptAt()));
        assertThat(after.state(), is("pending"));
        assertThat(after.attempts(), is(0));
        assertThat(outbox.claim(tenant, "meta", 10, T0, LEASE, "r2"), empty());
        store.close();
        store = Stores.open(db.config());
        outbox = store.delivery();
        assertThat(outbox.claim(tenant, "meta", 10, T0, LEASE, "r2"), hasSize(1));
    }
}
