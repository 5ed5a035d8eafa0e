package dev.sluice.http;

import dev.sluice.config.TenantConfig;
import dev.sluice.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Runs a handler's work for the tenant whose key the request carries: 401 without one, 503 when
 * the store does not answer. Admin work takes the tenant's admin key, ingest-side work its ingest
 * key (see {@link Authenticator}).
 */
final class TenantRequests {
    private static final System.Logger LOG = System.getLogger(TenantRequests.class.getName());

    /** Work for one authenticated tenant. */
    interface Work {
        void run(TenantConfig tenant) throws IOException;
    }

    private TenantRequests() {
    }

    /** Runs {@code work} for the tenant whose admin key is presented; {@code area} names the endpoints in logs. */
    static void asAdmin(Authenticator authenticator, String area, ServerRequest req, ServerResponse res, Work work) {
        run(authenticator.adminTenantFor(Authenticator.authorization(req.headers())), area,
                "send the tenant's admin key (admin-key-hashes) as 'Authorization: Bearer <key>'; ingest keys do not open "
                        + area + " endpoints", res, work);
    }

    /** Runs {@code work} for the tenant whose ingest key is presented. */
    static void asIngest(Authenticator authenticator, String area, ServerRequest req, ServerResponse res, Work work) {
        run(authenticator.tenantFor(Authenticator.authorization(req.headers())), area,
                "send a valid API key as 'Authorization: Bearer <key>'", res, work);
    }

    private static void run(Optional<TenantConfig> tenant, String area, String denied, ServerResponse res, Work work) {
        if (tenant.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
            Responses.problem(res, Problem.of(401, "unauthorized", "Unauthorized", denied));
            return;
        }
        try {
            work.run(tenant.get());
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.ERROR, "event=store_failed area={0} tenant={1} error={2}", area, tenant.get().id(),
                    e.getClass().getSimpleName());
            if (!res.isSent()) {
                res.header(HeaderNames.RETRY_AFTER, "1");
                Responses.problem(res, Problem.of(503, "store-unavailable", "Service Unavailable", "the store did not answer; retry"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
