package dev.sluice.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.event.Event;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParsedBody;
import dev.sluice.event.ParsedEvent;
import dev.sluice.event.ParserLimits;
import dev.sluice.privacy.Hashed;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.privacy.PayloadParts;
import dev.sluice.privacy.PersonalData;
import dev.sluice.privacy.PiiField;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sealed payload, exactly: what connectors read (version 1, through {@link PayloadFormat})
 * and the stored bytes (version 2). Connectors and stored outbox rows depend on both, so a change
 * to how payloads are written (such as rendering the parts every destination shares once per
 * event, which session 5 tried and measured slower) must keep them.
 */
final class PayloadWriterTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:20:00Z");
    private static final EventParser PARSER = new EventParser(ParserLimits.defaults(), InstantSource.fixed(NOW));
    private static final String FULL = """
            {"event_id":"e-1","event_name":"Purchase","event_time":1795861000,"action_source":"website",
             "event_source_url":"https://shop.example/checkout?x=1",
             "user":{"email":"a@b.example","client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (tést) \\u2028",
                     "click_ids":{"gclid":"Cj0-g","fbp":"fb.1.1596403881668.1116446470"}},
             "custom":{"value":"129.90","currency":"EUR","order_id":"o-1","content_ids":["sku-1","sku-2"],"num_items":2},
             "attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},
             "consent":{"ad_storage":"granted","ad_user_data":"granted","ad_personalization":"denied","gpc":false,
                        "us_privacy":"1YNN"}}""";
    private static final String MINIMAL = """
            {"event_id":"e-2","event_name":"Lead","event_time":1795861000,"action_source":"system_generated"}""";

    private final PayloadWriter writer = new PayloadWriter();

    @Test
    void fullEvent_allowed() {
        assertEquals("{\"v\":1,\"event_id\":\"e-1\",\"event_name\":\"Purchase\",\"event_time\":1795861000,"
                        + "\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/checkout?x=1\","
                        + "\"user\":{\"hashed\":{\"email\":\"" + "a".repeat(64) + "\",\"phone\":\"" + "b".repeat(64) + "\"},"
                        + "\"plain\":{\"country\":\"us\"},\"client_ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0 (t\u00e9st) \u2028\","
                        + "\"click_ids\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0-g\"}},"
                        + "\"custom\":{\"value\":\"129.90\",\"currency\":\"EUR\",\"order_id\":\"o-1\",\"content_ids\":[\"sku-1\",\"sku-2\"],\"num_items\":2},"
                        + "\"attribution\":{\"utm_campaign\":\"bf-2026\",\"utm_source\":\"facebook\"},"
                        + "\"consent\":{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\",\"ad_personalization\":\"denied\",\"gpc\":false,\"us_privacy\":\"1YNN\"},"
                        + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}",
                write(FULL, identity(), decision(Decision.ALLOW, Restrictions.NONE)));
    }

    @Test
    void fullEvent_limitedWithFlags_andStripped() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("data_processing_options", List.of("LDU"));
        flags.put("data_processing_options_country", 1);
        String limited = write(FULL, identity(), decision(Decision.LIMITED, new Restrictions(false, flags)));
        assertEquals(true, limited.endsWith("\"consent_decision\":{\"decision\":\"LIMITED\",\"rules\":[\"r1\"]},"
                + "\"platform_flags\":{\"data_processing_options\":[\"LDU\"],\"data_processing_options_country\":1}}"), limited);

        String stripped = write(FULL, identity(), decision(Decision.LIMITED, Restrictions.NOTHING));
        assertEquals(true, stripped.contains("\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/checkout?x=1\","
                + "\"user\":{\"hashed\":{},\"click_ids\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0-g\"}},"
                + "\"custom\":{"), stripped);
    }

    @Test
    void minimalEvent() {
        assertEquals("{\"v\":1,\"event_id\":\"e-2\",\"event_name\":\"Lead\",\"event_time\":1795861000,"
                        + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{}},\"consent\":{},"
                        + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}",
                write(MINIMAL, new HashedIdentity(new EnumMap<>(PiiField.class), new EnumMap<>(PiiField.class)),
                        decision(Decision.ALLOW, Restrictions.NONE)));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The payload as a connector reads it: the stored bytes read back into version 1. */
    private String write(String json, HashedIdentity identity, ConsentDecision decision) {
        try {
            byte[] stored = stored(json, identity, decision);
            JsonNode v1 = PayloadFormat.version1(JSON.readTree(stored));
            // Delivery reads the bytes straight into version 1: the same tree, member for member.
            assertEquals(v1, PayloadFormat.readVersion1(JSON, stored));
            return JSON.writeValueAsString(v1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] stored(String json, HashedIdentity identity, ConsentDecision decision) {
        return writer.write(event(json), identity, decision);
    }

    @Test
    void storedBytesAreTheCompactVersion2() {
        String b64a = Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex("a".repeat(64)));
        String b64b = Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex("b".repeat(64)));
        assertEquals("{\"v\":2,\"i\":\"e-1\",\"n\":\"Purchase\",\"t\":1795861000,\"s\":\"website\","
                        + "\"u\":\"https://shop.example/checkout?x=1\","
                        + "\"U\":{\"h\":{\"em\":\"" + b64a + "\",\"ph\":\"" + b64b + "\"},"
                        + "\"p\":{\"co\":\"us\"},\"ip\":\"203.0.113.7\",\"ua\":\"Mozilla/5.0 (t\u00e9st) \u2028\","
                        + "\"k\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0-g\"}},"
                        + "\"c\":{\"v\":\"129.90\",\"c\":\"EUR\",\"o\":\"o-1\",\"ids\":[\"sku-1\",\"sku-2\"],\"q\":2},"
                        + "\"a\":{\"utm_campaign\":\"bf-2026\",\"utm_source\":\"facebook\"},"
                        + "\"C\":{\"as\":\"granted\",\"au\":\"granted\",\"ap\":\"denied\",\"gpc\":false,\"usp\":\"1YNN\"},"
                        + "\"d\":{\"d\":\"ALLOW\",\"r\":[\"r1\"]}}",
                new String(stored(FULL, identity(), decision(Decision.ALLOW, Restrictions.NONE)), StandardCharsets.UTF_8));
        assertEquals(43, b64a.length());
    }

    @Test
    void aHashedValueThatIsNotAHexDigestIsKeptVerbatim() throws Exception {
        Map<PiiField, String> hashed = new EnumMap<>(PiiField.class);
        hashed.put(PiiField.EMAIL, "A".repeat(64)); // upper-case hex: not the digest form version 2 packs
        hashed.put(PiiField.PHONE, "=odd");
        hashed.put(PiiField.CITY, "c".repeat(63));
        String stored = new String(stored(MINIMAL, new HashedIdentity(hashed, new EnumMap<>(PiiField.class)),
                decision(Decision.ALLOW, Restrictions.NONE)), StandardCharsets.UTF_8);
        assertTrue(stored.contains("\"em\":\"=" + "A".repeat(64) + "\""), stored);
        JsonNode v1 = PayloadFormat.version1(JSON.readTree(stored));
        assertEquals("A".repeat(64), v1.at("/user/hashed/email").asText());
        assertEquals("=odd", v1.at("/user/hashed/phone").asText());
        assertEquals("c".repeat(63), v1.at("/user/hashed/city").asText());
    }

    @Test
    void keysThatAreDataAreNotRenamedAndVersion1PassesThrough() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("d", "a flag named like a short member");
        String json = FULL.replace("\"utm_source\":\"facebook\"", "\"utm_source\":\"facebook\",\"utm_content\":\"i\"");
        JsonNode v1 = JSON.readTree(write(json, identity(), decision(Decision.LIMITED, new Restrictions(false, flags))));
        assertEquals("a flag named like a short member", v1.at("/platform_flags/d").asText());
        assertEquals("i", v1.at("/attribution/utm_content").asText());
        assertEquals("Cj0-g", v1.at("/user/click_ids/gclid").asText());
        assertTrue(PayloadFormat.version1(v1) == v1, "a stored version 1 payload (rows written before version 2) is read as it is");
    }

    @Test
    void readVersion1_readsVersion1AndReorderedMembersAsATree_andRefusesWhatVersion1Refuses() throws Exception {
        String v1 = write(FULL, identity(), decision(Decision.ALLOW, Restrictions.NONE));
        assertEquals(JSON.readTree(v1), PayloadFormat.readVersion1(JSON, v1.getBytes(StandardCharsets.UTF_8)));
        String reordered = "{\"i\":\"e-1\",\"v\":2,\"U\":{\"h\":{\"em\":\"=x\"}}}";
        assertEquals(PayloadFormat.version1(JSON.readTree(reordered)),
                PayloadFormat.readVersion1(JSON, reordered.getBytes(StandardCharsets.UTF_8)));
        for (String bad : List.of("{\"v\":3}", "{\"v\":2,\"zz\":1}", "{\"v\":2,\"U\":{\"h\":{\"em\":\"not base64!\"}}}",
                "{\"v\":2,\"U\":{\"h\":{\"em\":\"AAAA\"}}}", "{\"v\":2,\"U\":{\"h\":{\"em\":{}}}}",
                "{\"v\":2,\"U\":[]}", "{\"v\":2,\"c\":{\"zz\":1}}", "[]", "{\"v\":2,\"i\":")) {
            assertThrows(IOException.class, () -> PayloadFormat.readVersion1(JSON, bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void anUnknownVersionOrMemberIsUnreadable() {
        assertThrows(IOException.class, () -> PayloadFormat.version1(JSON.readTree("{\"v\":3}")));
        assertThrows(IOException.class, () -> PayloadFormat.version1(JSON.readTree("{\"v\":2,\"zz\":1}")));
        assertThrows(IOException.class, () -> PayloadFormat.version1(JSON.readTree("{\"v\":2,\"U\":{\"h\":{\"em\":\"not base64!\"}}}")));
        assertThrows(IOException.class, () -> PayloadFormat.version1(JSON.readTree("{\"v\":2,\"U\":{\"h\":{\"em\":\"AAAA\"}}}")));
        assertThrows(IOException.class, () -> PayloadFormat.version1(JSON.readTree("[]")));
    }

    @Test
    void version2IsAboutAQuarterSmallerForTheLoadTestsShopper() {
        Map<PiiField, String> hashed = new EnumMap<>(PiiField.class);
        for (PiiField field : List.of(PiiField.EMAIL, PiiField.PHONE, PiiField.FIRST_NAME, PiiField.LAST_NAME, PiiField.CITY,
                PiiField.STATE, PiiField.ZIP, PiiField.COUNTRY, PiiField.EXTERNAL_ID)) {
            hashed.put(field, "0123456789abcdef".repeat(4));
        }
        HashedIdentity identity = new HashedIdentity(hashed, new EnumMap<>(PiiField.class));
        ConsentDecision allow = decision(Decision.ALLOW, Restrictions.NONE);
        int v2 = stored(FULL, identity, allow).length;
        int v1 = write(FULL, identity, allow).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(v2 < v1 * 0.8, "version 2: " + v2 + " bytes, version 1: " + v1);
    }

    /**
     * The cuts of {@link PayloadWriter.Layout}: head and middle (the shared part) come from the
     * event alone, identical for every copy that renders the user object in full, the four
     * segments spliced back are the payload's bytes, and {@link PayloadWriter#renderOwn} writes
     * the same own part; a stripped copy is not cut.
     */
    @Test
    void theSharedPartIsTheSameForEveryFullCopyAndSplicesBackToThePayload() throws IOException {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("consent", Map.of("ad_user_data", "GRANTED"));
        Map<PiiField, String> other = new EnumMap<>(PiiField.class);
        other.put(PiiField.PHONE, "c".repeat(64));
        Map<PiiField, String> notDigests = new EnumMap<>(PiiField.class);
        notDigests.put(PiiField.EMAIL, "A".repeat(64)); // upper case: kept verbatim, never raw
        notDigests.put(PiiField.CITY, "d".repeat(64));
        HashedIdentity[] identities = {identity(), new HashedIdentity(other, new EnumMap<>(PiiField.class)),
                new HashedIdentity(notDigests, Map.of(PiiField.COUNTRY, "us")),
                new HashedIdentity(new EnumMap<>(PiiField.class), new EnumMap<>(PiiField.class))};
        ConsentDecision[] decisions = {decision(Decision.ALLOW, Restrictions.NONE),
                decision(Decision.LIMITED, new Restrictions(false, flags))};
        String clickIdsOnly = """
                {"event_id":"e-3","event_name":"Lead","event_time":1795861000,"action_source":"app",
                 "user":{"email":"a@b.example","click_ids":{"gclid":"Cj0-g"}},"consent":{"gpc":true}}""";
        String agentOnly = """
                {"event_id":"e-4","event_name":"Lead","event_time":1795861000,"action_source":"email",
                 "user":{"user_agent":"curl/8"},"custom":{"value":"1.00","currency":"USD"}}""";
        for (String json : List.of(FULL, MINIMAL, clickIdsOnly, agentOnly)) {
            Event event = event(json);
            byte[] head = null;
            byte[] middle = null;
            for (HashedIdentity identity : identities) {
                for (ConsentDecision decision : decisions) {
                    JsonBytes g = new JsonBytes(64);
                    PayloadWriter.Layout layout = new PayloadWriter.Layout();
                    writer.render(g, event, identity, decision, layout, false);
                    byte[] payload = java.util.Arrays.copyOf(g.buffer(), g.length());
                    assertArrayEquals(writer.write(event, identity, decision), payload);
                    assertTrue(layout.shareable(), json);
                    byte[] h = java.util.Arrays.copyOfRange(payload, 0, layout.userStart);
                    byte[] m = java.util.Arrays.copyOfRange(payload, layout.userEnd, layout.tailStart);
                    if (head == null) {
                        head = h;
                        middle = m;
                    }
                    assertArrayEquals(head, h, json);
                    assertArrayEquals(middle, m, json);
                    byte[] shared = new byte[PayloadParts.size(h.length, m.length)];
                    PayloadParts.write(payload, 0, layout.userStart, layout.userEnd, layout.tailStart, shared);
                    byte[] own = new byte[PayloadParts.size(layout.userEnd - layout.userStart, payload.length - layout.tailStart)];
                    assertEquals(own.length, PayloadParts.write(payload, layout.userStart, layout.userEnd, layout.tailStart,
                            payload.length, own));
                    assertArrayEquals(payload, PayloadParts.splice(shared, own), json);
                    // The own part as ingest writes it: digests raw, twelve bytes fewer each, spliced back as
                    // hex behind '=' (a stored value readers take as is): the same version 1 tree.
                    JsonBytes rawG = new JsonBytes(64);
                    PayloadWriter.Layout rawLayout = new PayloadWriter.Layout();
                    writer.render(rawG, event, identity, decision, rawLayout, true);
                    byte[] raw = java.util.Arrays.copyOf(rawG.buffer(), rawG.length());
                    assertArrayEquals(h, java.util.Arrays.copyOfRange(raw, 0, rawLayout.userStart), json);
                    assertArrayEquals(m, java.util.Arrays.copyOfRange(raw, rawLayout.userEnd, rawLayout.tailStart), json);
                    byte[] rawOwn = new byte[PayloadParts.size(rawLayout.userEnd - rawLayout.userStart,
                            raw.length - rawLayout.tailStart)];
                    PayloadParts.write(raw, rawLayout.userStart, rawLayout.userEnd, rawLayout.tailStart, raw.length, rawOwn);
                    long digests = identity.hashed().values().stream().filter(v -> v.matches("[0-9a-f]{64}")).count();
                    assertEquals(own.length - 12 * digests, rawOwn.length, json);
                    byte[] spliced = PayloadParts.splice(shared, rawOwn);
                    assertEquals(PayloadFormat.readVersion1(JSON, payload), PayloadFormat.readVersion1(JSON, spliced), json);
                    assertEquals(PayloadFormat.version1(JSON.readTree(payload)), PayloadFormat.version1(JSON.readTree(spliced)), json);
                    assertEquals(payload.length + 22 * digests, spliced.length, json);
                    // Copies after the first render only their own part: the same bytes.
                    JsonBytes ownOnly = new JsonBytes(16);
                    PayloadWriter.Layout ownLayout = new PayloadWriter.Layout();
                    writer.renderOwn(ownOnly, identity, decision, ownLayout);
                    byte[] rendered = new byte[rawOwn.length];
                    PayloadParts.write(ownOnly.buffer(), ownLayout.userStart, ownLayout.userEnd, ownLayout.tailStart,
                            ownOnly.length(), rendered);
                    assertArrayEquals(rawOwn, rendered, json);
                    // The user data start with the hashes and the tail with the decision.
                    assertTrue(new String(payload, layout.userStart, 5, StandardCharsets.UTF_8).startsWith("\"h\":{"));
                    assertTrue(new String(payload, layout.tailStart, 5, StandardCharsets.UTF_8).startsWith(",\"d\":"));
                }
            }
            assertTrue(new String(middle, StandardCharsets.UTF_8).endsWith("}"), json);
        }
        JsonBytes g = new JsonBytes(64);
        PayloadWriter.Layout layout = new PayloadWriter.Layout();
        writer.render(g, event(FULL), identity(), decision(Decision.ALLOW, Restrictions.NONE), layout, false);
        writer.render(g.reset(), event(FULL), identity(), decision(Decision.LIMITED, Restrictions.NOTHING), layout, false);
        assertEquals(false, layout.shareable(), "a stripped copy holds no client IP or user agent");
        assertThrows(IllegalArgumentException.class, () -> writer.renderOwn(new JsonBytes(16), identity(),
                decision(Decision.LIMITED, Restrictions.NOTHING), new PayloadWriter.Layout()));
    }

    /**
     * Ingest's identities keep the digests they made as bytes, which the writer copies (quoted
     * payloads as base64url, own parts raw); an identity holding the same values as hex must give
     * the same bytes, in every platform's identity, a merchant's own digest among them.
     */
    @Test
    void digestsKeptAsBytesRenderExactlyAsTheirHex() {
        // Every field, the external id as a merchant's own digest (only its hex is kept).
        Map<PiiField, String> person = new EnumMap<>(Map.ofEntries(Map.entry(PiiField.EMAIL, " Jane.Doe@Example.com "),
                Map.entry(PiiField.PHONE, "+1 (415) 555-0123"), Map.entry(PiiField.FIRST_NAME, "Jane"),
                Map.entry(PiiField.LAST_NAME, "Doe"), Map.entry(PiiField.CITY, "San Francisco"),
                Map.entry(PiiField.STATE, "California"), Map.entry(PiiField.ZIP, "94103-1234"),
                Map.entry(PiiField.COUNTRY, "US"), Map.entry(PiiField.DATE_OF_BIRTH, "1990-02-01"),
                Map.entry(PiiField.GENDER, "female"), Map.entry(PiiField.EXTERNAL_ID, "9".repeat(63) + "A")));
        Hashed hashed = IdentityHasher.create().hash(new PersonalData(person, "US"), EnumSet.allOf(HashingProfile.class));
        assertTrue(hashed.ok(), hashed.errors().toString());
        Event event = event(FULL);
        ConsentDecision allow = decision(Decision.ALLOW, Restrictions.NONE);
        int copied = 0;
        for (HashedIdentity fromBytes : hashed.identities().values()) {
            HashedIdentity fromHex = new HashedIdentity(fromBytes.hashed(), fromBytes.plain());
            for (PiiField field : PiiField.values()) {
                byte[] digest = new byte[PayloadFormat.DIGEST_BYTES];
                if (fromBytes.copyDigest(field, digest, 0)) {
                    copied++;
                    assertEquals(HexFormat.of().formatHex(digest), fromBytes.hash(field), field.jsonName());
                }
                assertEquals(false, fromHex.copyDigest(field, digest, 0), "an identity from maps has only hex");
            }
            assertEquals(false, fromBytes.copyDigest(PiiField.EXTERNAL_ID, new byte[32], 0), "the merchant's digest");
            assertEquals(fromHex, fromBytes);
            for (boolean raw : new boolean[] {false, true}) {
                assertArrayEquals(rendered(event, fromHex, allow, raw), rendered(event, fromBytes, allow, raw));
            }
            JsonBytes a = new JsonBytes(16);
            JsonBytes b = new JsonBytes(16);
            writer.renderOwn(a, fromHex, allow, new PayloadWriter.Layout());
            writer.renderOwn(b, fromBytes, allow, new PayloadWriter.Layout());
            assertArrayEquals(java.util.Arrays.copyOf(a.buffer(), a.length()), java.util.Arrays.copyOf(b.buffer(), b.length()));
        }
        assertTrue(copied > 40, "digests copied as bytes: " + copied);
    }

    private byte[] rendered(Event event, HashedIdentity identity, ConsentDecision decision, boolean rawDigests) {
        JsonBytes g = new JsonBytes(64);
        writer.render(g, event, identity, decision, new PayloadWriter.Layout(), rawDigests);
        return java.util.Arrays.copyOf(g.buffer(), g.length());
    }

    static Event event(String json) {
        ParsedBody.Events body = (ParsedBody.Events) PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
        ParsedEvent parsed = body.events().getFirst();
        if (parsed instanceof ParsedEvent.Valid valid) {
            return valid.event();
        }
        throw new AssertionError("the fixture is invalid: " + parsed);
    }

    private static HashedIdentity identity() {
        Map<PiiField, String> hashed = new EnumMap<>(PiiField.class);
        hashed.put(PiiField.EMAIL, "a".repeat(64));
        hashed.put(PiiField.PHONE, "b".repeat(64));
        Map<PiiField, String> plain = new EnumMap<>(PiiField.class);
        plain.put(PiiField.COUNTRY, "us");
        return new HashedIdentity(hashed, plain);
    }

    private static ConsentDecision decision(Decision decision, Restrictions restrictions) {
        return new ConsentDecision("d", "meta", decision, List.of("r1"), List.of(), restrictions, "gdpr");
    }
}
