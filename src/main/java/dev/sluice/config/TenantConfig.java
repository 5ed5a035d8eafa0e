package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A tenant: who may post, how their phones are read, and where their events go.
 *
 * @param id                 tenant id
 * @param apiKeyHashes       SHA-256 digests of the tenant's API keys (never the keys)
 * @param defaultRegion      ISO 3166 alpha-2 region for phone numbers without a country code
 * @param signingSecret      when present, every request must carry a valid HMAC signature
 * @param signatureTolerance how far a signed request's timestamp may be from now
 * @param destinations       the tenant's destinations
 * @param demo               the shipped demo tenant, whose key is public: allowed on loopback only
 * @param requestsPerSecond  ingest requests allowed per second before 429, 0 for no limit
 * @param adminKeyHashes     SHA-256 digests of the tenant's admin keys, which open the admin,
 *                           audit, privacy and report endpoints (and nothing else)
 */
public record TenantConfig(String id,
                           List<byte[]> apiKeyHashes,
                           String defaultRegion,
                           Optional<Secret> signingSecret,
                           Duration signatureTolerance,
                           List<DestinationConfig> destinations,
                           boolean demo,
                           int requestsPerSecond,
                           List<byte[]> adminKeyHashes) {

    /** A tenant without a request-rate limit. */
    public TenantConfig(String id, List<byte[]> apiKeyHashes, String defaultRegion, Optional<Secret> signingSecret,
                        Duration signatureTolerance, List<DestinationConfig> destinations, boolean demo) {
        this(id, apiKeyHashes, defaultRegion, signingSecret, signatureTolerance, destinations, demo, 0, List.of());
    }

    public TenantConfig {
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("requestsPerSecond must not be negative");
        }
        apiKeyHashes = List.copyOf(apiKeyHashes);
        adminKeyHashes = List.copyOf(adminKeyHashes);
        destinations = List.copyOf(destinations);
    }

    /** The destination with this id, if the tenant has it. */
    public Optional<DestinationConfig> destination(String destinationId) {
        return destinations.stream().filter(d -> d.id().equals(destinationId)).findFirst();
    }

    @Override
    public String toString() {
        return "TenantConfig[id=" + id + ", keys=" + apiKeyHashes.size() + ", adminKeys=" + adminKeyHashes.size() + ", region=" + defaultRegion
                + ", signed=" + signingSecret.isPresent() + ", destinations=" + destinations + ", demo=" + demo + ", requestsPerSecond=" + requestsPerSecond + "]";
    }
}
