package dev.sluice.connector.snapchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ConfigException;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import dev.sluice.connector.UnmappableItemException;
import dev.sluice.event.EventNames;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.PiiField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapchat request mapping, event names, limits, settings and secrecy, without a socket. */
class SnapchatConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));
    private static final String PHONE = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176";
    private static final String FIRST = "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2";
    private static final String LAST = "799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f";
    private static final String GENDER = "252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111";
    private static final String CITY = "0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685";
    private static final String STATE = "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126";
    private static final String ZIP = "b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7";
    private static final String COUNTRY = "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621";
    private static final String EXTERNAL = "8a3c5a67cad508582b5edf6b8352cea3ffbad7f44812c1a736b4444c0f5746aa";
    private static final String FULL_BODY = "{\"data\":[{\"event_name\":\"PURCHASE\",\"event_time\":1764324900,\"event_id\":\"order-1\","
            + "\"action_source\":\"WEB\",\"event_source_url\":\"https://shop.example/checkout\","
            + "\"user_data\":{\"em\":[\"" + SnapchatFixtures.EMAIL + "\"],\"ph\":[\"" + PHONE + "\"],"
            + "\"fn\":[\"" + FIRST + "\"],\"ln\":[\"" + LAST + "\"],\"ge\":[\"" + GENDER + "\"],\"ct\":[\"" + CITY + "\"],"
            + "\"st\":[\"" + STATE + "\"],\"zp\":[\"" + ZIP + "\"],\"country\":[\"" + COUNTRY + "\"],"
            + "\"external_id\":[\"" + EXTERNAL + "\"],\"client_ip_address\":\"203.0.113.7\",\"client_user_agent\":\"Mozilla/5.0\","
            + "\"sc_click_id\":\"" + SnapchatFixtures.SCCID + "\"},"
            + "\"custom_data\":{\"currency\":\"EUR\",\"value\":129.90,\"content_ids\":[\"sku-1\",\"sku-2\"],\"num_items\":2,"
            + "\"order_id\":\"10023\"}}]}";

    private final Connector snapchat = SnapchatFixtures.connector(SnapchatFixtures.settings("https://tr.snapchat.com"), CLOCK);

    // --- golden bodies -------------------------------------------------------------------------

    @Test
    void fullEvent_isMappedByteForByte() {
        assertEquals(FULL_BODY, body(snapchat, List.of(SnapchatFixtures.purchase(1, p -> { }))));
    }

    @Test
    void minimalEvent_isMappedByteForByte() {
        assertEquals("{\"data\":[{\"event_name\":\"SIGN_UP\",\"event_time\":1764324900,\"event_id\":\"signup-7\","
                        + "\"action_source\":\"OFFLINE\",\"user_data\":{\"em\":[\"" + SnapchatFixtures.EMAIL + "\"]}}]}",
                body(snapchat, List.of(SnapchatFixtures.item(7, SnapchatFixtures.MINIMAL_SIGN_UP))));
    }

    @Test
    void limitedDataUse_isMappedByteForByte() {
        assertEquals("{\"data\":[{\"event_name\":\"SIGN_UP\",\"event_time\":1764324900,\"event_id\":\"signup-7\","
                        + "\"action_source\":\"OFFLINE\",\"data_processing_options\":[\"LDU\"],"
                        + "\"user_data\":{\"em\":[\"" + SnapchatFixtures.EMAIL + "\"]}}]}",
                body(snapchat, List.of(SnapchatFixtures.item(7, SnapchatFixtures.LIMITED_SIGN_UP))));
    }

    @Test
    void testMode_sendsTheSameBytesToTheValidateEndpoint() {
        Map<String, String> settings = SnapchatFixtures.settings("https://tr.snapchat.com");
        settings.put("test-mode", "true");
        Connector test = SnapchatFixtures.connector(settings, CLOCK);
        HttpRequestSpec spec = test.prepare(List.of(SnapchatFixtures.purchase(1, p -> { })));
        assertEquals(FULL_BODY, new String(spec.body(), StandardCharsets.UTF_8));
        assertEquals("https://tr.snapchat.com/v3/" + SnapchatFixtures.PIXEL_ID + "/events/validate?access_token="
                + SnapchatFixtures.TOKEN_IN_URL, spec.uri().toString());
        assertEquals("SnapchatConnector[pixel=" + SnapchatFixtures.PIXEL_ID + ", host=tr.snapchat.com, test=true]", test.toString());
    }

    @Test
    void limitedDataUseWithCountryAndState_sendsBoth() {
        JsonNode e = event(p -> p.putObject("platform_flags").put("data_processing_options_country", 1)
                .put("data_processing_options_state", "1000").putArray("data_processing_options").add("LDU"));
        assertEquals("LDU", e.path("data_processing_options").get(0).textValue());
        assertEquals(1, e.path("data_processing_options_country").intValue());
        assertEquals(1000, e.path("data_processing_options_state").intValue());
        assertFalse(event(p -> { }).has("data_processing_options"), "no flags, no options");
    }

    // --- event names and action sources --------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Purchase, PURCHASE", "AddToCart, ADD_CART", "AddToWishlist, ADD_TO_WISHLIST", "AddPaymentInfo, ADD_BILLING",
            "InitiateCheckout, START_CHECKOUT", "PageView, PAGE_VIEW", "ViewContent, VIEW_CONTENT", "Search, SEARCH",
            "SignUp, SIGN_UP", "CompleteRegistration, SIGN_UP", "Subscribe, SUBSCRIBE", "StartTrial, START_TRIAL",
            "Schedule, RESERVE", "SAVE, SAVE", "LIST_VIEW, LIST_VIEW", "CUSTOM_EVENT_3, CUSTOM_EVENT_3"})
    void eventNames_areSnapchatsNames(String sluice, String expected) {
        assertEquals(expected, event(p -> p.put("event_name", sluice)).path("event_name").textValue());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Lead", "SubmitApplication", "Contact", "CustomizeProduct", "Donate", "FindLocation",
            "Newsletter_Optin", "purchase", "CUSTOM_EVENT_6", "APP_INSTALL"})
    void eventsWithoutASnapchatName_areUnmappable_withoutEchoingTheName(String sluice) {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.put("event_name", sluice)));
        assertEquals("event_name has no Snapchat event; map it with the destination setting event-names (e.g. to CUSTOM_EVENT_1)",
                e.reason());
    }

    @Test
    void refund_isNeverSent() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.put("event_name", "Refund")));
        assertThat(e.reason(), containsString("cannot take a conversion back"));
    }

    @Test
    void eventNamesSetting_mapsWhatSnapHasNoNameFor_andOverridesTheTable() {
        Map<String, String> settings = SnapchatFixtures.settings("https://tr.snapchat.com");
        settings.put("event-names", " Lead=CUSTOM_EVENT_1 , CompleteRegistration = CUSTOM_EVENT_2,Newsletter_Optin=SUBSCRIBE");
        Connector mapped = SnapchatFixtures.connector(settings, CLOCK);
        assertEquals("CUSTOM_EVENT_1", event(mapped, p -> p.put("event_name", "Lead")).path("event_name").textValue());
        assertEquals("CUSTOM_EVENT_2", event(mapped, p -> p.put("event_name", "CompleteRegistration")).path("event_name").textValue());
        assertEquals("SUBSCRIBE", event(mapped, p -> p.put("event_name", "Newsletter_Optin")).path("event_name").textValue());
        assertEquals("SIGN_UP", event(mapped, p -> p.put("event_name", "SignUp")).path("event_name").textValue());
    }

    @Test
    void eventNameTable_decidesEverySluiceStandardName() {
        // Each standard name is mapped, refused as having no counterpart, or never sent; a new one must be decided.
        Set<String> noCounterpart = Set.of("Lead", "SubmitApplication", "Contact", "CustomizeProduct", "Donate", "FindLocation");
        Set<String> decided = new TreeSet<>(SnapchatEventMapper.STANDARD_EVENTS.keySet());
        decided.addAll(noCounterpart);
        decided.addAll(SnapchatEventMapper.NOT_SENT);
        assertEquals(new TreeSet<>(EventNames.STANDARD), decided);
        assertTrue(SnapchatEventMapper.SNAP_EVENTS.containsAll(SnapchatEventMapper.STANDARD_EVENTS.values()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"website, WEB", "physical_store, OFFLINE", "phone_call, OFFLINE", "email, OFFLINE", "chat, OFFLINE",
            "system_generated, OFFLINE", "business_messaging, OFFLINE", "other, OFFLINE"})
    void actionSources_areWebOrOffline(String sluice, String expected) {
        assertEquals(expected, event(p -> p.put("action_source", sluice)).path("action_source").textValue());
    }

    @Test
    void appEvents_areUnmappableForAPixel() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.put("action_source", "app")));
        assertEquals(1, e.itemId());
        assertThat(e.reason(), containsString("Snap App ID"));
    }

    @ParameterizedTest(name = "action_source=[{0}]")
    @CsvSource({"''", "WEBSITE", "web"})
    void missingOrUnknownActionSource_isUnmappable(String source) {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("action_source", source)));
        assertThrows(UnmappableItemException.class, () -> event(p -> p.remove("action_source")));
    }

    // --- what Snap refuses, refused per item ---------------------------------------------------

    @Test
    void websiteEventWithoutUrl_isUnmappable_butAnOfflineOneIsSent() {
        assertEquals("website events need event_source_url",
                assertThrows(UnmappableItemException.class, () -> event(p -> p.remove("event_source_url"))).reason());
        assertFalse(event(p -> p.put("action_source", "physical_store").remove("event_source_url")).has("event_source_url"));
    }

    @Test
    void purchaseWithoutValueOrCurrency_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> ((ObjectNode) p.path("custom")).remove("value")));
        assertThrows(UnmappableItemException.class, () -> event(p -> ((ObjectNode) p.path("custom")).remove("currency")));
        assertFalse(event(p -> {
            p.put("event_name", "AddToCart");
            p.remove("custom");
        }).has("custom_data"), "other events need no custom_data");
    }

    @Test
    void eventWithoutAMatchKey_isUnmappable_namingKeysOnly() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> {
            ObjectNode hashed = (ObjectNode) p.path("user").path("hashed");
            hashed.remove(List.of("email", "phone"));
            ((ObjectNode) p.path("user")).remove("user_agent");
        }));
        assertEquals("user_data [client_ip_address, country, ct, external_id, fn, ge, ln, sc_click_id, st, zp] is too little "
                + "for Snapchat: needs em, ph, or client_ip_address with client_user_agent", e.reason());
        assertThat(e.getMessage(), not(containsString("203.0.113.7")));
    }

    @Test
    void ipAndUserAgentAlone_areEnough() {
        JsonNode user = event(p -> ((ObjectNode) p.path("user")).putObject("hashed")).path("user_data");
        assertEquals(Set.of("client_ip_address", "client_user_agent", "sc_click_id"), names(user));
    }

    @Test
    void ingestsMinimalEvent_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> snapchat.prepare(List.of(SnapchatFixtures.item(7, SnapchatFixtures.INGEST_MINIMAL))));
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("v", 2)));
    }

    @Test
    void value_keepsEveryDigitOfTheDecimalString_andANonNumberIsNotEchoed() {
        String big = "12345678901234567.000000001";
        assertThat(body(snapchat, List.of(SnapchatFixtures.purchase(1, p -> ((ObjectNode) p.path("custom")).put("value", big)))),
                containsString("\"value\":" + big));
        assertEquals(new BigDecimal("0.1"), event(p -> ((ObjectNode) p.path("custom")).put("value", "0.1"))
                .path("custom_data").path("value").decimalValue());
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> event(p -> ((ObjectNode) p.path("custom")).put("value", "12,50")));
        assertThat(e.getMessage(), not(containsString("12,50")));
    }

    // --- consent flags -------------------------------------------------------------------------

    @Test
    void flagSnapHasNoFieldFor_refusesTheItem_namingTheFlagOnly() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.putObject("platform_flags")
                .put("limited_data_use", true).putArray("data_processing_options").add("LDU")));
        assertEquals("platform_flags [limited_data_use] have no Snapchat field; sending without them would ignore the consent policy",
                e.reason());
    }

    @Test
    void malformedLimitedUseFlags_refuseTheItem() {
        List<Consumer<ObjectNode>> malformed = List.of(
                p -> p.put("platform_flags", "LDU"),
                p -> p.putObject("platform_flags").put("data_processing_options", "LDU"),
                p -> p.putObject("platform_flags").putArray("data_processing_options"),
                p -> p.putObject("platform_flags").putArray("data_processing_options").add("L D U"),
                p -> p.putObject("platform_flags").put("data_processing_options_country", 1),
                p -> p.putObject("platform_flags").put("data_processing_options_country", 1)
                        .putArray("data_processing_options").add("LDU"),
                p -> p.putObject("platform_flags").put("data_processing_options_country", "US")
                        .put("data_processing_options_state", 0).putArray("data_processing_options").add("LDU"));
        for (Consumer<ObjectNode> edit : malformed) {
            assertThrows(UnmappableItemException.class, () -> event(edit));
        }
    }

    // --- request, endpoint, batches ------------------------------------------------------------

    @Test
    void request_isAPostWithTheTokenInTheQueryOnly() {
        HttpRequestSpec spec = snapchat.prepare(List.of(SnapchatFixtures.purchase(1, p -> { })));
        assertEquals("POST", spec.method());
        assertEquals("https://tr.snapchat.com/v3/" + SnapchatFixtures.PIXEL_ID + "/events?access_token="
                + SnapchatFixtures.TOKEN_IN_URL, spec.uri().toString());
        assertEquals(Map.of("Content-Type", "application/json"), spec.headers());
        assertThat(new String(spec.body(), StandardCharsets.UTF_8), not(containsString(SnapchatFixtures.TOKEN)));
        assertEquals("https://tr.snapchat.com/v3/" + SnapchatFixtures.PIXEL_ID + "/events?access_token=***", spec.redactedUri());
    }

    @Test
    void baseUrl_withPathAndTrailingSlash_prefixesTheEndpoint_andDefaultsToSnaps() {
        Connector local = SnapchatFixtures.connector(SnapchatFixtures.settings("http://127.0.0.1:9999/snap//"), CLOCK);
        assertEquals("/snap/v3/" + SnapchatFixtures.PIXEL_ID + "/events",
                local.prepare(List.of(SnapchatFixtures.purchase(1, p -> { }))).uri().getPath());
        Map<String, String> settings = SnapchatFixtures.settings("x");
        settings.remove("base-url");
        assertEquals("tr.snapchat.com", SnapchatFixtures.connector(settings, CLOCK)
                .prepare(List.of(SnapchatFixtures.purchase(1, p -> { }))).uri().getHost());
    }

    @Test
    void limits_areSnapchats() {
        assertEquals("snapchat", snapchat.type());
        assertEquals(2000, snapchat.maxBatchSize());
        assertEquals(Duration.ofDays(37), snapchat.maxEventAge());
    }

    @Test
    void batchesOutsideOneToTwoThousand_areTheCallersBug() {
        assertEquals("batch size must be 1..2000, was 0",
                assertThrows(IllegalArgumentException.class, () -> snapchat.prepare(List.of())).getMessage());
        List<OutboxItem> tooMany = Collections.nCopies(2001, SnapchatFixtures.purchase(1, p -> { }));
        assertEquals("batch size must be 1..2000, was 2001",
                assertThrows(IllegalArgumentException.class, () -> snapchat.prepare(tooMany)).getMessage());
    }

    @Test
    void fullBatch_keepsTheItemsInOrder() {
        List<OutboxItem> full = LongStream.rangeClosed(1, 2000)
                .mapToObj(i -> SnapchatFixtures.purchase(i, p -> p.put("event_id", "order-" + i))).toList();
        JsonNode data = TestItems.json(snapchat.prepare(full).body()).path("data");
        assertEquals(2000, data.size());
        assertEquals("order-1", data.get(0).path("event_id").textValue());
        assertEquals("order-2000", data.get(1999).path("event_id").textValue());
    }

    @Test
    void oneUnmappableItem_isNamedById() {
        List<OutboxItem> batch = List.of(SnapchatFixtures.purchase(1, p -> { }),
                SnapchatFixtures.purchase(2, p -> p.put("event_name", "Refund")), SnapchatFixtures.purchase(3, p -> { }));
        assertEquals(2, assertThrows(UnmappableItemException.class, () -> snapchat.prepare(batch)).itemId());
    }

    @Test
    void fixture_isWhatThePrivacyStageWritesForSnapchat() {
        HashedIdentity identity = TestItems.designExampleIdentity(HashingProfile.SNAPCHAT);
        JsonNode fixture = SnapchatFixtures.purchasePayload().path("user");
        assertEquals(names(identity.hashed()), fixtureMap(fixture.path("hashed")));
        assertTrue(identity.plain().isEmpty());
        assertTrue(fixture.path("plain").isMissingNode());
    }

    // --- settings and secrecy ------------------------------------------------------------------

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"pixel-id, ''", "pixel-id, 1ec32188754e4be28e55c949a984a39f", "pixel-id, 1ec32188-754e-4be2-8e55-c949a984a39",
            "pixel-id, 'my pixel'", "base-url, ftp://tr.snapchat.com", "base-url, https://tr.snapchat.com?x=1",
            "base-url, tr.snapchat.com", "test-mode, yes", "event-names, Lead", "event-names, Lead=LEAD",
            "event-names, Lead=CUSTOM_EVENT_1;Contact=CUSTOM_EVENT_2", "event-names, 'Lead=CUSTOM_EVENT_1,Lead=SIGN_UP'",
            "event-names, Refund=PURCHASE", "event-names, 9Lives=SAVE",
            "access-token, " + SnapchatFixtures.TOKEN, "access-token, env:MISSING", "access-token, env:SPACED_TOKEN",
            "access-token, env:CONTROL_TOKEN"})
    void badSettings_areRefusedNamingTheKey_neverTheValue(String key, String value) {
        Map<String, String> settings = SnapchatFixtures.settings("https://tr.snapchat.com");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> SnapchatFixtures.connector(settings, CLOCK));
        assertEquals("destinations.snap.settings." + key, e.key());
        for (String secret : List.of(SnapchatFixtures.TOKEN, SnapchatFixtures.TOKEN_IN_URL, "snap abc", "Lives")) {
            assertThat(e.getMessage(), not(containsString(secret)));
        }
    }

    @Test
    void missingRequiredSettings_areNamed() {
        for (String key : List.of("pixel-id", "access-token")) {
            Map<String, String> settings = SnapchatFixtures.settings("https://tr.snapchat.com");
            settings.remove(key);
            assertEquals("destinations.snap.settings." + key,
                    assertThrows(ConfigException.class, () -> SnapchatFixtures.connector(settings, CLOCK)).key());
        }
    }

    @ParameterizedTest(name = "test-mode={0}")
    @CsvSource({"true, true", "TRUE, true", "false, false", "'', false"})
    void testMode_readsTrueOrFalse(String value, boolean expected) {
        Map<String, String> settings = SnapchatFixtures.settings("https://tr.snapchat.com");
        settings.put("test-mode", value);
        assertEquals(expected, SnapchatSettings.from(ConnectorSettings.of("d", settings), SnapchatFixtures.SECRETS).testMode());
    }

    @Test
    void tokenFromAFile_isTrimmed() throws Exception {
        Path dir = Files.createTempDirectory("snap");
        Files.writeString(dir.resolve("token"), SnapchatFixtures.TOKEN + "\n");
        Map<String, String> settings = SnapchatFixtures.settings("https://tr.snapchat.com");
        settings.put("access-token", "file:token");
        assertEquals(SnapchatFixtures.TOKEN, SnapchatSettings.from(ConnectorSettings.of("d", settings),
                Secrets.of(Map.of(), dir)).accessToken().text());
    }

    @Test
    void printedConnectorsSettingsAndRequests_neverShowTheToken() {
        HttpRequestSpec spec = snapchat.prepare(List.of(SnapchatFixtures.purchase(1, p -> { })));
        assertEquals("SnapchatConnector[pixel=" + SnapchatFixtures.PIXEL_ID + ", host=tr.snapchat.com, test=false]",
                snapchat.toString());
        String settings = SnapchatSettings.from(ConnectorSettings.of("destinations.snap",
                SnapchatFixtures.settings("https://tr.snapchat.com")), SnapchatFixtures.SECRETS).toString();
        assertThat(settings, containsString("env:SNAP_TOKEN"));
        for (String printed : List.of(spec.toString(), spec.redactedUri(), snapchat.toString(), settings)) {
            assertThat(printed, not(containsString(SnapchatFixtures.TOKEN)));
            assertThat(printed, not(containsString(SnapchatFixtures.TOKEN_IN_URL)));
            assertThat(printed, not(containsString("Tok3n")));
            assertThat(printed, not(containsString(SnapchatFixtures.EMAIL)));
        }
    }

    private JsonNode event(Consumer<ObjectNode> edit) {
        return event(snapchat, edit);
    }

    private static JsonNode event(Connector connector, Consumer<ObjectNode> edit) {
        return TestItems.json(connector.prepare(List.of(SnapchatFixtures.purchase(1, edit))).body()).path("data").get(0);
    }

    private static String body(Connector connector, List<OutboxItem> batch) {
        return new String(connector.prepare(batch).body(), StandardCharsets.UTF_8);
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, String> names(Map<PiiField, String> values) {
        return values.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().jsonName(), Map.Entry::getValue));
    }

    private static Map<String, String> fixtureMap(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().textValue()));
        return out;
    }
}
