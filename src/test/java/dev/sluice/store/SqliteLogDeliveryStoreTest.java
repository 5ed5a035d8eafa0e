package dev.sluice.store;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

/**
 * The delivery store contract on SQLite with the test destinations delivered from the delivery
 * log ({@link DeliveryLog}), as the gateway runs them: the same claims, leases, outcomes, dead
 * letters, replay and backlog as with an outbox row per destination.
 */
final class SqliteLogDeliveryStoreTest extends AbstractDeliveryStoreTest {

    @Override
    TestDatabase createDatabase() {
        return new SqliteTestDatabase(tempDir);
    }

    @BeforeEach
    void logTheTestDestinations() {
        outbox.deliverFromLog(Map.of(tenant, Set.of("meta", "hook"), other, Set.of("meta", "hook")), TestEvents.T0);
    }
}
