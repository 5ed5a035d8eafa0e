package dev.sluice.connector;

import dev.sluice.config.ConfigException;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectorsTest {
    private static final Secrets NONE = Secrets.of(Map.of(), Path.of(""));

    @Test
    void registry_listsTheBuiltConnectors() {
        assertEquals(Set.of("ga4", "linkedin", "meta", "pinterest", "reddit", "snapchat", "tiktok", "webhook"), Connectors.types());
    }

    @Test
    void typeWithoutConnector_isRefusedNamingTheTypeKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Connectors.create(new DestinationConfig("msft", "microsoft", Map.of()), NONE));
        assertEquals("destinations.msft.type", e.key());
    }

    @Test
    void missingRequiredSetting_isNamedWithItsFullKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Connectors.create(new DestinationConfig("fb", "meta", Map.of("access-token", "env:X")), NONE));
        assertEquals("destinations.fb.settings.pixel-id", e.key());
    }

    @Test
    void defaultTransportError_isRetriedLater() {
        Connector any = new Connector() {
            public String type() { return "x"; }
            public int maxBatchSize() { return 1; }
            public Duration maxEventAge() { return Duration.ofDays(1); }
            public HttpRequestSpec prepare(java.util.List<OutboxItem> batch) { throw new UnsupportedOperationException(); }
            public DeliveryOutcome interpret(HttpResponseSpec r, java.util.List<OutboxItem> b) { throw new UnsupportedOperationException(); }
        };
        assertEquals(new DeliveryOutcome.RetryLater("transport: ConnectException", Optional.empty()),
                any.onTransportError(new java.net.ConnectException("refused")));
    }
}
