package dev.sluice.http;

import dev.sluice.config.TenantConfig;
import dev.sluice.event.FieldProblem;
import dev.sluice.ingest.EventResult;
import dev.sluice.ingest.IngestOutcome;
import dev.sluice.ingest.IngestPipeline;
import dev.sluice.observe.ThrottledLog;
import dev.sluice.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/events}. Order matters: credentials first (nothing of the body is read for an
 * unknown caller), then media type and size, then the signature over the raw bytes, then the
 * pipeline. A 202 is written only after the pipeline returned, i.e. after the commit.
 */
final class IngestHandler implements Handler {
    private static final System.Logger LOG = System.getLogger(IngestHandler.class.getName());
    /** What a chunked body may bring before it is admitted: a batch of 100 one-KB events fits. */
    static final int CHUNKED_HEAD_BYTES = 128 * 1024;
    /** All chunked bodies' heads together, before their admission. */
    static final int CHUNKED_HEADS_BYTES = 32 * CHUNKED_HEAD_BYTES;
    /** While the store refuses commits (a full disk), every request fails: a line per 10 s says so. */
    private final ThrottledLog commitFailures = new ThrottledLog(LOG, Duration.ofSeconds(10));
    private final ThrottledLog bodyTimeouts = new ThrottledLog(LOG, Duration.ofSeconds(10));

    private final Authenticator authenticator;
    private final TenantRateLimits rateLimits;
    private final IngestPipeline pipeline;
    private final long maxBodyBytes;
    private final BodyDeadlines deadlines;
    /**
     * Bytes of chunked bodies read before admission: their first {@link #CHUNKED_HEAD_BYTES} each,
     * at most {@link #CHUNKED_HEADS_BYTES} together. Before, a chunked body was read whole and
     * then admitted, so 48 clients sending 1.5 MB batches chunked at once ran the shipped heap
     * out of memory and the gateway exited (docs/ingest.md, Chunked bodies).
     */
    private final Semaphore chunkedHeads = new Semaphore(CHUNKED_HEADS_BYTES, true);
    private final Timer latency;

    IngestHandler(Authenticator authenticator, TenantRateLimits rateLimits, IngestPipeline pipeline, long maxBodyBytes,
                  Duration bodyReadTimeout, Timer latency) {
        this.deadlines = new BodyDeadlines(bodyReadTimeout);
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.pipeline = pipeline;
        this.maxBodyBytes = maxBodyBytes;
        this.latency = latency;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        try {
            process(req, res);
        } finally {
            latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void process(ServerRequest req, ServerResponse res) {
        Optional<TenantConfig> tenant = authenticator.tenantFor(Authenticator.authorization(req.headers()));
        if (tenant.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
            Responses.problem(res, Problem.of(401, "unauthorized", "Unauthorized",
                    "send a valid API key as 'Authorization: Bearer <key>'"));
            return;
        }
        Optional<java.time.Duration> wait = rateLimits.admit(tenant.get());
        if (wait.isPresent()) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, wait.get().toSeconds())));
            Responses.problem(res, Problem.of(429, "rate-limited", "Too Many Requests",
                    "this tenant's request rate limit (rate-limit-per-second) is reached; retry after the given seconds"));
            return;
        }
        if (!Responses.jsonBody(req, res)) {
            return;
        }
        // Ingest takes no query parameters: one a sender adds expecting it to change what happens
        // (?test=1, ?dry_run=true) is refused rather than ignored, as on every other endpoint.
        if (!QueryParameters.check(req.query(), java.util.Set.of(), res)) {
            return;
        }
        // An encoded body's declared length is not its length once decoded (GzipDecoding): it is
        // read and admitted as a body of unknown length, up to max-body-bytes decoded.
        OptionalLong declared = req.headers().first(HeaderNames.CONTENT_ENCODING).filter(GzipDecoding::encoded).isPresent()
                ? OptionalLong.empty() : req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            tooLarge(res);
            return;
        }
        // A body of declared length waits for its share of the in-flight budget before it is read,
        // so that waiting requests hold no body on the heap. The tenant is authenticated first, so
        // only a known client can hold budget, and the body read's deadline bounds a stalled
        // upload. A chunked body has no length to wait for: its first CHUNKED_HEAD_BYTES are read
        // under a share of a small separate budget, then it is admitted by its size, or, when it
        // is longer, it takes the whole in-flight budget before the rest is read.
        IngestPipeline.Admission admission = declared.isPresent() ? pipeline.admit(declared.getAsLong()) : null;
        int headPermits = 0;
        try {
            byte[] body = null;
            try (InputStream in = req.content().inputStream()) {
                if (declared.isPresent()) {
                    body = readBody(in, res, tenant.get(), (int) declared.getAsLong(), true);
                } else {
                    chunkedHeads.acquireUninterruptibly(CHUNKED_HEAD_BYTES);
                    headPermits = CHUNKED_HEAD_BYTES;
                    body = readBody(in, res, tenant.get(), (int) Math.min(CHUNKED_HEAD_BYTES, maxBodyBytes + 1), false);
                    if (body != null && body.length > maxBodyBytes) {
                        tooLarge(res);
                        return;
                    }
                    if (body != null && body.length == CHUNKED_HEAD_BYTES) {
                        admission = pipeline.admit(maxBodyBytes);
                        chunkedHeads.release(headPermits);
                        headPermits = 0;
                        byte[] rest = readBody(in, res, tenant.get(),
                                (int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1 - body.length), false);
                        if (body.length + (long) rest.length > maxBodyBytes) {
                            tooLarge(res);
                            return;
                        }
                        byte[] whole = Arrays.copyOf(body, body.length + rest.length);
                        System.arraycopy(rest, 0, whole, body.length, rest.length);
                        body = whole;
                    }
                }
            } catch (IOException closing) {
                // Closing the body's stream once it was read: the body is whole.
            }
            if (!authenticator.signatureValid(tenant.get(), req.headers().first(Authenticator.SIGNATURE), body)) {
                Authenticator.badSignature(res);
                return;
            }
            if (admission == null) {
                admission = pipeline.admit(body.length);
            }
            if (headPermits > 0) {
                chunkedHeads.release(headPermits);
                headPermits = 0;
            }
            boolean secGpc = secGpc(req.headers());
            ingest(res, tenant.get(), admission, body, new IngestPipeline.RequestContext(secGpc));
        } finally {
            if (headPermits > 0) {
                chunkedHeads.release(headPermits);
            }
            if (admission != null) {
                admission.close();
            }
        }
    }

    /**
     * The body did not arrive whole: the client closed the connection before its declared length,
     * or the body read passed its deadline ({@code expired}; the connection is closed then, so the
     * answer rarely reaches the client, but the request's budget is free again).
     */
    private RuntimeException unreadBody(ServerResponse res, TenantConfig tenant, BodyDeadlines.Read read, Throwable unread) {
        read.close();
        if (read.expired() && !BodyDeadlines.badContent(unread)) {
            bodyTimeouts.log(System.Logger.Level.WARNING, "event=body_read_timeout tenant={0} timeout_ms={1}",
                    tenant.id(), Long.toString(deadlines.timeout().toMillis()));
        }
        return deadlines.answerUnread(read, unread, res, "nothing was accepted");
    }

    private void ingest(ServerResponse res, TenantConfig tenant, IngestPipeline.Admission admission, byte[] body,
                        IngestPipeline.RequestContext context) {
        IngestOutcome outcome;
        try {
            outcome = pipeline.ingest(admission, tenant, body, context);
        } catch (StoreException e) {
            commitFailures.log(System.Logger.Level.ERROR, "event=commit_failed tenant={0} error={1}", tenant.id(),
                    e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, "1");
            Responses.problem(res, Problem.of(503, "store-unavailable", "Service Unavailable",
                    "the events could not be committed and were not accepted; retry the same request"));
            return;
        }
        switch (outcome) {
            case IngestOutcome.Malformed m -> Responses.problem(res, Problem.of(400, "malformed-body", "Bad Request",
                    "the body is not a JSON event or {\"events\": [...]} batch of the expected shape", List.of(m.problem())));
            case IngestOutcome.Processed p -> answer(res, p);
        }
    }

    private static void answer(ServerResponse res, IngestOutcome.Processed p) {
        long accepted = p.count(EventResult.Status.ACCEPTED);
        long duplicate = p.count(EventResult.Status.DUPLICATE);
        long rejected = p.count(EventResult.Status.REJECTED);
        if (accepted + duplicate > 0) {
            Responses.json(res, 202, Json.ingestResults(p.results(), accepted, duplicate, rejected));
            return;
        }
        List<FieldProblem> all = p.results().stream().flatMap(r -> r.problems().stream()).toList();
        Responses.problem(res, Problem.of(422, "invalid-events", "Unprocessable Content",
                "no event was accepted; see errors and results", all), p.results());
    }

    /**
     * Whether any {@code Sec-GPC} header, or any comma-separated value of one, is {@code 1}, the
     * only value the GPC specification defines. Until session 39 only the first header was read,
     * so {@code Sec-GPC: 0} before {@code Sec-GPC: 1} lost the objection, as did {@code 1, 1}.
     */
    static boolean secGpc(io.helidon.http.Headers headers) {
        if (!headers.contains(SEC_GPC)) {
            return false;
        }
        for (String value : headers.get(SEC_GPC).allValues()) {
            for (String part : value.split(",")) {
                if (part.strip().equals("1")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Global Privacy Control as the browser sent it, forwarded by the merchant's backend. */
    private static final io.helidon.http.HeaderName SEC_GPC = HeaderNames.create("Sec-GPC");

    private static void tooLarge(ServerResponse res) {
        Responses.problem(res, Problem.of(413, "body-too-large", "Content Too Large",
                "the body exceeds the configured limit (sluice.ingest.max-body-bytes)"));
    }

    /**
     * Reads up to {@code limit} bytes of the body under its deadline: fewer only when the body
     * ends first. {@code declared}: the body's length is {@code limit} (already checked against
     * the limit), read into one array of that size, since reading up to the limit instead would
     * allocate a 16 KiB buffer and a copy for every 1 KB event; otherwise the array grows as
     * bytes arrive. When it could not be read (the client went away, the deadline passed, its
     * framing broke), throws what ends the connection, after answering so ({@link #unreadBody}).
     */
    private byte[] readBody(InputStream in, ServerResponse res, TenantConfig tenant, int limit, boolean declared) {
        BodyDeadlines.Read read = deadlines.start();
        try {
            if (!declared) {
                return in.readNBytes(limit);
            }
            byte[] body = new byte[limit];
            int length = in.readNBytes(body, 0, limit);
            return length == limit ? body : Arrays.copyOf(body, length);
        } catch (IOException | RuntimeException unread) {
            throw unreadBody(res, tenant, read, unread);
        } finally {
            read.close();
        }
    }
}
