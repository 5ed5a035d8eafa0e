package dev.sluice.http;

import dev.sluice.audit.AuditLog;
import dev.sluice.config.TenantConfig;
import dev.sluice.delivery.DeliveryEngine;
import dev.sluice.ingest.IngestPipeline;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.ledger.Ledger;
import dev.sluice.store.DeliveryStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.InstantSource;
import java.util.Collection;
import java.util.function.BooleanSupplier;

/**
 * Sluice's HTTP surface. {@link #routing} is used by the server and by tests alike.
 *
 * <ul>
 *   <li>{@code POST /v1/events}: ingest (tenant credentials)</li>
 *   <li>{@code /v1/admin/dead-letters}, {@code /v1/admin/dead-letters/replay},
 *       {@code /v1/admin/destinations}: delivery admin (tenant credentials; see {@link AdminHandler})</li>
 *   <li>{@code GET /v1/audit/consent}, {@code GET /v1/audit/verify}, {@code POST /v1/privacy/erasure}:
 *       consent audit log and erasure (tenant credentials; see {@link AuditHandler})</li>
 *   <li>{@code POST /v1/spend}, {@code GET /v1/reports/kpis}: the ROAS ledger (tenant credentials; see {@link LedgerHandler})</li>
 *   <li>{@code GET /health/live}, {@code GET /health/ready}: probes, no tenant data</li>
 *   <li>{@code GET /metrics}: Prometheus text format, no tenant data beyond tenant ids</li>
 * </ul>
 */
public final class HttpApi {
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

    private HttpApi() {
    }

    /** The admin listener's name: when {@code server.sockets} has one, admin routes move there. */
    public static final String ADMIN_SOCKET = "admin";

    /**
     * The server-wide body limit, over which the server itself answers 413 and closes the
     * connection. It is well above every handler's own limit (ingest's configured body size, a
     * spend import's 16 MiB): a body between the two gets the handler's problem answer, and the
     * server then reads the rest of the body and discards it, so that a client still sending
     * reads the answer rather than a connection reset.
     */
    public static long maxPayloadBytes(long maxIngestBodyBytes) {
        return 4 * Math.max(maxIngestBodyBytes, LedgerHandler.MAX_SPEND_BYTES);
    }

    /** The request content codings the listeners decode: gzip ({@link GzipDecoding}). */
    public static io.helidon.http.encoding.ContentEncodingContext contentEncoding() {
        return GzipDecoding.context();
    }

    /** Problem bodies for what the server answers before routing (see {@link TransportProblems}). */
    public static DirectHandlers transportProblems(long maxPayloadBytes) {
        return TransportProblems.handlers(maxPayloadBytes);
    }

    /**
     * Registers the routes of the main listener on {@code routing}. {@code ready} answers the
     * readiness probe. With {@code adminOnOwnListener}, the admin, audit and privacy routes are
     * left to {@link #adminRouting} on the {@value #ADMIN_SOCKET} listener instead.
     */
    public static void routing(HttpRouting.Builder routing, IngestPipeline pipeline, Collection<TenantConfig> tenants,
                               long maxBodyBytes, java.time.Duration bodyReadTimeout, PrometheusMeterRegistry registry,
                               BooleanSupplier ready,
                               InstantSource clock, DeliveryEngine delivery, DeliveryStore outbox, AuditLog audit,
                               DataKeyring keyring, Ledger ledger, boolean adminOnOwnListener) {
        Timer latency = Timer.builder("sluice.http.ingest.latency")
                .description("Time from request start to answer for POST /v1/events")
                .publishPercentileHistogram()
                .register(registry);
        Authenticator authenticator = new Authenticator(tenants, clock);
        IngestHandler ingest = new IngestHandler(authenticator, new TenantRateLimits(tenants), pipeline, maxBodyBytes,
                bodyReadTimeout, latency);
        Routes routes = new Routes(routing);
        if (!adminOnOwnListener) {
            admin(routes, authenticator, clock, delivery, outbox, audit, keyring, bodyReadTimeout);
        }
        new LedgerHandler(authenticator, ledger, clock, bodyReadTimeout).register(routes);
        routes.post("/v1/events", ingest);
        probesAndFallback(routing, routes, registry, ready, delivery);
    }

    /**
     * Registers the admin listener's routes: admin, audit and privacy endpoints (admin keys), plus
     * the probes and metrics, so that a sidecar bound to loopback for ingest can still be probed
     * and scraped on this listener.
     */
    public static void adminRouting(HttpRouting.Builder routing, Collection<TenantConfig> tenants,
                                    PrometheusMeterRegistry registry, BooleanSupplier ready, InstantSource clock,
                                    DeliveryEngine delivery, DeliveryStore outbox, AuditLog audit, DataKeyring keyring,
                                    java.time.Duration bodyReadTimeout) {
        Routes routes = new Routes(routing);
        admin(routes, new Authenticator(tenants, clock), clock, delivery, outbox, audit, keyring, bodyReadTimeout);
        probesAndFallback(routing, routes, registry, ready, delivery);
    }

    private static void admin(Routes routing, Authenticator authenticator, InstantSource clock,
                              DeliveryEngine delivery, DeliveryStore outbox, AuditLog audit, DataKeyring keyring,
                              java.time.Duration bodyReadTimeout) {
        new AdminHandler(authenticator, delivery, outbox, clock, audit, bodyReadTimeout).register(routing);
        new AuditHandler(authenticator, audit, keyring, clock, bodyReadTimeout).register(routing);
    }

    private static void probesAndFallback(HttpRouting.Builder routing, Routes routes, PrometheusMeterRegistry registry,
                                          BooleanSupplier ready, DeliveryEngine delivery) {
        // Live unless a delivery dispatcher has died (DeliveryEngine#dispatchersAlive): a restart
        // is what brings it back.
        routes.getAndHead("/health/live", req -> {
                    boolean up = delivery == null || delivery.dispatchersAlive();
                    return Routes.Answer.json(up ? 200 : 503, Json.object("status", up ? "UP" : "DOWN"));
                })
                .getAndHead("/health/ready", req -> {
                    boolean up = ready.getAsBoolean();
                    return Routes.Answer.json(up ? 200 : 503, Json.object("status", up ? "UP" : "DOWN"));
                })
                .getAndHead("/metrics", req -> new Routes.Answer(200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .fallback();
        errors(routing);
        routing.addFilter((chain, req, res) -> {
            chain.proceed();
            if (res.isSent() && closeAsked(req.headers())) {
                throw new io.helidon.webserver.CloseConnectionException("the client asked to close the connection");
            }
        });
    }

    /**
     * Whether a request asked for its connection to be closed after the answer ({@code Connection:
     * close}, RFC 9112 section 9.6; the option is a token of the header's comma-separated list,
     * in any case). Helidon 4.5.0 sends {@code Connection: close} in such an answer and then keeps
     * the socket open until the listener's idle timeout (helidon-io/helidon#12324, fixed in a later
     * 4.5 release): a client reading to the end of the connection waited that long, and every such
     * connection kept its place under the listener's connection limit. The filter that calls this
     * throws Helidon's own {@code CloseConnectionException} once the answer is sent, which closes
     * the connection without writing anything more.
     */
    static boolean closeAsked(io.helidon.http.Headers headers) {
        if (!headers.contains(HeaderNames.CONNECTION)) {
            return false;
        }
        for (String value : headers.get(HeaderNames.CONNECTION).allValues()) {
            for (String option : value.split(",")) {
                if (option.strip().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What a handler throws, answered as a problem: the web server's own refusals (a header it
     * cannot parse, raised when a handler reads it) with their 4xx status, anything else as 500
     * with the exception's type logged. Neither answer quotes the exception's message.
     */
    static void errors(HttpRouting.Builder routing) {
        routing.error(io.helidon.http.HttpException.class, (req, res, e) -> {
            int status = e.status().code();
            if (status >= 500 || res.isSent()) {
                unhandled(req, res, e);
                return;
            }
            Responses.problem(res, Problem.of(status, status == 413 ? "body-too-large" : "bad-request", e.status().reasonPhrase(),
                    "the request could not be processed as sent (a header or parameter the server could not parse)"));
        }).error(Throwable.class, HttpApi::unhandled);
    }

    private static void unhandled(ServerRequest req, ServerResponse res, Throwable t) {
        // Only the exception type is logged: messages of unexpected exceptions may carry input.
        LOG.log(System.Logger.Level.ERROR, "event=unhandled_error path={0} error={1}",
                req.path().path(), t.getClass().getName());
        if (!res.isSent()) {
            Responses.problem(res, Problem.of(500, "internal-error", "Internal Server Error",
                    "an unexpected error occurred; nothing was acknowledged"));
        }
    }
}
