package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.audit.AuditLog;
import dev.sluice.audit.AuditSigner;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.LedgerSettings;
import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.delivery.StoredCopies;
import dev.sluice.event.EventParser;
import dev.sluice.event.FieldProblem;
import dev.sluice.event.ParserLimits;
import dev.sluice.event.ProblemCode;
import dev.sluice.testing.NastyValues;
import dev.sluice.testing.NastyValues.Nasty;
import dev.sluice.ledger.LedgerSource;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.OutboxRow;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Field-aware fuzzing of the whole ingest path below HTTP: parse, validate, consent, normalize and
 * hash for every hashing profile, render and seal each destination's payload, commit to SQLite
 * with the audit and ledger companions. A valid purchase has one field (or two) replaced by a
 * nasty value ({@link NastyValues}) or a seeded random string; whatever the value, the event is
 * either accepted, with every digest in every stored copy 64 lower-case hex digits, or rejected
 * with listed codes at the changed field (or its object), never quoting the value; nothing
 * throws. Seeded, so a failure reproduces.
 */
class FieldFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-28T10:20:00Z");
    private static final String MARK = "\"@@nasty@@\"";
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final String EMPTY_DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** Codes of the event parser, of personal data that cannot be normalized, and of routing. */
    static final Set<String> CODES = Stream.concat(Arrays.stream(ProblemCode.values()).map(ProblemCode::code),
            Stream.of("invalid_email", "invalid_phone", "invalid_name", "invalid_city", "invalid_state", "invalid_zip",
                    "invalid_country", "invalid_date", "invalid_gender", "value_too_long", "unsupported_version",
                    "unknown_destination")).collect(Collectors.toUnmodifiableSet());
    /** The user fields that are personal data: their raw values must never be stored. */
    private static final Set<String> PERSONAL = Set.of("/user/email", "/user/phone", "/user/first_name",
            "/user/last_name", "/user/date_of_birth", "/user/gender", "/user/city", "/user/state", "/user/zip",
            "/user/country", "/user/external_id");
    /** Taken in plain text (normalized, sealed) by GA4 and TikTok. */
    private static final Set<String> PLAIN = Set.of("/user/city", "/user/state", "/user/zip", "/user/country");

    static final String BASE = """
            {"event_id":"@id","event_name":"Purchase","event_time":"2026-11-28T10:15:00Z","action_source":"website",
             "event_source_url":"https://shop.example/checkout",
             "user":{"email":"Jane.Doe@Example.com","phone":"+1 (650) 555-1212","first_name":"Jane","last_name":"Doe",
                     "date_of_birth":"1990-04-01","gender":"f","city":"Menlo Park","state":"CA","zip":"94025",
                     "country":"US","external_id":"cust-42","client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (X11)",
                     "click_ids":{"fbc":"fb.1.1764324900000.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
                                  "fbp":"fb.1.1764324900000.1098115397",
                                  "gclid":"EAIaIQobChMIq9O3tqGb-gIVqhkGAB0Z_w-8EAAYASAAEgKQ_vD_BwE",
                                  "ttclid":"E.C.P.v3Ghz2Bza3k9R","ttp":"01HZX3ABCDEF","ScCid":"a1b2c3d4",
                                  "_scid":"abc-123-def","_ga":"GA1.1.123456789.1700000000","epik":"dj0yJnU9abc",
                                  "li_fat_id":"abc123-def","rdt_cid":"1234567890","msclkid":"abcdef0123456789"}},
             "custom":{"value":"129.90","currency":"EUR","order_id":"10023","content_ids":["sku-1","sku-2"],"num_items":2},
             "attribution":{"utm_source":"facebook","utm_campaign":"bf-2026","campaign_id":"123"},
             "consent":{"ad_storage":"granted","ad_user_data":"granted","ad_personalization":"granted",
                        "analytics_storage":"granted","gpc":false,"us_privacy":"1YNN","opt_out":false}}
            """;
    /**
     * A second base: a German shopper with a little personal data, no click ids, attributed by
     * its attribution block alone, so that the paths the full base never takes run too (the ledger
     * attributes by click id first; EEA consent rules).
     */
    static final String SPARSE = """
            {"event_id":"@id","event_name":"Lead","event_time":1795860900,"action_source":"email",
             "user":{"email":"max@example.de","phone":"030 123456","city":"Berlin","state":"Bayern","zip":"10115",
                     "country":"DE","gender":"m"},
             "custom":{"value":5,"currency":"EUR"},
             "attribution":{"platform":"newsletter","utm_source":"crm","utm_id":"n-7"},
             "consent":{"ad_user_data":"granted","ad_personalization":"granted","ad_storage":"granted",
                        "analytics_storage":"granted","tcf":null}}
            """;

    /** The base event for three destinations only: one with a hashing profile, one with plain fields, a webhook. */
    static final String NARROW = BASE.replace("\"consent\":{", "\"destinations\":[\"meta\",\"ga4\",\"webhook\"],\"consent\":{");

    /** Optional fields the base event leaves out, fuzzed by adding them. */
    private static final List<String> ADDED = List.of("/consent/jurisdiction", "/consent/tcf", "/destinations");

    private static final List<DestinationConfig> DESTINATIONS = Stream.of("meta", "google_ads", "ga4", "tiktok",
            "snapchat", "pinterest", "linkedin", "reddit", "microsoft", "webhook")
            .map(type -> new DestinationConfig(type, type, Map.of())).toList();
    private static final TenantConfig ACME = new TenantConfig("acme", List.of(new byte[32]), "US", Optional.empty(),
            Duration.ofMinutes(5), DESTINATIONS, false);
    private static final DataKeyring KEYRING = DataKeyring.of(Map.of("k1", new byte[32]), "k1");

    @TempDir
    Path dir;
    private Store store;
    private GroupCommitWriter writer;
    private IngestPipeline pipeline;
    private int nextId;
    /** What each event id carried, to name the case of a stored copy that fails a check. */
    private final Map<String, Case> cases = new HashMap<>();

    /** One fuzzed event: the pointers changed and the values put there. */
    record Case(String base, List<String> pointers, List<Nasty> values) {
        Case(List<String> pointers, List<Nasty> values) {
            this(BASE, pointers, values);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(base == SPARSE ? "(sparse) " : base == NARROW ? "(narrow) " : "");
            for (int i = 0; i < pointers.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(pointers.get(i)).append(" = ").append(values.get(i));
            }
            return s.toString();
        }
    }

    @BeforeEach
    void open() {
        store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
        writer = new GroupCommitWriter(store, 4000, new SimpleMeterRegistry());
        InstantSource clock = InstantSource.fixed(NOW);
        ConsentPolicy policy = ConsentPolicy.load(Path.of("conf/consent-policy.yaml"));
        AuditLog audit = new AuditLog(store.sql(), AuditSigner.parse("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="),
                1000, Duration.ofMinutes(5), clock);
        pipeline = new IngestPipeline(new EventParser(ParserLimits.defaults(), clock), new ConsentEngine(policy),
                IdentityHasher.create(), KEYRING, writer, new IngestMetrics(new SimpleMeterRegistry()), clock,
                Duration.ofDays(7), List.of(ACME), List.of(audit.companions(policy), new LedgerSource(LedgerSettings.defaults())));
    }

    /** What went wrong, each once; all are reported together, so that one run shows every kind of failure. */
    private final Set<String> failures = new LinkedHashSet<>();

    private void failure(String what) {
        failures.add(what);
    }

    @AfterEach
    void close() {
        writer.close();
        store.close();
        if (!failures.isEmpty()) {
            fail(failures.size() + " failures:\n" + failures.stream().limit(200).collect(Collectors.joining("\n")));
        }
    }

    @Test
    void theBaseEventsAreAcceptedWithoutWarnings() throws Exception {
        List<EventResult> results = post(List.of(new Case(List.of(), List.of())), false);
        EventResult result = results.getFirst();
        assertEquals(EventResult.Status.ACCEPTED, result.status(), result.problems().toString());
        assertEquals(DESTINATIONS.size(), result.destinations().size());
        assertEquals(List.of(), result.warnings());
        EventResult sparse = post(List.of(new Case(SPARSE, List.of(), List.of())), false).getFirst();
        assertEquals(EventResult.Status.ACCEPTED, sparse.status(), sparse.problems().toString());
        assertEquals(List.of(), sparse.warnings());
        checkStoredCopies();
    }

    @Test
    void everyNastyValueInEveryField() throws Exception {
        List<Nasty> values = NastyValues.dictionary();
        for (String pointer : pointers()) {
            // Only personal data is normalized per platform: the other fields go to three
            // destinations, which keeps the test quick (the sealing, audit and outbox of ten
            // copies of thousands of events are most of its time).
            String base = pointer.startsWith("/user/") || pointer.startsWith("/destinations") ? BASE : NARROW;
            List<Case> batch = new ArrayList<>();
            for (Nasty value : values) {
                batch.add(new Case(base, List.of(pointer), List.of(value)));
            }
            post(batch, true);
        }
        checkStoredCopies();
    }

    @Test
    void seededRandomStringsInEveryField() throws Exception {
        Random random = new Random(0x5_1CE_F022L);
        for (String base : List.of(BASE, SPARSE)) {
            for (String pointer : pointers(base)) {
                List<Case> batch = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    batch.add(new Case(base, List.of(pointer), List.of(NastyValues.random(random))));
                }
                post(batch, true);
            }
        }
        checkStoredCopies();
    }

    /** Fields read together: the country decides how phones and ZIP codes are read, and the jurisdiction. */
    @Test
    void pairsOfFieldsChangedTogether() throws Exception {
        List<String[]> pairs = List.of(new String[] {"/user/phone", "/user/country"},
                new String[] {"/user/zip", "/user/country"}, new String[] {"/user/state", "/user/country"},
                new String[] {"/consent/jurisdiction", "/user/state"}, new String[] {"/custom/value", "/custom/currency"},
                new String[] {"/user/email", "/user/external_id"}, new String[] {"/user/first_name", "/user/last_name"});
        List<Nasty> values = NastyValues.dictionary();
        Random random = new Random(0x9A1_25L);
        for (String[] pair : pairs) {
            List<Case> batch = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                Nasty first = random.nextBoolean() ? values.get(random.nextInt(values.size())) : NastyValues.random(random);
                Nasty second = random.nextBoolean() ? values.get(random.nextInt(values.size())) : NastyValues.random(random);
                batch.add(new Case(i % 2 == 0 ? BASE : SPARSE, List.of(pair), List.of(first, second)));
            }
            post(batch, true);
        }
        checkStoredCopies();
    }

    /** Single events (no /events/i prefix), and strings too long for any body, which make it malformed at the field. */
    @Test
    void singleEventsAndOverlongStrings() throws Exception {
        Random random = new Random(0x51_46L);
        List<Nasty> values = NastyValues.dictionary();
        for (String pointer : pointers()) {
            for (int i = 0; i < 4; i++) {
                post(List.of(new Case(List.of(pointer), List.of(values.get(random.nextInt(values.size()))))), false);
            }
            for (Nasty overlong : NastyValues.overlong()) {
                Case c = new Case(List.of(pointer), List.of(overlong));
                IngestOutcome outcome = ingest(body(List.of(c), false), c);
                if (!(outcome instanceof IngestOutcome.Malformed malformed)) {
                    failure("not malformed: " + c);
                } else if (!malformed.problem().pointer().equals(pointer) || !malformed.problem().code().equals("too_long")) {
                    failure("malformed at " + malformed.problem().pointer() + " " + malformed.problem().code() + ": " + c);
                } else {
                    checkMessage(malformed.problem(), c);
                }
            }
        }
        checkStoredCopies();
    }

    /**
     * No raw personal value reaches the database, whatever it is: the data directory's files are
     * searched for every value put in a personal field (the store only ever held personal-field
     * cases, so no other field can have put the same text there).
     */
    @Test
    void rawPersonalValuesNeverReachTheDatabase() throws Exception {
        Set<String> sent = new LinkedHashSet<>(List.of("Jane.Doe@Example.com", "650) 555-1212", "Menlo Park", "cust-42",
                "1990-04-01", "94025"));
        String baseId = "fz-" + nextId;
        post(List.of(new Case(List.of(), List.of())), false);
        Random random = new Random(0xD15CL);
        List<Nasty> values = new ArrayList<>(NastyValues.dictionary());
        for (int i = 0; i < 20; i++) {
            values.add(NastyValues.random(random));
        }
        // Only values that can be told apart from everything else stored are worth sending here.
        values.removeIf(v -> v.text() == null || !searchable(v.text()));
        for (String pointer : PERSONAL) {
            List<Case> batch = new ArrayList<>();
            for (Nasty value : values) {
                batch.add(new Case(List.of(pointer), List.of(value)));
                sent.add(value.text());
            }
            post(batch, true);
        }
        writer.close();
        store.close();
        byte[] files = readAll(dir);
        String haystack = new String(files, StandardCharsets.ISO_8859_1);
        assertTrue(haystack.contains(baseId), "the search finds what is stored as sent, such as an event id");
        for (String value : sent) {
            String needle = new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            int at = haystack.indexOf(needle);
            if (at >= 0) {
                String around = haystack.substring(Math.max(0, at - 40), Math.min(haystack.length(), at + needle.length() + 40));
                failure("a raw personal value is in the database: " + NastyValues.jsonString(value) + " in "
                        + NastyValues.jsonString(around));
            }
        }
        store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
        writer = new GroupCommitWriter(store, 4000, new SimpleMeterRegistry());
    }

    /**
     * The same over a real socket, fewer cases: every answer is 202, 422 or 400 (never 5xx), a
     * problem body for the 4xx, naming the changed field, and no answer quotes the value.
     */
    @Test
    void overHttpEveryAnswerIsFourHundredOrAcceptedAndQuotesNothing(@TempDir Path data) throws Exception {
        List<String> fields = List.of("/user/email", "/user/phone", "/user/first_name", "/user/last_name",
                "/user/date_of_birth", "/user/gender", "/user/city", "/user/state", "/user/zip", "/user/country",
                "/user/external_id", "/user/client_ip", "/user/click_ids/fbc", "/event_time", "/custom/value",
                "/custom/currency", "/consent/jurisdiction", "/consent/tcf");
        List<Nasty> values = NastyValues.dictionary();
        Random random = new Random(0x477_9L);
        try (dev.sluice.testing.TestGateway sluice = dev.sluice.testing.TestGateway.start(data, InstantSource.fixed(NOW),
                Map.of())) {
            for (String pointer : fields) {
                List<Nasty> sample = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    sample.add(random.nextInt(4) == 0 ? NastyValues.random(random) : values.get(random.nextInt(values.size())));
                }
                sample.add(NastyValues.overlong().get(random.nextInt(NastyValues.overlong().size())));
                for (Nasty value : sample) {
                    Case c = new Case(List.of(pointer), List.of(value));
                    var answer = sluice.postEvents(dev.sluice.testing.TestGateway.ACME_KEY, body(List.of(c), false));
                    checkAnswer(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""), answer.body(), c);
                }
            }
        }
    }

    private void checkAnswer(int status, String contentType, String body, Case c) throws IOException {
        if (status != 202 && status != 422 && status != 400) {
            failure("answered " + status + " for " + c);
            return;
        }
        if (status != 202 && !contentType.startsWith("application/problem+json")) {
            failure("a " + status + " without a problem body for " + c);
        }
        JsonNode answer = JSON.readTree(body);
        List<JsonNode> problems = new ArrayList<>();
        answer.path("errors").forEach(problems::add);
        answer.path("results").forEach(r -> {
            r.path("problems").forEach(problems::add);
            r.path("warnings").forEach(problems::add);
        });
        if (status != 202 && problems.isEmpty()) {
            failure("a " + status + " naming no field for " + c);
        }
        for (JsonNode p : problems) {
            checkPointer(new FieldProblem(p.path("pointer").asText(), p.path("code").asText(), p.path("message").asText()), c, "");
        }
        String text = c.values().getFirst().text();
        if (text != null && searchable(text) && body.contains(JSON.writeValueAsString(text).replace("\"", ""))) {
            failure("the answer quotes the value for " + c);
        }
    }

    /** Words the stored rows and copies hold whatever the event: consent flags, decisions, names. */
    private static final Set<String> WORDS = Set.of("granted", "denied", "limited", "allow", "purchase", "website");

    /** Long enough to be found only where it was put, and not text the base event or the stored rows hold anyway. */
    private static boolean searchable(String text) {
        String t = text.strip();
        return t.length() >= 5 && t.chars().anyMatch(Character::isLetterOrDigit) && !BASE.contains(t)
                && !t.contains("1YNN")
                && !t.startsWith("https://") && !t.matches("[0-9.,+\\-eE ]+|[A-Z]{2}(-[A-Z]{2})?|[0-9a-fA-F]{64}")
                && !WORDS.contains(t.toLowerCase(java.util.Locale.ROOT));
    }

    private static byte[] readAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.write(Files.readAllBytes(file));
            }
            return all.toByteArray();
        }
    }

    /** Every field of the base event that holds a value, and the optional ones it leaves out. */
    private static List<String> pointers() throws IOException {
        return pointers(BASE);
    }

    private static List<String> pointers(String base) throws IOException {
        List<String> into = new ArrayList<>();
        leaves(JSON.readTree(base), "", into);
        into.addAll(ADDED);
        return into;
    }

    private static void leaves(JsonNode node, String pointer, List<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> leaves(e.getValue(), pointer + "/" + e.getKey(), into));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), pointer + "/" + i, into);
            }
        } else {
            into.add(pointer);
        }
    }

    /** The body for {@code batch}: each case's event with its values put in, in a batch or alone. */
    private String body(List<Case> batch, boolean asBatch) {
        List<String> events = new ArrayList<>();
        for (Case c : batch) {
            String id = "fz-" + nextId++;
            cases.put(id, c);
            int changedId = c.pointers().indexOf("/event_id");
            if (changedId >= 0 && c.values().get(changedId).text() != null) {
                cases.put(c.values().get(changedId).text(), c);
            }
            ObjectNode event;
            try {
                event = (ObjectNode) JSON.readTree(c.base().replace("@id", id));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String text = null;
            for (int i = 0; i < c.pointers().size(); i++) {
                String pointer = c.pointers().get(i);
                int slash = pointer.lastIndexOf('/');
                JsonNode parent = event.at(pointer.substring(0, slash));
                String key = pointer.substring(slash + 1);
                String mark = "@@nasty" + i + "@@";
                if (parent.isArray()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(key), mark);
                } else {
                    ((ObjectNode) parent).put(key, mark);
                }
            }
            text = event.toString();
            for (int i = 0; i < c.values().size(); i++) {
                text = text.replace("\"@@nasty" + i + "@@\"", c.values().get(i).json());
            }
            events.add(text);
        }
        return asBatch ? "{\"events\":[" + String.join(",", events) + "]}" : events.getFirst();
    }

    /** The outcome, or null (a failure recorded) when ingest threw. */
    private IngestOutcome ingest(String body, Object description) {
        try {
            return pipeline.ingest(ACME, body.getBytes(StandardCharsets.UTF_8), IngestPipeline.RequestContext.NONE);
        } catch (RuntimeException | Error e) {
            StackTraceElement at = java.util.Arrays.stream(e.getStackTrace())
                    .filter(frame -> frame.getClassName().startsWith("dev.sluice.")).findFirst().orElse(null);
            failure("ingest threw " + e + " at " + at + " for " + description);
            return null;
        }
    }

    /** Posts the cases and checks each event's answer. */
    private List<EventResult> post(List<Case> batch, boolean asBatch) throws IOException {
        IngestOutcome outcome = ingest(body(batch, asBatch), batch.size() == 1 ? batch.getFirst() : batch.getFirst().pointers());
        if (outcome == null && batch.size() > 1) {
            // Find the events that throw, one at a time.
            batch.forEach(c -> ingest(body(List.of(c), false), c));
            return List.of();
        }
        if (outcome == null) {
            return List.of();
        }
        if (outcome instanceof IngestOutcome.Malformed malformed) {
            failure("malformed body for " + batch.getFirst().pointers() + ": " + malformed.problem());
            return List.of();
        }
        List<EventResult> results = ((IngestOutcome.Processed) outcome).results();
        assertEquals(batch.size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            check(results.get(i), batch.get(i), asBatch ? "/events/" + i : "");
        }
        return results;
    }

    private void check(EventResult result, Case c, String prefix) {
        switch (result.status()) {
            case ACCEPTED -> {
                for (FieldProblem warning : result.warnings()) {
                    checkPointer(warning, c, prefix);
                    checkMessage(warning, c);
                }
            }
            case DUPLICATE -> failure("duplicate for " + c);
            case REJECTED -> {
                if (result.problems().isEmpty()) {
                    failure("rejected without problems: " + c);
                }
                for (FieldProblem problem : result.problems()) {
                    if (!CODES.contains(problem.code())) {
                        failure("unlisted code " + problem.code() + " at " + problem.pointer() + " for " + c);
                    }
                    checkPointer(problem, c, prefix);
                    checkMessage(problem, c);
                    if (problem.pointer().equals(prefix + "/event_id") && result.eventId().isPresent()) {
                        failure("a refused event id is echoed for " + c);
                    }
                }
            }
        }
    }

    /**
     * Fields read in the light of another: a national phone number is read in the event's country,
     * so a changed (or blanked) country can make the phone the field at fault.
     */
    private static final Map<String, String> DEPENDENT = Map.of("/user/country", "/user/phone");

    /**
     * A problem names the changed field, the object or list holding it, (for a list or object put
     * there) a member, or a field read in the changed one's light ({@link #DEPENDENT}).
     */
    private void checkPointer(FieldProblem problem, Case c, String prefix) {
        for (String pointer : c.pointers()) {
            String parent = pointer.substring(0, pointer.lastIndexOf('/'));
            if (problem.pointer().equals(prefix + pointer) || problem.pointer().equals(prefix + parent)
                    || problem.pointer().startsWith(prefix + pointer + "/")
                    || problem.pointer().equals(prefix + DEPENDENT.get(pointer))) {
                return;
            }
        }
        failure("problem " + problem.code() + " at " + problem.pointer() + " for " + c + ": " + problem.message());
    }

    /** A message may give a fixed example ("e.g. 2026-11-28T10:15:00Z"); what follows it is not the value. */
    private void checkMessage(FieldProblem problem, Case c) {
        int example = problem.message().indexOf("e.g. ");
        String message = example < 0 ? problem.message() : problem.message().substring(0, example);
        for (Nasty value : c.values()) {
            String text = value.text() == null ? null : value.text().strip();
            if (text != null && text.length() >= 4 && text.chars().anyMatch(Character::isLetterOrDigit)
                    && !WORDS.contains(text.toLowerCase(java.util.Locale.ROOT))
                    && message.contains(text)) {
                failure("message quotes the value for " + c + ": " + problem.message());
            }
        }
    }

    /**
     * Opens every stored copy: each digest is 64 lower-case hex digits and not that of the empty
     * string, each plain value is non-blank text without control or invisible characters, and no
     * changed personal value appears raw (except the plain location fields, normalized).
     */
    private void checkStoredCopies() throws IOException {
        for (OutboxRow row : store.outbox("acme", Integer.MAX_VALUE)) {
            Case c = cases.get(row.eventId());
            if (c.pointers().stream().noneMatch(p -> p.startsWith("/user/"))) {
                continue; // the base event's user data, checked once by the first test
            }
            JsonNode payload = PayloadFormat.version1(JSON.readTree(StoredCopies.open(KEYRING.forTenant("acme"), "acme",
                    row.destinationId(), row.eventName(), row.eventId(), row.payload())));
            String where = row.destinationId() + " copy of " + c;
            List<JsonNode> hashed = new ArrayList<>();
            payload.path("user").path("hashed").forEach(node -> collect(node, hashed));
            for (JsonNode digest : hashed) {
                if (!DIGEST.matcher(digest.asText()).matches() || digest.asText().equals(EMPTY_DIGEST)) {
                    failure("not a digest in the " + where + ": " + digest);
                }
            }
            List<JsonNode> plain = new ArrayList<>();
            payload.path("user").path("plain").forEach(node -> collect(node, plain));
            for (JsonNode value : plain) {
                if (!cleanPlain(value.asText())) {
                    failure("unclean plain value in the " + where + ": " + NastyValues.jsonString(value.asText()));
                }
            }
            String text = payload.toString();
            for (int i = 0; i < c.pointers().size(); i++) {
                String raw = c.values().get(i).text();
                if (PERSONAL.contains(c.pointers().get(i)) && !PLAIN.contains(c.pointers().get(i)) && raw != null
                        && searchable(raw) && text.contains(JSON.writeValueAsString(raw).replace("\"", ""))) {
                    failure("raw personal value in the " + where);
                }
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            node.forEach(child -> collect(child, into));
        } else {
            into.add(node);
        }
    }

    /** Non-blank, well-formed, without controls, format characters (zero-width, bidi) or surrounding space. */
    static boolean cleanPlain(String s) {
        if (s.isEmpty() || !s.equals(s.strip())) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i))))) {
                return false;
            }
        }
        return true;
    }
}
