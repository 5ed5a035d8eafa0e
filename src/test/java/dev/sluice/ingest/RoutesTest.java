package dev.sluice.ingest;

import dev.sluice.config.ConfigException;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.TenantConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RoutesTest {

    /**
     * A webhook's unknown hashing profile is named as the connectors name every other bad
     * setting (README, Destinations): by tenant id and destination id. It was named
     * {@code sluice.tenants.demo.destinations.0.settings.hashing-profile}, tenant by id and
     * destination by index, a key that is neither the file's nor the other errors' form.
     */
    @Test
    void anUnknownHashingProfileIsNamedByTenantAndDestinationId() {
        TenantConfig tenant = new TenantConfig("shop", List.of(new byte[32]), "US", Optional.empty(), Duration.ofMinutes(5),
                List.of(new DestinationConfig("first", "webhook", Map.of()),
                        new DestinationConfig("warehouse", "webhook", Map.of("hashing-profile", "myspace"))), false);
        ConfigException e = assertThrows(ConfigException.class, () -> Routes.of(tenant));
        assertEquals("sluice.tenants.shop.destinations.warehouse.settings.hashing-profile", e.key());
    }
}
