package dev.sluice.ingest;

import dev.sluice.config.TenantConfig;
import dev.sluice.event.Event;
import dev.sluice.event.EventParser;
import dev.sluice.event.FieldProblem;
import dev.sluice.event.ParsedBody;
import dev.sluice.event.ParsedEvent;
import dev.sluice.event.UserData;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.FieldError;
import dev.sluice.privacy.Hashed;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PersonalData;
import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.EventRecord;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.OutboxRecord;
import dev.sluice.store.WriteOutcome;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The ingest pipeline: parse and validate, normalize and hash per destination, seal the
 * per-destination payloads, then commit (deduplicating) and answer. Raw personal data exists
 * only inside {@link #ingest} and is dropped when it returns.
 *
 * <p>Every accepted result refers to an event whose transaction has committed; when the store
 * fails, {@link dev.sluice.store.StoreException} propagates and nothing is acknowledged.
 */
public final class IngestPipeline {
    private final EventParser parser;
    private final IdentityHasher hasher;
    private final DataKeyring keyring;
    private final GroupCommitWriter writer;
    private final IngestMetrics metrics;
    private final InstantSource clock;
    private final Duration dedupWindow;
    private final Map<String, Routes> routes;
    private final PayloadWriter payloads = new PayloadWriter();

    public IngestPipeline(EventParser parser, IdentityHasher hasher, DataKeyring keyring, GroupCommitWriter writer,
                          IngestMetrics metrics, InstantSource clock, Duration dedupWindow,
                          Collection<TenantConfig> tenants) {
        this.parser = parser;
        this.hasher = hasher;
        this.keyring = keyring;
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
        this.dedupWindow = dedupWindow;
        this.routes = tenants.stream().collect(Collectors.toUnmodifiableMap(TenantConfig::id, Routes::of));
    }

    /** Processes one request body for an authenticated tenant. */
    public IngestOutcome ingest(TenantConfig tenant, byte[] body) {
        ParsedBody parsed = parser.parse(body);
        List<ParsedEvent> events = switch (parsed) {
            case ParsedBody.Malformed m -> {
                metrics.malformed(tenant.id());
                yield null;
            }
            case ParsedBody.Events e -> e.events();
        };
        if (events == null) {
            return new IngestOutcome.Malformed(((ParsedBody.Malformed) parsed).problem());
        }
        boolean batch = ((ParsedBody.Events) parsed).batch();
        Instant now = clock.instant();
        TenantCrypto crypto = keyring.forTenant(tenant.id());
        Routes tenantRoutes = routes.get(tenant.id());

        EventResult[] results = new EventResult[events.size()];
        List<EventRecord> records = new ArrayList<>(events.size());
        List<Integer> recordIndex = new ArrayList<>(events.size());
        List<List<String>> recordDestinations = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            String prefix = batch ? "/events/" + i : "";
            switch (events.get(i)) {
                case ParsedEvent.Invalid invalid -> results[i] = EventResult.rejected(i, invalid.eventId(), invalid.problems(), List.of());
                case ParsedEvent.Valid valid -> {
                    Event event = valid.event();
                    Routes.Selection selection = tenantRoutes.select(event, prefix);
                    Hashed hashed = hasher.hash(personalData(event.user(), tenant), selection.profiles());
                    List<FieldProblem> problems = new ArrayList<>(selection.problems());
                    for (FieldError error : hashed.errors()) {
                        problems.add(new FieldProblem(prefix + "/user/" + error.field().jsonName(), error.code(), error.message()));
                    }
                    if (!problems.isEmpty()) {
                        results[i] = EventResult.rejected(i, Optional.of(event.eventId()), problems, valid.warnings());
                        continue;
                    }
                    List<OutboxRecord> outbox = new ArrayList<>(selection.routes().size());
                    List<String> destinationIds = new ArrayList<>(selection.routes().size());
                    // Destinations sharing a hashing profile share the payload bytes (sealed separately).
                    Map<HashingProfile, byte[]> rendered = new EnumMap<>(HashingProfile.class);
                    for (Routes.Route route : selection.routes()) {
                        String destinationId = route.destination().id();
                        byte[] payload = rendered.computeIfAbsent(route.profile(),
                                profile -> payloads.write(event, hashed.identities().get(profile)));
                        byte[] aad = aad(tenant.id(), destinationId, event);
                        outbox.add(new OutboxRecord(destinationId, crypto.seal(payload, aad), crypto.activeKeyId()));
                        destinationIds.add(destinationId);
                    }
                    records.add(new EventRecord(tenant.id(), event.eventName(), event.eventId(), event.eventTime(),
                            now, now.plus(dedupWindow), outbox));
                    recordIndex.add(i);
                    recordDestinations.add(destinationIds);
                    results[i] = new EventResult(i, Optional.of(event.eventId()), EventResult.Status.ACCEPTED,
                            destinationIds, List.of(), valid.warnings());
                }
            }
        }
        if (!records.isEmpty()) {
            List<WriteOutcome> outcomes = writer.write(records);
            for (int r = 0; r < outcomes.size(); r++) {
                if (outcomes.get(r) == WriteOutcome.DUPLICATE) {
                    EventResult accepted = results[recordIndex.get(r)];
                    results[recordIndex.get(r)] = new EventResult(accepted.index(), accepted.eventId(),
                            EventResult.Status.DUPLICATE, List.of(), List.of(), accepted.warnings());
                }
            }
        }
        IngestOutcome.Processed processed = new IngestOutcome.Processed(List.of(results));
        metrics.record(tenant.id(), processed);
        return processed;
    }

    /** Binds a sealed payload to its tenant, destination and event, so it cannot be moved to another row. */
    static byte[] aad(String tenantId, String destinationId, Event event) {
        return (tenantId + '\n' + destinationId + '\n' + event.eventName() + '\n' + event.eventId())
                .getBytes(StandardCharsets.UTF_8);
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
