package dev.sluice.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.audit.AuditExport;
import dev.sluice.audit.AuditLog;
import dev.sluice.audit.AuditQuery;
import dev.sluice.audit.Erasure;
import dev.sluice.audit.OvertakenByPurge;
import dev.sluice.audit.StoredRecord;
import dev.sluice.config.TenantConfig;
import dev.sluice.event.FieldProblem;
import dev.sluice.privacy.DataKeyring;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The privacy officer's routes, under tenant credentials; a tenant only ever reads and verifies
 * its own chain, and erases only its own subjects.
 *
 * <ul>
 *   <li>{@code GET /v1/audit/consent?from=&to=&destination=&decision=&event_id=&rule_id=&kind=&after=&limit=&format=}:
 *       one JSON page ({@code next} is the following page's {@code after}), or with
 *       {@code format=jsonl|csv} the whole matching log, streamed</li>
 *   <li>{@code GET /v1/audit/verify}: chain, checkpoint signatures and head; names the first bad record
 *       (503 {@code audit-purge-running} when retention purges kept deleting records before the
 *       walk reached them, {@link OvertakenByPurge})</li>
 *   <li>{@code POST /v1/privacy/erasure} with {@code {"email","phone","external_id","country"}}:
 *       purges the subject's undelivered rows, audits it, answers the counts</li>
 * </ul>
 * Identifiers in an erasure request are never logged or echoed, not even in error answers.
 */
final class AuditHandler {
    private static final System.Logger LOG = System.getLogger(AuditHandler.class.getName());
    private static final int MAX_ERASURE_BODY = 16 * 1024;
    private static final java.util.Set<String> ERASURE_FIELDS = java.util.Set.of("email", "phone", "external_id", "country");
    private static final java.util.Set<String> CONSENT_PARAMETERS = java.util.Set.of("from", "to", "destination",
            "decision", "event_id", "rule_id", "kind", "after", "limit", "format");

    private final Authenticator authenticator;
    private final AuditLog audit;
    private final Erasure erasure;
    private final DataKeyring keyring;
    private final InstantSource clock;
    /** The deadline on an erasure request's body: {@code sluice.ingest.body-read-timeout}. */
    private final BodyDeadlines deadlines;

    AuditHandler(Authenticator authenticator, AuditLog audit, DataKeyring keyring, InstantSource clock,
                 java.time.Duration bodyReadTimeout) {
        this.deadlines = new BodyDeadlines(bodyReadTimeout);
        this.authenticator = authenticator;
        this.audit = audit;
        this.erasure = new Erasure(audit);
        this.keyring = keyring;
        this.clock = clock;
    }

    void register(Routes routing) {
        routing.get("/v1/audit/consent", (req, res) -> withTenant(req, res, t -> consent(t, req, res)))
                .get("/v1/audit/verify", (req, res) -> withTenant(req, res, t -> verify(t, req, res)))
                .post("/v1/privacy/erasure", (req, res) -> withTenant(req, res, t -> erase(t, req, res)));
    }


    private void withTenant(ServerRequest req, ServerResponse res, TenantRequests.Work work) {
        TenantRequests.asAdmin(authenticator, "audit and privacy", req, res, work);
    }

    private void consent(TenantConfig tenant, ServerRequest req, ServerResponse res) throws IOException {
        var q = req.query();
        if (!QueryParameters.check(q, CONSENT_PARAMETERS, res)) {
            return;
        }
        // A value no record can hold would match nothing: "decision=denied" answered no records,
        // which reads as "there were no denials" (until session 35). Every bad value is named by
        // its parameter (until session 36 a bad from, to, after or limit got one sentence about
        // all four).
        QueryParameters.Values values = new QueryParameters.Values(q);
        q.first("decision").asOptional().map(d -> d.toUpperCase(Locale.ROOT)).filter(d -> !AuditQuery.DECISIONS.contains(d))
                .ifPresent(d -> values.problem(new FieldProblem("decision", "unknown_value", "must be allow, limited or deny")));
        q.first("kind").asOptional().filter(k -> !AuditQuery.KINDS.contains(k)).ifPresent(k -> values.problem(
                new FieldProblem("kind", "unknown_value", "must be decision, erasure, retention, replay or policy")));
        java.util.function.Predicate<Instant> inRange = i -> !AuditQuery.outOfRange(i);
        Optional<Instant> from = values.instant("from", inRange);
        Optional<Instant> to = values.instant("to", inRange);
        if (from.isPresent() && to.isPresent() && !to.get().isAfter(from.get())) {
            // An empty range is a mistake, most likely the two swapped: it answered no records,
            // which reads as "nothing happened then" (until session 40).
            values.problem(new FieldProblem("to", "out_of_range", "must be later than from (from is inclusive, to exclusive)"));
        }
        long after = values.wholeNumber("after", 0, 0, Long.MAX_VALUE);
        String format = q.first("format").orElse("json");
        int limit = (int) values.wholeNumber("limit", 100, 1, 1000);
        if (!List.of("json", "jsonl", "csv").contains(format)) {
            values.problem(new FieldProblem("format", "unknown_value", "must be json, jsonl or csv"));
        } else if (!format.equals("json") && q.contains("limit")) {
            // An export holds every matching record: a limit there would have been ignored.
            values.problem(new FieldProblem("limit", "unknown_field", "pages only (format=json); an export holds every matching record"));
        }
        if (values.answered(res)) {
            return;
        }
        boolean unconfigured = DestinationFilter.unconfigured(tenant, q, res);
        AuditQuery query = new AuditQuery(from, to, q.first("destination").asOptional(),
                q.first("decision").asOptional().map(d -> d.toUpperCase(Locale.ROOT)),
                q.first("event_id").asOptional(), q.first("rule_id").asOptional(), q.first("kind").asOptional(), after);
        switch (format) {
            // The answer's stream opens at the export's first byte, and is closed only when the
            // export ends: a store that fails before anything is written is still a 503 (it was a
            // 500, the headers already sent), and one failing later ends the export incomplete.
            case "jsonl" -> {
                Opening out = new Opening(() -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
                    attachment(res, tenant, "jsonl");
                    return res.outputStream();
                });
                AuditExport.jsonl(audit, tenant.id(), query, clock.instant(), out);
                out.close();
            }
            case "csv" -> {
                Writer out = new OutputStreamWriter(new Opening(() -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
                    attachment(res, tenant, "csv");
                    return res.outputStream();
                }), StandardCharsets.UTF_8);
                AuditExport.csv(audit, tenant.id(), query, out);
                out.close();
            }
            default -> page(res, audit.page(tenant.id(), query, limit + 1), limit, unconfigured);
        }
    }

    /** An output stream that opens the one it writes to at its first byte. */
    private static final class Opening extends OutputStream {
        private final java.util.function.Supplier<OutputStream> open;
        private OutputStream out;

        Opening(java.util.function.Supplier<OutputStream> open) {
            this.open = open;
        }

        private OutputStream out() {
            if (out == null) {
                out = open.get();
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out().flush();
        }

        @Override
        public void close() throws IOException {
            out().close();
        }
    }

    private static void attachment(ServerResponse res, TenantConfig tenant, String extension) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"sluice-audit-" + tenant.id() + "." + extension + "\"");
    }

    private static void page(ServerResponse res, List<StoredRecord> rows, int limit, boolean unconfigured) {
        List<StoredRecord> items = rows.size() > limit ? rows.subList(0, limit) : rows;
        Responses.json(res, 200, write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("records");
            for (StoredRecord r : items) {
                g.writeStartObject();
                g.writeNumberField("seq", r.seq());
                g.writeStringField("hash", r.hash());
                g.writeStringField("prev_hash", r.prevHash());
                g.writeFieldName("record");
                g.writeRawValue(r.body());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (rows.size() > limit) {
                g.writeNumberField("next", items.getLast().seq());
            }
            DestinationFilter.write(g, unconfigured);
            g.writeEndObject();
        }));
    }

    private void verify(TenantConfig tenant, ServerRequest req, ServerResponse res) {
        // It takes no parameters: ?tenant=other answered the caller's own chain (until session 40).
        if (!QueryParameters.check(req.query(), java.util.Set.of(), res)) {
            return;
        }
        AuditLog.Verification v;
        try {
            v = audit.verify(tenant.id());
        } catch (OvertakenByPurge e) {
            // Not a verdict: the records were deleted by the retention purge, not by anyone else.
            LOG.log(System.Logger.Level.WARNING, "event=audit_verify_overtaken tenant={0} attempts={1}", tenant.id(),
                    OvertakenByPurge.ATTEMPTS);
            res.header(HeaderNames.RETRY_AFTER, "60");
            Responses.problem(res, Problem.of(503, "audit-purge-running", "Service Unavailable",
                    "a retention purge deleted the beginning of the chain while it was being verified, "
                            + OvertakenByPurge.ATTEMPTS + " times in a row; verify again once the purge has finished"));
            return;
        }
        if (!v.ok()) {
            LOG.log(System.Logger.Level.WARNING, "event=audit_verify_failed tenant={0} seq={1}", tenant.id(),
                    v.failure().get().seq());
        }
        Responses.json(res, 200, write(g -> {
            g.writeStartObject();
            g.writeBooleanField("ok", v.ok());
            g.writeNumberField("records", v.records());
            g.writeNumberField("first_seq", v.firstSeq());
            g.writeNumberField("last_seq", v.lastSeq());
            g.writeNumberField("checkpoints_verified", v.checkpointsVerified());
            // The records after the last checkpoint are vouched for by no signature yet (until the
            // next checkpoint, or an export, signs them).
            g.writeNumberField("last_checkpoint_seq", v.lastCheckpointSeq());
            if (v.ok()) {
                g.writeNumberField("unsigned_records", v.unsignedRecords());
            }
            g.writeStringField("public_key_id", audit.publicKey().keyId());
            g.writeArrayFieldStart("trusted_key_ids");
            for (String id : audit.trustedKeys().keyIds()) {
                g.writeString(id);
            }
            g.writeEndArray();
            if (v.failure().isPresent()) {
                g.writeNumberField("first_bad_seq", v.failure().get().seq());
                g.writeStringField("reason", v.failure().get().reason());
            }
            g.writeEndObject();
        }));
    }

    private void erase(TenantConfig tenant, ServerRequest req, ServerResponse res) throws IOException {
        // It takes no parameters: "?dry_run=true" erased for real, answering 200, until session 40.
        if (!QueryParameters.check(req.query(), java.util.Set.of(), res) || !Responses.jsonBody(req, res)) {
            return;
        }
        byte[] bytes = deadlines.readWhole(req.content().inputStream(), MAX_ERASURE_BODY + 1, res, "nothing was erased");
        if (bytes.length > MAX_ERASURE_BODY) {
            Responses.problem(res, Problem.of(413, "body-too-large", "Content Too Large", "the body is over 16 KiB"));
            return;
        }
        Optional<JsonNode> parsed = Json.requestObject(bytes, res, "nothing was erased");
        if (parsed.isEmpty()) {
            return;
        }
        JsonNode body = parsed.get();
        // A misspelt or mistyped identifier would be left out of the erasure without a word
        // ({"email": .., "phnoe": ..} erased by email alone until session 35).
        List<FieldProblem> shape = new java.util.ArrayList<>(Json.unknownMembers(body, ERASURE_FIELDS,
                "email, phone and/or external_id (and country)"));
        for (String name : ERASURE_FIELDS) {
            if (body.has(name) && !body.get(name).isTextual() && !body.get(name).isNull()) {
                shape.add(new FieldProblem("/" + name, "invalid_type", "must be a string"));
            }
        }
        if (!shape.isEmpty()) {
            Responses.problem(res, Problem.of(400, "bad-request", "Bad Request", "nothing was erased; see errors", shape));
            return;
        }
        Erasure.Subject subject = new Erasure.Subject(text(body, "email"), text(body, "phone"), text(body, "external_id"),
                text(body, "country"));
        if (subject.isEmpty()) {
            // Named like the replay's selectors ({}, or only null, empty or blank identifiers, got a
            // 400 with no errors until session 42): null and blank count as not given, as at ingest.
            List<FieldProblem> none = new java.util.ArrayList<>();
            for (String name : List.of("email", "phone", "external_id")) {
                none.add(new FieldProblem("/" + name, "required",
                        "name the subject by email, phone and/or external_id (null, empty and blank count as not given)"));
            }
            Responses.problem(res, Problem.of(400, "bad-request", "Bad Request",
                    "nothing was erased: no identifier names the subject", none));
            return;
        }
        if (!dev.sluice.privacy.SubjectDigests.readableCountry(subject.country())) {
            // Read as ingest reads it: a country it cannot read fell back to the tenant's default
            // region, a phone was read there, nobody was found, and the answer was 200 (until session 40).
            Responses.problem(res, Problem.of(422, "unusable-identifier", "Unprocessable Content",
                    "nothing was erased: country names no country; correct it, or leave it out to read phone numbers"
                            + " in the tenant's default region",
                    List.of(new FieldProblem("/country", "invalid_country",
                            "must be an ISO 3166-1 country code or English country name, as at ingest"))));
            return;
        }
        List<String> unusable = Erasure.unusable(tenant, subject);
        if (!unusable.isEmpty() && unusable.size() < subject.count()) {
            // Some identifiers usable, some not: erasing by the usable ones alone would look like
            // the whole request done. Nothing is erased; the officer corrects or drops the others.
            Responses.problem(res, Problem.of(422, "unusable-identifier", "Unprocessable Content",
                    "nothing was erased: an identifier could not be normalized; correct it, or leave it out to erase by the others",
                    cannotNormalize(unusable)));
            return;
        }
        Erasure.Result result = erasure.erase(tenant, keyring.forTenant(tenant.id()), subject);
        if (result.identifierKinds().isEmpty()) {
            // Still audited above: a request was made, and found nobody. The answer names the
            // record, so that the officer can tie the two (it did not until session 40).
            // Each identifier named, as unusable-identifier names them (the errors were empty until session 42).
            Responses.problem(res, Problem.of(422, "no-usable-identifier", "Unprocessable Content",
                    "none of the identifiers could be normalized (check the email, phone or external_id format);"
                            + " recorded as audit record " + result.auditSeq(),
                    cannotNormalize(unusable)));
            return;
        }
        LOG.log(System.Logger.Level.INFO, "event=erasure tenant={0} audit_seq={1} pending={2} dead={3}", tenant.id(),
                result.auditSeq(), result.erased().get("pending_deliveries"), result.erased().get("dead_letters"));
        Responses.json(res, 200, write(g -> {
            g.writeStartObject();
            g.writeNumberField("audit_seq", result.auditSeq());
            g.writeArrayFieldStart("identifier_kinds");
            for (String kind : result.identifierKinds()) {
                g.writeString(kind);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("erased");
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(result.erased()).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    private static Optional<String> text(JsonNode body, String name) {
        return Json.text(body, name);
    }

    private static byte[] write(Json.Body body) {
        return Json.write(body);
    }

    /** The problems of identifiers that cannot be normalized as at ingest, by name. */
    private static List<FieldProblem> cannotNormalize(List<String> names) {
        return names.stream().map(name -> new FieldProblem("/" + name, "invalid_format", "cannot be normalized as at ingest")).toList();
    }
}
