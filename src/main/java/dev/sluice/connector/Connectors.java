package dev.sluice.connector;

import dev.sluice.config.ConfigException;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ga4.Ga4Connector;
import dev.sluice.connector.linkedin.LinkedinConnector;
import dev.sluice.connector.meta.MetaConnector;
import dev.sluice.connector.pinterest.PinterestConnector;
import dev.sluice.connector.reddit.RedditConnector;
import dev.sluice.connector.snapchat.SnapchatConnector;
import dev.sluice.connector.tiktok.TiktokConnector;
import dev.sluice.connector.webhook.WebhookConnector;

import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates the {@link Connector} for a destination. The registry below is the only place that
 * knows the platforms: a new platform is one package implementing {@link Connector} plus one
 * line here.
 */
public final class Connectors {

    /** Builds a connector from validated settings; throws {@link ConfigException} naming the key. */
    @FunctionalInterface
    public interface Factory {
        Connector create(ConnectorSettings settings, Secrets secrets, InstantSource clock);
    }

    private static final Map<String, Factory> FACTORIES = Map.of(
            "ga4", Ga4Connector::create,
            "linkedin", LinkedinConnector::create,
            "meta", MetaConnector::create,
            "pinterest", PinterestConnector::create,
            "reddit", RedditConnector::create,
            "snapchat", SnapchatConnector::create,
            "tiktok", TiktokConnector::create,
            "webhook", WebhookConnector::create);

    private Connectors() {
    }

    /** The destination types that have a connector. */
    public static Set<String> types() {
        return new TreeSet<>(FACTORIES.keySet());
    }

    /**
     * The connector for {@code destination}, on the system clock, with errors keyed as
     * {@code destinations.<id>.settings.<name>}.
     *
     * @throws ConfigException naming the setting at fault, or the type when no connector exists
     */
    public static Connector create(DestinationConfig destination, Secrets secrets) {
        return create(destination, secrets, InstantSource.system(), "destinations." + destination.id());
    }

    /**
     * The connector for {@code destination}.
     *
     * @param clock          the clock for anything time-dependent (request signatures,
     *                       {@code Retry-After} dates)
     * @param destinationKey the destination's configuration key, so that errors name the exact
     *                       key, e.g. {@code sluice.tenants.0.destinations.1}
     * @throws ConfigException naming the setting at fault, or the type when no connector exists
     */
    public static Connector create(DestinationConfig destination, Secrets secrets, InstantSource clock,
                                   String destinationKey) {
        if (!FACTORIES.containsKey(destination.type())) {
            throw new ConfigException(destinationKey + ".type",
                    "no connector for type " + destination.type() + " yet; available: " + types());
        }
        return create(destination, ConnectorSettings.of(destinationKey, destination.settings()), secrets, clock);
    }

    /**
     * The connector for {@code destination}, of a type that has one, reading {@code settings}
     * (which then know what it asked for: {@link ConnectorSettings#refuseUnknown}).
     */
    public static Connector create(DestinationConfig destination, ConnectorSettings settings, Secrets secrets,
                                   InstantSource clock) {
        Factory factory = FACTORIES.get(destination.type());
        if (factory == null) {
            throw new IllegalArgumentException("no connector for type " + destination.type());
        }
        return factory.create(settings, secrets, clock);
    }
}
