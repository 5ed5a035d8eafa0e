package dev.sluice.http;

import dev.sluice.config.TenantConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-tenant ingest request rate (resilience4j, one limiter per tenant with a limit). A request
 * over the limit is refused at once, never queued: the merchant gets 429 with Retry-After and
 * retries, which keeps one noisy tenant from filling the commit queue for everyone.
 */
final class TenantRateLimits {
    private final Map<String, RateLimiter> limiters = new HashMap<>();

    TenantRateLimits(Collection<TenantConfig> tenants) {
        for (TenantConfig tenant : tenants) {
            if (tenant.requestsPerSecond() > 0) {
                limiters.put(tenant.id(), RateLimiter.of("ingest-" + tenant.id(), RateLimiterConfig.custom()
                        .limitForPeriod(tenant.requestsPerSecond())
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ZERO)
                        .build()));
            }
        }
    }

    /** Empty when the request may proceed; otherwise how long to wait before retrying. */
    Optional<Duration> admit(TenantConfig tenant) {
        RateLimiter limiter = limiters.get(tenant.id());
        if (limiter == null || limiter.acquirePermission()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(1));
    }
}
