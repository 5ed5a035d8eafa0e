package dev.sluice.ingest;

import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.Decision;
import dev.sluice.consent.DestinationRef;
import dev.sluice.consent.Evaluation;
import dev.sluice.event.Event;
import dev.sluice.event.EventParser;
import dev.sluice.event.FieldProblem;
import dev.sluice.event.ParsedBody;
import dev.sluice.event.ParsedEvent;
import dev.sluice.event.UserData;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.FieldError;
import dev.sluice.privacy.Hashed;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PayloadAad;
import dev.sluice.privacy.PayloadParts;
import dev.sluice.privacy.PersonalData;
import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.Companion;
import dev.sluice.store.EventRecord;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.OutboxRecord;
import dev.sluice.store.WriteOutcome;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * The ingest pipeline: parse and validate, decide consent per destination, normalize and hash
 * for the destinations that may receive the event, seal each destination's payload, then commit
 * (deduplicating) and answer. Raw personal data exists only inside {@link #ingest} and is
 * dropped when it returns.
 *
 * <p>Every accepted result refers to an event whose transaction has committed; when the store
 * fails, {@link dev.sluice.store.StoreException} propagates and nothing is acknowledged. A
 * destination whose consent decision is DENY gets no outbox row at all.
 */
public final class IngestPipeline {
    private final EventParser parser;
    private final ConsentEngine consent;
    private final IdentityHasher hasher;
    private final DataKeyring keyring;
    private final GroupCommitWriter writer;
    private final IngestMetrics metrics;
    private final InstantSource clock;
    private final Duration dedupWindow;
    private final Map<String, Routes> routes;
    private final List<CompanionSource> companionSources;
    private final PayloadWriter payloads = new PayloadWriter();
    /**
     * Checks every tenant's destinations as the pipeline will route them (a webhook's hashing
     * profile, a type's profile), failing as the pipeline's constructor would, naming the key: the
     * gateway calls this before it creates anything, so that such a start leaves no data
     * directory, database or audit record behind (it left all three until session 42).
     */
    public static void checkRoutes(Collection<TenantConfig> tenants) {
        tenants.forEach(Routes::of);
    }

    /** Bytes of request bodies admitted and not yet answered; see {@link Admission}. */
    private final Semaphore inFlight;
    private final int maxInFlight;
    static final long DEFAULT_IN_FLIGHT_BYTES = 256L * 1024;

    public IngestPipeline(EventParser parser, ConsentEngine consent, IdentityHasher hasher, DataKeyring keyring,
                          GroupCommitWriter writer, IngestMetrics metrics, InstantSource clock, Duration dedupWindow,
                          Collection<TenantConfig> tenants, List<CompanionSource> companionSources) {
        this(parser, consent, hasher, keyring, writer, metrics, clock, dedupWindow, tenants, companionSources,
                DEFAULT_IN_FLIGHT_BYTES);
    }

    /**
     * @param maxInFlightBytes most request-body bytes inside {@link #ingest} at once (see
     *                         {@link dev.sluice.config.IngestSettings#maxInFlightBytes()})
     */
    public IngestPipeline(EventParser parser, ConsentEngine consent, IdentityHasher hasher, DataKeyring keyring,
                          GroupCommitWriter writer, IngestMetrics metrics, InstantSource clock, Duration dedupWindow,
                          Collection<TenantConfig> tenants, List<CompanionSource> companionSources,
                          long maxInFlightBytes) {
        if (maxInFlightBytes < 1) {
            throw new IllegalArgumentException("maxInFlightBytes must be positive");
        }
        this.inFlight = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxInFlightBytes));
        this.maxInFlight = (int) Math.min(Integer.MAX_VALUE, maxInFlightBytes);
        this.parser = parser;
        this.consent = consent;
        this.hasher = hasher;
        this.keyring = keyring;
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
        this.dedupWindow = dedupWindow;
        this.routes = tenants.stream().collect(Collectors.toUnmodifiableMap(TenantConfig::id, Routes::of));
        this.companionSources = List.copyOf(companionSources);
    }

    /** Request-level facts that are not in the body. */
    public record RequestContext(boolean secGpc) {
        /** A request without extra signals. */
        public static final RequestContext NONE = new RequestContext(false);
    }

    /**
     * A share of the in-flight budget, from admission until the request's commit. Under batch load
     * most events wait for the group commit, and an event's processed form (hashes, sealed
     * payloads, audit and ledger rows) is several times its JSON; the budget bounds the heap, and
     * the collector's work, without refusing anything. A body larger than the whole budget takes
     * all of it and runs alone.
     */
    public final class Admission implements AutoCloseable {
        private final int permits;
        private boolean released;

        private Admission(long bodyBytes) {
            this.permits = (int) Math.max(1, Math.min(bodyBytes, maxInFlight));
            inFlight.acquireUninterruptibly(permits);
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                inFlight.release(permits);
            }
        }
    }

    /**
     * Waits for budget for a body of {@code bodyBytes}. The HTTP layer calls this before it reads
     * a body whose length is declared, so that a waiting request holds nothing on the heap (its
     * bytes stay in the socket's buffers); then it calls {@link #ingest(Admission, TenantConfig,
     * byte[], RequestContext)}.
     */
    public Admission admit(long bodyBytes) {
        return new Admission(bodyBytes);
    }

    /** Processes one request body for an authenticated tenant, waiting for its admission first. */
    public IngestOutcome ingest(TenantConfig tenant, byte[] body, RequestContext request) {
        try (Admission admission = admit(body.length)) {
            return ingest(admission, tenant, body, request);
        }
    }

    /** Processes one request body under an admission already held (closed by the caller). */
    public IngestOutcome ingest(Admission admission, TenantConfig tenant, byte[] body, RequestContext request) {
        if (admission.released) {
            throw new IllegalStateException("the admission was already released");
        }
        return admitted(tenant, body, request);
    }

    private IngestOutcome admitted(TenantConfig tenant, byte[] body, RequestContext request) {
        ParsedBody parsed = parser.parse(body);
        if (parsed instanceof ParsedBody.Malformed malformed) {
            metrics.malformed(tenant.id());
            return new IngestOutcome.Malformed(malformed.problem());
        }
        ParsedBody.Events events = (ParsedBody.Events) parsed;
        Instant now = clock.instant();
        Batch batch = new Batch(tenant, routes.get(tenant.id()), keyring.forTenant(tenant.id()), request, now);
        EventResult[] results = new EventResult[events.events().size()];
        for (int i = 0; i < results.length; i++) {
            String prefix = events.batch() ? "/events/" + i : "";
            results[i] = switch (events.events().get(i)) {
                case ParsedEvent.Invalid invalid -> EventResult.rejected(i, invalid.eventId(), invalid.problems(), List.of());
                case ParsedEvent.Valid valid -> admit(batch, valid, i, prefix);
            };
        }
        if (!batch.records.isEmpty()) {
            List<EventRecord> records = batch.records;
            List<Integer> recordIndex = batch.recordIndex;
            // While it waits for the commit, a request keeps only its records and results: with
            // single events nearly every request in flight is waiting here, and what they hold
            // together decides whether it dies young (docs/benchmarks.md, session 8). The
            // interpreter and C1 keep a local's object alive until the slot is overwritten.
            batch = null;
            parsed = null;
            events = null;
            body = null;
            List<WriteOutcome> outcomes;
            try {
                outcomes = writer.write(records);
            } catch (dev.sluice.store.StoreException notCommitted) {
                metrics.unavailable(tenant.id(), results.length);
                throw notCommitted;
            }
            for (int r = 0; r < outcomes.size(); r++) {
                if (outcomes.get(r) == WriteOutcome.DUPLICATE) {
                    int index = recordIndex.get(r);
                    results[index] = results[index].asDuplicate();
                }
            }
        }
        IngestOutcome.Processed processed = new IngestOutcome.Processed(List.of(results));
        metrics.record(tenant.id(), processed);
        return processed;
    }

    /** Per-request state: what is being committed and for whom. */
    private static final class Batch {
        final TenantConfig tenant;
        final Routes routes;
        final TenantCrypto crypto;
        final RequestContext request;
        final Instant now;
        final List<EventRecord> records = new ArrayList<>();
        final List<Integer> recordIndex = new ArrayList<>();
        /** Where each payload is rendered before it is sealed; one per request, reused for every payload. */
        final JsonBytes payloadBuffer = new JsonBytes(2048);
        /** Where {@link #payloadBuffer}'s payload is cut into parts. */
        final PayloadWriter.Layout layout = new PayloadWriter.Layout();
        /**
         * A part's plaintext ({@link PayloadParts}), {@link #partLength} bytes; reused, and sized by
         * the first part written (a single-event request that shares nothing allocates none).
         */
        byte[] partBuffer = new byte[0];
        int partLength;

        Batch(TenantConfig tenant, Routes routes, TenantCrypto crypto, RequestContext request, Instant now) {
            this.tenant = tenant;
            this.routes = routes;
            this.crypto = crypto;
            this.request = request;
            this.now = now;
        }

        /** The part of {@code src}'s two segments, in {@link #partBuffer} ({@link #partLength} bytes). */
        byte[] part(byte[] src, int firstFrom, int firstTo, int secondFrom, int secondTo) {
            int size = PayloadParts.size(firstTo - firstFrom, secondTo - secondFrom);
            if (partBuffer.length < size) {
                partBuffer = new byte[Math.max(size, partBuffer.length * 2)];
            }
            partLength = PayloadParts.write(src, firstFrom, firstTo, secondFrom, secondTo, partBuffer);
            return partBuffer;
        }
    }

    /** Decides, hashes and seals one valid event; adds it to the batch unless it is rejected. */
    private EventResult admit(Batch batch, ParsedEvent.Valid valid, int index, String prefix) {
        Event event = valid.event();
        Routes.Selection selection = batch.routes.select(event, prefix);
        // An explicit jurisdiction ("US-CA") wins over the one derived from the user's address.
        Optional<String> override = event.consent().jurisdiction();
        Optional<String> country = override.isPresent() ? override.map(j -> j.substring(0, 2)) : event.user().country();
        Optional<String> region = override.isPresent()
                ? override.filter(j -> j.length() > 3).map(j -> j.substring(3)) : event.user().state();
        Evaluation evaluation = consent.evaluate(event.consent(), country, region,
                batch.request.secGpc(), selection.routes().stream()
                        .map(r -> new DestinationRef(r.destination().id(), r.destination().type())).toList());
        List<Routes.Route> allowed = new ArrayList<>();
        EnumSet<HashingProfile> profiles = EnumSet.noneOf(HashingProfile.class);
        for (int d = 0; d < selection.routes().size(); d++) {
            if (evaluation.decisions().get(d).decision() != Decision.DENY) {
                allowed.add(selection.routes().get(d));
                profiles.add(selection.routes().get(d).profile());
            }
        }
        Hashed hashed = hasher.hash(personalData(event.user(), batch.tenant), profiles);

        List<FieldProblem> problems = new ArrayList<>(selection.problems());
        for (String problem : evaluation.problems()) {
            // The engine reports "signal:code", e.g. "tcf:invalid_format".
            int colon = problem.indexOf(':');
            problems.add(new FieldProblem(prefix + "/consent/" + problem.substring(0, colon), problem.substring(colon + 1),
                    "the consent signal cannot be read"));
        }
        for (FieldError error : hashed.errors()) {
            problems.add(new FieldProblem(prefix + "/user/" + error.field().jsonName(), error.code(), error.message()));
        }
        List<DestinationDecision> decisions = evaluation.decisions().stream().map(DestinationDecision::of).toList();
        if (!problems.isEmpty()) {
            return EventResult.rejected(index, Optional.of(event.eventId()), problems, valid.warnings());
        }

        List<OutboxRecord> outbox = new ArrayList<>(allowed.size());
        List<String> destinationIds = new ArrayList<>(allowed.size());
        List<ConsentDecision> allowedDecisions = new ArrayList<>(allowed.size());
        int shareable = 0;
        for (Routes.Route route : allowed) {
            ConsentDecision decision = decisionFor(evaluation, route.destination().id());
            allowedDecisions.add(decision);
            if (!decision.restrictions().stripUserData()) {
                shareable++;
            }
        }
        // The payload is rendered into the batch's one buffer and sealed from there; a destination
        // with the same profile and restrictions as the one before it seals the same bytes again.
        // When two or more copies hold the user object in full, what they have in common (the
        // event, client IP, user agent, custom data, consent) is sealed once, as the shared part,
        // from the first of them, rendered whole; each of them seals only its own part, and those
        // after the first render only that (docs/storage-log.md, "Shared part").
        PayloadKey inBuffer = null;
        JsonBytes buffer = batch.payloadBuffer;
        PayloadWriter.Layout layout = batch.layout;
        byte[] shared = null;
        for (int d = 0; d < allowed.size(); d++) {
            String destinationId = allowed.get(d).destination().id();
            ConsentDecision decision = allowedDecisions.get(d);
            boolean sharing = shareable > 1 && !decision.restrictions().stripUserData();
            PayloadKey key = new PayloadKey(allowed.get(d).profile(), decision.decision(), decision.restrictions());
            if (!key.equals(inBuffer)) {
                HashedIdentity identity = hashed.identities().get(key.profile());
                if (sharing && shared != null) {
                    payloads.renderOwn(buffer.reset(), identity, decision, layout);
                } else {
                    payloads.render(buffer.reset(), event, identity, decision, layout, sharing);
                }
                inBuffer = key;
            }
            byte[] aad = aad(batch.tenant.id(), destinationId, event);
            byte[] sealed;
            if (sharing) {
                if (shared == null) {
                    byte[] plain = batch.part(buffer.buffer(), 0, layout.userStart, layout.userEnd, layout.tailStart);
                    shared = batch.crypto.seal(plain, 0, batch.partLength,
                            PayloadAad.shared(batch.tenant.id(), event.eventName(), event.eventId()));
                }
                byte[] own = batch.part(buffer.buffer(), layout.userStart, layout.userEnd, layout.tailStart, buffer.length());
                sealed = batch.crypto.seal(own, 0, batch.partLength, aad);
                outbox.add(OutboxRecord.sealed(destinationId, sealed, batch.crypto.activeKeyId(), shared));
            } else {
                sealed = batch.crypto.seal(buffer.buffer(), 0, buffer.length(), aad);
                outbox.add(OutboxRecord.sealed(destinationId, sealed, batch.crypto.activeKeyId()));
            }
            destinationIds.add(destinationId);
        }
        List<Companion> companions = new ArrayList<>();
        CompanionSource.Admitted admitted = new CompanionSource.Admitted(batch.tenant, event, evaluation, destinationIds,
                batch.crypto, batch.now, hashed.subjectDigests());
        for (CompanionSource source : companionSources) {
            companions.addAll(source.companions(admitted));
        }
        batch.records.add(new EventRecord(batch.tenant.id(), event.eventName(), event.eventId(), event.eventTime(),
                batch.now, batch.now.plus(dedupWindow), outbox, companions));
        batch.recordIndex.add(index);
        return new EventResult(index, Optional.of(event.eventId()), EventResult.Status.ACCEPTED, destinationIds,
                decisions, List.of(), valid.warnings());
    }

    private record PayloadKey(HashingProfile profile, Decision decision, dev.sluice.consent.Restrictions restrictions) {
    }

    private static ConsentDecision decisionFor(Evaluation evaluation, String destinationId) {
        for (ConsentDecision d : evaluation.decisions()) {
            if (d.destinationId().equals(destinationId)) {
                return d;
            }
        }
        throw new IllegalStateException("no consent decision for a selected destination");
    }

    /** Binds a sealed payload to its tenant, destination and event, so it cannot be moved to another row. */
    public static byte[] aad(String tenantId, String destinationId, Event event) {
        return aad(tenantId, destinationId, event.eventName(), event.eventId());
    }

    /** The same binding from stored columns, for whoever opens a payload. */
    public static byte[] aad(String tenantId, String destinationId, String eventName, String eventId) {
        return PayloadAad.of(tenantId, destinationId, eventName, eventId);
    }

    private static PersonalData personalData(UserData user, TenantConfig tenant) {
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        user.email().ifPresent(v -> values.put(PiiField.EMAIL, v));
        user.phone().ifPresent(v -> values.put(PiiField.PHONE, v));
        user.firstName().ifPresent(v -> values.put(PiiField.FIRST_NAME, v));
        user.lastName().ifPresent(v -> values.put(PiiField.LAST_NAME, v));
        user.dateOfBirth().ifPresent(v -> values.put(PiiField.DATE_OF_BIRTH, v));
        user.gender().ifPresent(v -> values.put(PiiField.GENDER, v));
        user.city().ifPresent(v -> values.put(PiiField.CITY, v));
        user.state().ifPresent(v -> values.put(PiiField.STATE, v));
        user.zip().ifPresent(v -> values.put(PiiField.ZIP, v));
        user.country().ifPresent(v -> values.put(PiiField.COUNTRY, v));
        user.externalId().ifPresent(v -> values.put(PiiField.EXTERNAL_ID, v));
        return new PersonalData(values, tenant.defaultRegion());
    }
}
