package dev.sluice.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.audit.AuditEntry;
import dev.sluice.audit.AuditLog;
import dev.sluice.config.TenantConfig;
import dev.sluice.delivery.DeliveryEngine;
import dev.sluice.delivery.DestinationStatus;
import dev.sluice.delivery.DestinationView;
import dev.sluice.store.DeliveryStore;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The delivery admin routes, under tenant credentials; a tenant sees only its own destinations
 * and dead letters, and never a payload.
 *
 * <ul>
 *   <li>{@code GET /v1/admin/dead-letters?destination=&reason=&after=&limit=}: one page, id order;
 *       {@code next} is the {@code after} of the following page</li>
 *   <li>{@code POST /v1/admin/dead-letters/replay} with {@code {"ids":[..]}},
 *       {@code {"destination":".."}} and/or {@code {"reason":"prefix"}}: makes them pending again;
 *       a replay by ids also lists the ids it left ({@code not_replayed}) with a code each</li>
 *   <li>{@code GET /v1/admin/destinations}: backlog, oldest pending age, circuit, last error, latency;
 *       then destinations no longer configured that still hold rows ({@code configured: false})</li>
 * </ul>
 *
 * <p>The replay and the destinations view take no query parameters and refuse any
 * ({@link QueryParameters#check}), as the dead-letter listing refuses those it does not take.
 */
final class AdminHandler {
    private static final System.Logger LOG = System.getLogger(AdminHandler.class.getName());
    private static final java.util.Set<String> REPLAY_FIELDS = java.util.Set.of("ids", "destination", "reason");
    private static final java.util.Set<String> DEAD_LETTER_PARAMETERS = java.util.Set.of("after", "limit", "destination", "reason");
    /** What the destinations view says of a destination no longer configured that still holds rows. */
    static final String NOT_CONFIGURED = "not configured: its pending copies are never delivered and its dead letters"
            + " cannot be replayed; both are purged once older than retention.dead-letters (if set);"
            + " see README, Delivery, removing a destination";
    /** A replay request's body: ids and filters, a few KB at most in practice. */
    static final int MAX_REPLAY_BODY = 256 * 1024;

    private final Authenticator authenticator;
    private final DeliveryEngine engine;
    private final DeliveryStore store;
    private final InstantSource clock;
    private final AuditLog audit;
    /** The deadline on a replay request's body: {@code sluice.ingest.body-read-timeout}. */
    private final BodyDeadlines deadlines;

    AdminHandler(Authenticator authenticator, DeliveryEngine engine, DeliveryStore store, InstantSource clock,
                 AuditLog audit, java.time.Duration bodyReadTimeout) {
        this.deadlines = new BodyDeadlines(bodyReadTimeout);
        this.authenticator = authenticator;
        this.engine = engine;
        this.store = store;
        this.clock = clock;
        this.audit = audit;
    }

    void register(Routes routing) {
        routing.get("/v1/admin/dead-letters", (req, res) -> withTenant(req, res, t -> deadLetters(t, req, res)))
                .post("/v1/admin/dead-letters/replay", (req, res) -> withTenant(req, res, t -> replay(t, req, res)))
                .get("/v1/admin/destinations", (req, res) -> withTenant(req, res, t -> destinations(t, req, res)));
    }


    private void withTenant(ServerRequest req, ServerResponse res, TenantRequests.Work work) {
        TenantRequests.asAdmin(authenticator, "admin", req, res, work);
    }

    private void deadLetters(TenantConfig tenant, ServerRequest req, ServerResponse res) throws IOException {
        var query = req.query();
        if (!QueryParameters.check(query, DEAD_LETTER_PARAMETERS, res)) {
            return;
        }
        QueryParameters.Values values = new QueryParameters.Values(query);
        long after = values.wholeNumber("after", 0, 0, Long.MAX_VALUE);
        int limit = (int) values.wholeNumber("limit", 100, 1, 1000);
        if (values.answered(res)) {
            return;
        }
        boolean unconfigured = DestinationFilter.unconfigured(tenant, query, res);
        DeliveryStore.DeadLetterPage page = store.deadLetters(tenant.id(), new DeliveryStore.DeadLetterQuery(
                query.first("destination").asOptional(), query.first("reason").asOptional(), after, limit));
        Responses.json(res, 200, write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("dead_letters");
            for (DeliveryStore.DeadLetter d : page.items()) {
                g.writeStartObject();
                g.writeNumberField("id", d.id());
                g.writeStringField("destination", d.destinationId());
                g.writeStringField("event_name", d.eventName());
                g.writeStringField("event_id", d.eventId());
                g.writeStringField("reason", d.reason());
                g.writeNumberField("attempts", d.attempts());
                if (d.platformCode().isPresent()) {
                    g.writeStringField("platform_code", d.platformCode().get());
                }
                g.writeStringField("committed_at", d.createdAt().toString());
                g.writeStringField("dead_at", d.deadAt().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (page.next().isPresent()) {
                g.writeNumberField("next", page.next().get());
            }
            DestinationFilter.write(g, unconfigured);
            g.writeEndObject();
        }));
    }

    private void replay(TenantConfig tenant, ServerRequest req, ServerResponse res) throws IOException {
        // The selectors are the body's: "?destination=meta" was dropped, which widened a replay by
        // reason to every destination (until session 40), so any parameter is refused.
        if (!QueryParameters.check(req.query(), java.util.Set.of(), res) || !Responses.jsonBody(req, res)) {
            return;
        }
        byte[] bytes = deadlines.readWhole(req.content().inputStream(), MAX_REPLAY_BODY + 1, res, "nothing was replayed");
        if (bytes.length > MAX_REPLAY_BODY) {
            Responses.problem(res, Problem.of(413, "body-too-large", "Content Too Large",
                    "a replay request is at most " + MAX_REPLAY_BODY + " bytes; replay by filter or in parts"));
            return;
        }
        Optional<JsonNode> parsed = Json.requestObject(bytes, res, "nothing was replayed");
        if (parsed.isEmpty()) {
            return;
        }
        JsonNode body = parsed.get();
        // {"destinaton": "meta", "reason": "webhook"} would replay every destination's dead letters
        // with that reason: a misspelt selector is refused, not dropped (until session 35 it was).
        List<dev.sluice.event.FieldProblem> unknown = Json.unknownMembers(body, REPLAY_FIELDS, "ids, destination and/or reason");
        if (!unknown.isEmpty()) {
            Responses.problem(res, Problem.of(400, "bad-request", "Bad Request", "nothing was replayed; see errors", unknown));
            return;
        }
        // Each selector of the wrong type is named: until session 36 "ids": [1.5] replayed dead
        // letter 1, and "reason": null (or a number) was dropped, which widened the replay to every
        // reason, as a misspelt selector did before session 35.
        List<dev.sluice.event.FieldProblem> wrong = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        JsonNode idNodes = body.path("ids");
        if (!idNodes.isMissingNode() && !idNodes.isArray()) {
            wrong.add(new dev.sluice.event.FieldProblem("/ids", "invalid_type", "must be an array of dead letter ids"));
        }
        // Only an array's elements are ids: an object's size() counts its members, and get(i) of an
        // object is null (until session 38, {"ids":{"id":1}} was answered 500).
        int idCount = idNodes.isArray() ? idNodes.size() : 0;
        for (int i = 0; i < idCount && wrong.size() < dev.sluice.event.FieldProblem.MAX_LISTED; i++) {
            JsonNode id = idNodes.get(i);
            if (id.isIntegralNumber() && id.canConvertToLong() && id.asLong() < 1) {
                // No dead letter has one: [-1] replayed nothing and answered 200 (until session 40).
                wrong.add(new dev.sluice.event.FieldProblem("/ids/" + i, "out_of_range", "must be a dead letter id, 1 or more"));
            } else if (id.isIntegralNumber() && id.canConvertToLong()) {
                ids.add(id.asLong());
            } else {
                wrong.add(new dev.sluice.event.FieldProblem("/ids/" + i, "invalid_type", "must be a dead letter id, a whole number"));
            }
        }
        Optional<String> destination = selector(body, "destination", "must be a destination id, a string", wrong);
        Optional<String> reason = selector(body, "reason", "must be a string, the start of the dead letters' reason", wrong);
        java.util.Set<String> configured = new java.util.HashSet<>();
        tenant.destinations().forEach(d -> configured.add(d.id()));
        if (destination.isPresent() && !configured.contains(destination.get())) {
            // A removed destination's (or a misspelt one's): replayed, its dead letters would be
            // pending copies no dispatcher claims and no retention purges, listed nowhere; until
            // session 40 this answered 200.
            wrong.add(new dev.sluice.event.FieldProblem("/destination", "not_configured",
                    "is not a destination of this tenant; its dead letters cannot be delivered, so none is replayed"));
        }
        if (wrong.isEmpty() && idNodes.isArray() && idNodes.isEmpty()) {
            wrong.add(new dev.sluice.event.FieldProblem("/ids", "empty", "must list at least one dead letter id"));
        } else if (wrong.isEmpty() && ids.isEmpty() && destination.isEmpty() && reason.isEmpty()) {
            // {} would replay every dead letter of the tenant: the selectors are named, not guessed.
            for (String member : List.of("ids", "destination", "reason")) {
                wrong.add(new dev.sluice.event.FieldProblem("/" + member, "required",
                        "select the dead letters to replay by ids, destination and/or reason"));
            }
        }
        // Counted over every element, not the valid ones: with the listed problems capped, 80,000
        // zeros named 20 of them and not the limit, and the caller's fix met a second 400.
        if (idCount > DeliveryStore.MAX_REPLAY_IDS) {
            // Named like the other selector problems (a 400 without errors until session 40).
            wrong.add(new dev.sluice.event.FieldProblem("/ids", "too_many",
                    "lists more than " + DeliveryStore.MAX_REPLAY_IDS + " ids; replay in several requests, or by destination or reason"));
        }
        if (!wrong.isEmpty()) {
            Responses.problem(res, Problem.of(400, "bad-request", "Bad Request", "nothing was replayed; see errors", wrong));
            return;
        }
        DeliveryStore.ReplaySelector selector;
        try {
            // Only configured destinations' dead letters, by ids or reason too (see ReplaySelector).
            selector = new DeliveryStore.ReplaySelector(ids, destination, reason, Optional.of(configured));
        } catch (IllegalArgumentException e) {
            badRequest(res, e.getMessage()); // our own fixed messages, never input
            return;
        }
        DeliveryStore.ReplayResult result = store.replay(tenant.id(), selector, clock.instant());
        int replayed = result.replayed();
        // Audited after the fact, with its count; a replay whose record fails still answers 503.
        // The record names the listed ids it left, so that the chain says which dead letters went
        // back to pending (the ids as sent, less these), not only how many.
        audit.append(tenant.id(), new AuditEntry.Replayed(clock.instant(), replayed, ids, destination, reason,
                result.notReplayed().stream().map(DeliveryStore.NotReplayed::id).toList()));
        LOG.log(System.Logger.Level.INFO, "event=dead_letters_replayed tenant={0} count={1} by_ids={2} not_replayed={3}"
                + " destination={4}", tenant.id(), replayed, ids.size(), result.notReplayed().size(), destination.orElse("-"));
        Responses.json(res, 200, write(g -> {
            g.writeStartObject();
            g.writeNumberField("replayed", replayed);
            if (!ids.isEmpty()) {
                notReplayed(g, result.notReplayed());
            }
            g.writeEndObject();
        }));
    }

    /**
     * A replay by ids answers for each id it left, in id order: {@code not_a_dead_letter} names
     * no destination, so that another tenant's id reads as one that does not exist.
     */
    private static void notReplayed(JsonGenerator g, List<DeliveryStore.NotReplayed> left) throws IOException {
        g.writeArrayFieldStart("not_replayed");
        for (DeliveryStore.NotReplayed n : left) {
            g.writeStartObject();
            g.writeNumberField("id", n.id());
            g.writeStringField("code", n.cause().code());
            if (n.destinationId().isPresent()) {
                g.writeStringField("destination", n.destinationId().get());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void destinations(TenantConfig tenant, ServerRequest req, ServerResponse res) {
        // It takes no parameters: "?destination=wh" answered every destination (until session 40).
        if (!QueryParameters.check(req.query(), java.util.Set.of(), res)) {
            return;
        }
        List<DestinationView> views = engine.destinations(tenant.id());
        Responses.json(res, 200, write(g -> {
            g.writeStartObject();
            // Off (sluice.delivery.enabled: false), nothing is sent and backlogs only grow; the view
            // did not say so until session 40.
            g.writeBooleanField("delivery_enabled", engine.started());
            g.writeArrayFieldStart("destinations");
            for (DestinationView v : views) {
                g.writeStartObject();
                g.writeStringField("id", v.destinationId());
                g.writeBooleanField("configured", v.configured());
                if (!v.configured()) {
                    g.writeStringField("warning", NOT_CONFIGURED);
                } else {
                    g.writeStringField("type", v.type());
                }
                g.writeBooleanField("connector_available", v.connectorAvailable());
                g.writeNumberField("backlog", v.pending());
                if (v.oldestPendingAge().isPresent()) {
                    g.writeNumberField("oldest_pending_age_seconds", v.oldestPendingAge().get().toSeconds());
                }
                g.writeNumberField("dead_letters", v.dead());
                if (v.status().isPresent()) {
                    status(g, v.status().get());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private static void status(JsonGenerator g, DestinationStatus s) throws IOException {
        g.writeStringField("circuit", s.circuitState());
        g.writeStringField("health", s.health());
        if (s.unhealthy().isPresent()) {
            g.writeStringField("unhealthy_reason", s.unhealthy().get());
        }
        if (s.pausedUntil().isPresent()) {
            g.writeStringField("paused_until", s.pausedUntil().get().toString());
        }
        if (s.lastError().isPresent()) {
            g.writeStringField("last_error", s.lastError().get());
            g.writeStringField("last_error_at", s.lastErrorAt().map(Object::toString).orElse(""));
        }
        if (s.lastLatency().isPresent()) {
            g.writeNumberField("last_delivery_latency_ms", s.lastLatency().get().toMillis());
        }
        if (s.lastDeliveredAt().isPresent()) {
            g.writeStringField("last_delivery_at", s.lastDeliveredAt().get().toString());
        }
    }

    /** A text selector of the replay body, or a problem naming it when it is there but not text (null included). */
    private static Optional<String> selector(JsonNode body, String name, String must, List<dev.sluice.event.FieldProblem> wrong) {
        JsonNode value = body.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            wrong.add(new dev.sluice.event.FieldProblem("/" + name, "invalid_type", must));
            return Optional.empty();
        }
        if (value.textValue().isBlank()) {
            // A blank reason is the start of every reason: the same widening as a dropped one.
            wrong.add(new dev.sluice.event.FieldProblem("/" + name, "empty", "must not be blank"));
            return Optional.empty();
        }
        return Optional.of(value.textValue());
    }

    private static void badRequest(ServerResponse res, String detail) {
        Responses.badRequest(res, detail);
    }

    private static byte[] write(Json.Body body) {
        return Json.write(body);
    }
}
