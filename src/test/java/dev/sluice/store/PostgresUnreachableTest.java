package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL store that cannot be reached stops startup with a message that says why by SQL
 * state (here 08001, nothing listens on the port) and never quotes the URL, which may carry a
 * password. Needs no PostgreSQL server.
 */
class PostgresUnreachableTest {
    @Test
    void anUnreachableServerIsNamedBySqlStateWithoutTheUrl() {
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(StoreConfig.postgres(
                "jdbc:postgresql://127.0.0.1:1/test?password=s3cr3t&connectTimeout=2", "sluice", java.util.Optional.of("s3cr3t"), 1)));
        assertEquals("cannot connect to postgres (sqlstate 08001)", e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
    }
}
