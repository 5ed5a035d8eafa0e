package dev.sluice.http;

import dev.sluice.config.TenantConfig;
import dev.sluice.connector.webhook.WebhookSignature;
import dev.sluice.event.FieldProblem;
import dev.sluice.ledger.GroupBy;
import dev.sluice.ledger.KpiFormat;
import dev.sluice.ledger.KpiQuery;
import dev.sluice.ledger.KpiReport;
import dev.sluice.ledger.Ledger;
import dev.sluice.ledger.SpendImport;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The ledger routes, under tenant credentials; a tenant reads and writes only its own ledger.
 *
 * <ul>
 *   <li>{@code POST /v1/spend}: JSON {@code {"rows":[...]}} or CSV ({@code text/csv}, layout
 *       detected from the header or named by {@code ?layout=sluice|meta|google_ads}); all rows or
 *       none; 200 {@code {"rows","replaced"}}, 422 with one problem per bad field</li>
 *   <li>{@code GET /v1/reports/kpis?from&to&group_by=platform|campaign|day&currency=}: JSON, or CSV
 *       with {@code ?format=csv} or {@code Accept: text/csv}</li>
 * </ul>
 */
final class LedgerHandler {
    private static final System.Logger LOG = System.getLogger(LedgerHandler.class.getName());
    /** Spend exports are larger than event batches: a year of a few hundred campaigns. */
    static final int MAX_SPEND_BYTES = 16 * 1024 * 1024;
    private static final java.util.Set<String> KPI_PARAMETERS = java.util.Set.of("from", "to", "group_by", "currency", "format");
    private static final java.util.Set<String> SPEND_PARAMETERS = java.util.Set.of("layout");

    private final Authenticator authenticator;
    private final Ledger ledger;
    private final InstantSource clock;
    /**
     * One spend import at a time, from reading its body to its commit. A maximal import (100,000
     * rows parsed, 16 MiB of body) fits the shipped heap alone; twelve at once ran it out of
     * memory and the gateway exited (README, For marketers). A waiting import holds nothing: its
     * body stays in the socket.
     */
    private final java.util.concurrent.Semaphore imports = new java.util.concurrent.Semaphore(1, true);

    /** The deadline on a spend body's arrival: {@code sluice.ingest.body-read-timeout}, as for events. */
    private final BodyDeadlines deadlines;

    LedgerHandler(Authenticator authenticator, Ledger ledger, InstantSource clock, java.time.Duration bodyReadTimeout) {
        this.deadlines = new BodyDeadlines(bodyReadTimeout);
        this.authenticator = authenticator;
        this.ledger = ledger;
        this.clock = clock;
    }

    void register(Routes routing) {
        // Spend is a data feed like events (the ingest key); reports read business results (the admin key).
        routing.post("/v1/spend", (req, res) -> withTenant(req, res, false, t -> spend(t, req, res)))
                .get("/v1/reports/kpis", (req, res) -> withTenant(req, res, true, t -> kpis(t, req, res)));
    }


    private void withTenant(ServerRequest req, ServerResponse res, boolean admin, TenantRequests.Work work) {
        if (admin) {
            TenantRequests.asAdmin(authenticator, "ledger", req, res, work);
        } else {
            TenantRequests.asIngest(authenticator, "ledger", req, res, work);
        }
    }

    private void spend(TenantConfig tenant, ServerRequest req, ServerResponse res) {
        Optional<HttpMediaType> type = Responses.contentType(req);
        boolean json = type.isPresent() && Responses.isJson(type.get());
        // Media types are case-insensitive (RFC 9110): TEXT/CSV was 415 until session 39.
        boolean csv = type.isPresent() && type.get().mediaType().type().equalsIgnoreCase("text")
                && type.get().mediaType().subtype().equalsIgnoreCase("csv");
        if (!json && !csv) {
            Responses.problem(res, Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "send application/json or text/csv"));
            return;
        }
        if (req.headers().contentLength().orElse(0) > MAX_SPEND_BYTES) {
            tooLarge(res);
            return;
        }
        if (!QueryParameters.check(req.query(), SPEND_PARAMETERS, res)) {
            return;
        }
        Optional<String> layout = req.query().first("layout").asOptional();
        if (layout.isPresent() && (json || !SpendImport.knownLayout(layout.get()))) {
            // Named as a parameter (bad-query), not as the body (malformed-body, until session 39).
            QueryParameters.Values values = new QueryParameters.Values(req.query());
            values.problem(json ? new FieldProblem("layout", "unknown_field", "applies to text/csv imports only")
                    : new FieldProblem("layout", "unknown_value", "must be sluice, meta or google_ads"));
            values.answered(res);
            return;
        }
        // A tenant that signs its requests signs its spend imports too (until session 39 they
        // were imported unsigned). The header is checked now; the MAC over the body as it is read.
        Optional<WebhookSignature.Verifier> signature = Optional.empty();
        if (tenant.signingSecret().isPresent()) {
            signature = authenticator.signatureVerifier(tenant, req.headers().first(Authenticator.SIGNATURE));
            if (signature.isEmpty()) {
                Authenticator.badSignature(res);
                return;
            }
        }
        boolean admitted;
        try {
            // sluice.ledger.import-wait: how long an import waits for the one before it.
            admitted = imports.tryAcquire(ledger.settings().importWait().toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            res.header(HeaderNames.RETRY_AFTER, "10");
            res.header(HeaderNames.CONNECTION, "close");
            Responses.problem(res, Problem.of(503, "import-busy", "Service Unavailable",
                    "another spend import is running; imports run one at a time, retry after the given seconds"));
            return;
        }
        try {
            importSpend(tenant, req, res, json, signature);
        } finally {
            imports.release();
        }
    }

    private void importSpend(TenantConfig tenant, ServerRequest req, ServerResponse res, boolean json,
                             Optional<WebhookSignature.Verifier> signature) {
        SpendImport.Parsed parsed;
        // The import slot is held while the body arrives: a stalled upload gives it up at the
        // body's deadline (the reading thread is interrupted, the connection closed).
        BodyDeadlines.Read read = deadlines.start();
        Limited in = new Limited(req.content().inputStream(), MAX_SPEND_BYTES, signature.orElse(null));
        try (in) {
            parsed = json ? SpendImport.json(in) : SpendImport.csv(in, req.query().first("layout").asOptional());
            // A body refused early (a bad header, too many rows) is still read to its end, up to
            // the limit, so that the client, still sending, gets the answer rather than a reset.
            in.transferTo(OutputStream.nullOutputStream());
        } catch (Limited.TooLarge e) {
            tooLarge(res);
            return;
        } catch (IOException | RuntimeException e) {
            read.close();
            if (BodyDeadlines.badContent(e) || read.expired() || in.cutShort()) {
                throw deadlines.answerUnread(read, e, res, "nothing was imported");
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } finally {
            read.close();
        }
        // The whole body has been read (to its end, or to the limit): checked before anything of
        // what it holds is answered or imported.
        if (signature.isPresent() && !signature.get().matches()) {
            Authenticator.badSignature(res);
            return;
        }
        switch (parsed) {
            case SpendImport.Parsed.Invalid invalid -> invalid(res, invalid);
            case SpendImport.Parsed.Rows rows -> {
                Ledger.Imported imported = ledger.importSpend(tenant.id(), rows.rows(), clock.instant());
                LOG.log(System.Logger.Level.INFO, "event=spend_imported tenant={0} rows={1} replaced={2}",
                        tenant.id(), imported.rows(), imported.replaced());
                Responses.json(res, 200, ("{\"rows\":" + imported.rows() + ",\"replaced\":" + imported.replaced() + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private static void tooLarge(ServerResponse res) {
        Responses.problem(res, Problem.of(413, "body-too-large", "Content Too Large",
                "a spend import is at most " + MAX_SPEND_BYTES + " bytes; split it by date"));
    }

    private static void invalid(ServerResponse res, SpendImport.Parsed.Invalid invalid) {
        // Problems inside rows are the rows' (422); one outside them is the body's shape (400).
        if (invalid.problems().isEmpty() || !invalid.problems().stream().allMatch(p -> p.pointer().startsWith("/rows/"))) {
            Responses.problem(res, Problem.of(400, "malformed-body", "Bad Request", invalid.detail(), invalid.problems()));
        } else {
            Responses.problem(res, Problem.of(422, "invalid-spend-rows", "Unprocessable Content", invalid.detail(),
                    invalid.problems()));
        }
    }

    private void kpis(TenantConfig tenant, ServerRequest req, ServerResponse res) {
        var query = req.query();
        if (!QueryParameters.check(query, KPI_PARAMETERS, res)) {
            return;
        }
        Optional<String> fromText = query.first("from").asOptional();
        Optional<String> toText = query.first("to").asOptional();
        Optional<LocalDate> from = date(fromText);
        Optional<LocalDate> to = date(toText);
        Optional<GroupBy> groupBy = GroupBy.parse(query.first("group_by").orElse("platform"));
        String currency = query.first("currency").orElse(ledger.settings().currencyOf(tenant.id()));
        List<FieldProblem> problems = new java.util.ArrayList<>();
        if (from.isEmpty()) {
            problems.add(dayProblem("from", fromText, "a day such as 2026-11-01"));
        }
        if (to.isEmpty()) {
            problems.add(dayProblem("to", toText, "a day such as 2026-11-30 (inclusive)"));
        }
        if (groupBy.isEmpty()) {
            problems.add(new FieldProblem("group_by", "unknown_value", "must be platform, campaign or day"));
        }
        if (!KpiQuery.isoCurrency(currency)) {
            problems.add(new FieldProblem("currency", "invalid_currency", "must be an ISO 4217 code such as EUR"));
        }
        // As the audit query: format=xml (or CSV) was answered with JSON until session 39.
        Optional<String> format = query.first("format").asOptional();
        if (format.isPresent() && !List.of("json", "csv").contains(format.get())) {
            problems.add(new FieldProblem("format", "unknown_value", "must be json or csv"));
        }
        KpiQuery kpiQuery = null;
        if (problems.isEmpty()) {
            try {
                kpiQuery = new KpiQuery(tenant.id(), from.get(), to.get(), groupBy.get(), currency);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("to", "out_of_range", e.getMessage())); // our own fixed messages
            }
        }
        if (!problems.isEmpty()) {
            Responses.problem(res, Problem.of(400, "bad-query", "Bad Request", "see errors; parameters are named by pointer",
                    problems));
            return;
        }
        KpiReport report;
        try {
            report = ledger.report(kpiQuery);
        } catch (Ledger.ReportTooLarge e) {
            Responses.problem(res, Problem.of(422, "report-too-large", "Unprocessable Content", e.getMessage(),
                    List.of(new FieldProblem("group_by", "too_many_groups", e.getMessage()))));
            return;
        } catch (Ledger.OutOfRange e) {
            Responses.problem(res, Problem.of(422, "report-out-of-range", "Unprocessable Content", e.getMessage(),
                    List.of(new FieldProblem("from", "sums_out_of_range", e.getMessage()))));
            return;
        }
        boolean csv = format.map(f -> f.equals("csv"))
                .orElseGet(() -> req.headers().first(HeaderNames.ACCEPT).map(LedgerHandler::prefersCsv).orElse(false));
        if (csv) {
            res.status(200);
            res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(KpiFormat.csv(report));
        } else {
            Responses.json(res, 200, KpiFormat.json(report));
        }
    }

    private static FieldProblem dayProblem(String name, Optional<String> given, String example) {
        return given.isEmpty()
                ? new FieldProblem(name, "required", "is required: " + example)
                : new FieldProblem(name, "invalid_format", "must be " + example);
    }

    /**
     * Whether an {@code Accept} header asks for CSV over JSON (RFC 9110, 12.5.1): each type takes
     * the quality of the most specific range that matches it ({@code text/csv}, else
     * {@code text/*}, else {@code *}{@code /*}); CSV when its quality is above JSON's, JSON on a
     * tie, the default. {@code application/json, text/csv;q=0} is JSON and
     * {@code application/json;q=0, *}{@code /*} is CSV (until session 40 any header that
     * mentioned {@code text/csv} was CSV).
     */
    // Not ServerRequestHeaders.bestAccepted: it takes the first range that matches, not the most
    // specific, so "application/json;q=0, */*" would come out as JSON.
    static boolean prefersCsv(String accept) {
        double csv = quality(accept, "text", "csv");
        return csv > 0 && csv > quality(accept, "application", "json");
    }

    /** The quality {@code accept} gives {@code type/subtype}: its most specific matching range's, 0 if none. */
    private static double quality(String accept, String type, String subtype) {
        int best = -1;
        double q = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String[] name = parts[0].strip().toLowerCase(java.util.Locale.ROOT).split("/", 2);
            if (name.length != 2) {
                continue;
            }
            int specificity = name[0].equals(type) && name[1].equals(subtype) ? 2
                    : name[0].equals(type) && name[1].equals("*") ? 1
                    : name[0].equals("*") && name[1].equals("*") ? 0 : -1;
            if (specificity > best) {
                best = specificity;
                q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip().toLowerCase(java.util.Locale.ROOT);
                    if (p.startsWith("q=")) {
                        try {
                            q = Double.parseDouble(p.substring(2).strip());
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
            }
        }
        return q;
    }

    private static Optional<LocalDate> date(Optional<String> text) {
        try {
            return text.map(LocalDate::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * A request body read as a stream (a spend import is parsed as it arrives, never held whole),
     * failing with {@link TooLarge} as soon as it passes {@code limit} bytes. It remembers whether
     * reading the body itself failed ({@link #cutShort}), which tells a body that did not arrive
     * whole from a failure of the parser reading it.
     */
    static final class Limited extends FilterInputStream {
        private final long limit;
        /** What the bytes read are fed to, when the request is signed; else null. */
        private final WebhookSignature.Verifier signature;
        private long read;
        private boolean cutShort;

        Limited(InputStream in, long limit) {
            this(in, limit, null);
        }

        Limited(InputStream in, long limit, WebhookSignature.Verifier signature) {
            super(in);
            this.limit = limit;
            this.signature = signature;
        }

        @Override
        public int read() throws IOException {
            int b = (int) marking(super::read);
            if (b >= 0) {
                count(1);
                if (signature != null) {
                    signature.update(new byte[] {(byte) b}, 0, 1);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = (int) marking(() -> super.read(buffer, offset, length));
            if (n > 0) {
                count(n);
                if (signature != null) {
                    signature.update(buffer, offset, n);
                }
            }
            return n;
        }

        /** Closing reads what is left of the body, so a body cut short can fail here too. */
        @Override
        public void close() throws IOException {
            marking(() -> {
                super.close();
                return 0;
            });
        }

        /** Skipped bytes are read, so that a signature covers them too. */
        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(8192, Math.max(0, n))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        /** Runs one read of the underlying body, remembering whether it failed. */
        private long marking(BodyRead read) throws IOException {
            try {
                return read.run();
            } catch (IOException | RuntimeException e) {
                cutShort = true;
                throw e;
            }
        }

        @FunctionalInterface
        private interface BodyRead {
            long run() throws IOException;
        }

        /**
         * Whether reading the body failed: the connection closed or broke before the body's
         * declared end (or a read was interrupted at the body's deadline).
         */
        boolean cutShort() {
            return cutShort;
        }

        private void count(long n) throws TooLarge {
            read += n;
            if (read > limit) {
                throw new TooLarge();
            }
        }

        /** The body passed the limit. */
        static final class TooLarge extends IOException {
            private static final long serialVersionUID = 1L;

            TooLarge() {
                super("the body passed its limit");
            }
        }
    }
}
