package dev.sluice.connector.tiktok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ConfigException;
import dev.sluice.connector.Connector;
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
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
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

/** TikTok request mapping, event names, limits and settings, without a socket. */
class TiktokConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));
    private static final String EMAIL = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
    private static final String PHONE = "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8";
    private static final String FIRST = "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2";
    private static final String LAST = "799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f";
    private static final String ZIP = "b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7";
    private static final String EXTERNAL = "8a3c5a67cad508582b5edf6b8352cea3ffbad7f44812c1a736b4444c0f5746aa";
    /** PayloadWriterTest.minimalEvent's bytes: what ingest stores for an event with no user data. */
    private static final String MINIMAL = "{\"v\":1,\"event_id\":\"e-2\",\"event_name\":\"Lead\",\"event_time\":1795861000,"
            + "\"action_source\":\"system_generated\",\"user\":{\"hashed\":{}},\"consent\":{},"
            + "\"consent_decision\":{\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}";

    private final Connector tiktok = TiktokFixtures.connector(TiktokFixtures.settings("https://business-api.tiktok.com"), CLOCK);

    @Test
    void fullEvent_isMappedByteForByte() {
        assertEquals("{\"event_source\":\"web\",\"event_source_id\":\"C9TESTPIXELCODE01234\",\"data\":[{"
                        + "\"event\":\"Purchase\",\"event_time\":1764324900,\"event_id\":\"order-1\","
                        + "\"user\":{\"email\":\"" + EMAIL + "\",\"phone\":\"" + PHONE + "\",\"external_id\":\"" + EXTERNAL + "\","
                        + "\"first_name\":\"" + FIRST + "\",\"last_name\":\"" + LAST + "\","
                        + "\"city\":\"menlopark\",\"state\":\"ca\",\"country\":\"us\",\"zip_code\":\"" + ZIP + "\","
                        + "\"ttclid\":\"E.C.P.CqUBKvlmFzE0dGkz\",\"ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0\"},"
                        + "\"properties\":{\"value\":129.90,\"currency\":\"EUR\","
                        + "\"contents\":[{\"content_id\":\"sku-1\"},{\"content_id\":\"sku-2\"}],\"num_items\":2,\"order_id\":\"10023\"},"
                        + "\"page\":{\"url\":\"https://shop.example/checkout\"}}]}",
                body(tiktok, List.of(TiktokFixtures.purchase(1, p -> { }))));
    }

    @Test
    void minimalEvent_isMappedByteForByte() {
        assertEquals("{\"event_source\":\"web\",\"event_source_id\":\"C9TESTPIXELCODE01234\",\"data\":[{"
                        + "\"event\":\"Lead\",\"event_time\":1795861000,\"event_id\":\"e-2\",\"user\":{}}]}",
                body(tiktok, List.of(TiktokFixtures.item(7, MINIMAL))));
    }

    @Test
    void limitedDataUse_isSentOnTheEvent() {
        String minimalLimited = MINIMAL.replace("\"decision\":\"ALLOW\",\"rules\":[\"r1\"]}}",
                "\"decision\":\"LIMITED\",\"rules\":[\"tiktok.limited-data-use\"]},\"platform_flags\":{\"limited_data_use\":true}}");
        assertEquals("{\"event_source\":\"web\",\"event_source_id\":\"C9TESTPIXELCODE01234\",\"data\":[{"
                        + "\"event\":\"Lead\",\"event_time\":1795861000,\"event_id\":\"e-2\",\"user\":{},\"limited_data_use\":true}]}",
                body(tiktok, List.of(TiktokFixtures.item(7, minimalLimited))));
    }

    @Test
    void limitedDataUseFalse_isSentAsFalse_andAbsentFlagsSendNothing() {
        assertEquals(false, event(p -> p.putObject("platform_flags").put("limited_data_use", false))
                .path("limited_data_use").booleanValue());
        assertFalse(event(p -> { }).has("limited_data_use"));
    }

    @Test
    void testEventCode_goesAtTopLevelBeforeTheData() {
        Map<String, String> settings = TiktokFixtures.settings("https://business-api.tiktok.com");
        settings.put("test-event-code", "TEST12345");
        Connector test = TiktokFixtures.connector(settings, CLOCK);
        assertEquals("{\"event_source\":\"web\",\"event_source_id\":\"C9TESTPIXELCODE01234\",\"test_event_code\":\"TEST12345\","
                        + "\"data\":[{\"event\":\"Lead\",\"event_time\":1795861000,\"event_id\":\"e-2\",\"user\":{}}]}",
                body(test, List.of(TiktokFixtures.item(7, MINIMAL))));
    }

    @Test
    void request_isAPostWithTheTokenInItsHeader() {
        HttpRequestSpec spec = tiktok.prepare(List.of(TiktokFixtures.purchase(1, p -> { })));
        assertEquals("POST", spec.method());
        assertEquals("https://business-api.tiktok.com/open_api/v1.3/event/track/", spec.uri().toString());
        assertEquals(Map.of("Access-Token", TiktokFixtures.TOKEN, "Content-Type", "application/json"), spec.headers());
        assertThat(new String(spec.body(), StandardCharsets.UTF_8), not(containsString(TiktokFixtures.TOKEN)));
        assertThat(spec.toString(), containsString("Access-Token=***"));
    }

    @Test
    void baseUrl_withPathAndTrailingSlash_prefixesTheEndpoint() {
        Connector local = TiktokFixtures.connector(TiktokFixtures.settings("http://127.0.0.1:9999/tiktok/"), CLOCK);
        assertEquals("http://127.0.0.1:9999/tiktok/open_api/v1.3/event/track/",
                local.prepare(List.of(TiktokFixtures.purchase(1, p -> { }))).uri().toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "AddPaymentInfo, AddPaymentInfo", "AddToCart, AddToCart", "AddToWishlist, AddToWishlist",
            "CompleteRegistration, CompleteRegistration", "Contact, Contact", "CustomizeProduct, CustomizeProduct",
            "Donate, Donate", "FindLocation, FindLocation", "InitiateCheckout, InitiateCheckout", "Lead, Lead",
            "PageView, PageView", "Purchase, Purchase", "Schedule, Schedule", "Search, Search", "StartTrial, StartTrial",
            "SubmitApplication, SubmitApplication", "Subscribe, Subscribe", "ViewContent, ViewContent",
            "Refund, Refund", "SignUp, CompleteRegistration",
            "Newsletter_Optin, Newsletter_Optin", "signup, signup"})
    void eventNames_areTikToksStandardNamesOrPassedThrough(String sluice, String expected) {
        assertEquals(expected, event(p -> p.put("event_name", sluice)).path("event").textValue());
    }

    @Test
    void eventNameTable_decidesEverySluiceStandardName() {
        // The table above lists every standard name; a new one must be added there with its TikTok name.
        Set<String> listed = Set.of("AddPaymentInfo", "AddToCart", "AddToWishlist", "CompleteRegistration", "Contact",
                "CustomizeProduct", "Donate", "FindLocation", "InitiateCheckout", "Lead", "PageView", "Purchase", "Schedule",
                "Search", "StartTrial", "SubmitApplication", "Subscribe", "ViewContent", "Refund", "SignUp");
        assertEquals(new TreeSet<>(EventNames.STANDARD), new TreeSet<>(listed));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"website", "system_generated", "other", "email", "phone_call", "chat", "business_messaging"})
    void actionSourcesOfTheWebShop_goToThePixel(String source) {
        assertEquals("Purchase", event(p -> p.put("action_source", source)).path("event").textValue());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"app", "physical_store"})
    void appAndStoreEvents_areUnmappableForAPixel(String source) {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.put("action_source", source)));
        assertEquals(1, e.itemId());
        assertThat(e.reason(), containsString("action_source " + source));
    }

    @Test
    void missingActionSource_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.remove("action_source")));
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("v", 2)));
    }

    @Test
    void flagTiktokHasNoFieldFor_isUnmappable_namingTheFlagOnly() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.putObject("platform_flags")
                .put("limited_data_use", true).putArray("data_processing_options").add("LDU")));
        assertEquals("platform_flags [data_processing_options] have no TikTok field", e.reason());
    }

    @Test
    void limitedDataUseThatIsNotABoolean_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.putObject("platform_flags").put("limited_data_use", "true")));
    }

    @Test
    void value_keepsEveryDigitOfTheDecimalString() {
        String big = "12345678901234567.000000001";
        assertThat(body(tiktok, List.of(TiktokFixtures.purchase(1, p -> ((ObjectNode) p.path("custom")).put("value", big)))),
                containsString("\"value\":" + big));
        assertEquals(new BigDecimal("0.1"), event(p -> ((ObjectNode) p.path("custom")).put("value", "0.1"))
                .path("properties").path("value").decimalValue());
    }

    @Test
    void value_thatIsNotANumber_isUnmappable_withoutEchoingIt() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> event(p -> ((ObjectNode) p.path("custom")).put("value", "12,50")));
        assertThat(e.getMessage(), not(containsString("12,50")));
    }

    @Test
    void payloadHashedForAnotherProfile_sendsOnlyWhatTiktokTakes() {
        // The shared example is hashed for Meta: hashed city/state/country/gender/birth date are not
        // TikTok fields, and a plain zip is not how TikTok takes one.
        JsonNode user = TestItems.json(tiktok.prepare(List.of(TestItems.purchase(1, "o-1"))).body())
                .path("data").get(0).path("user");
        Set<String> keys = new TreeSet<>();
        user.fieldNames().forEachRemaining(keys::add);
        assertEquals(new TreeSet<>(Set.of("email", "phone", "external_id", "first_name", "last_name", "country", "zip_code",
                "ip", "user_agent")), keys);
    }

    @Test
    void fixture_isWhatThePrivacyStageWritesForTiktok() {
        HashedIdentity identity = TestItems.designExampleIdentity(HashingProfile.TIKTOK);
        JsonNode fixture = TiktokFixtures.purchasePayload().path("user");
        assertEquals(names(identity.hashed()), fixtureMap(fixture.path("hashed")));
        assertEquals(names(identity.plain()), fixtureMap(fixture.path("plain")));
    }

    @Test
    void prepare_refusesEmptyAndOversizedBatches_naming_theLimit() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> tiktok.prepare(List.of()));
        assertEquals("batch size must be 1..1000, was 0", empty.getMessage());
        List<OutboxItem> tooMany = Collections.nCopies(1001, TiktokFixtures.purchase(1, p -> { }));
        assertEquals("batch size must be 1..1000, was 1001",
                assertThrows(IllegalArgumentException.class, () -> tiktok.prepare(tooMany)).getMessage());
    }

    @Test
    void fullBatch_keepsTheItemsInOrder() {
        List<OutboxItem> full = LongStream.rangeClosed(1, 1000)
                .mapToObj(i -> TiktokFixtures.purchase(i, p -> p.put("event_id", "order-" + i))).toList();
        JsonNode data = TestItems.json(tiktok.prepare(full).body()).path("data");
        assertEquals(1000, data.size());
        assertEquals("order-1", data.get(0).path("event_id").textValue());
        assertEquals("order-1000", data.get(999).path("event_id").textValue());
    }

    @Test
    void limits_areTiktoks() {
        assertEquals("tiktok", tiktok.type());
        assertEquals(1000, tiktok.maxBatchSize());
        assertEquals(Duration.ofDays(28), tiktok.maxEventAge());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"pixel-code, ''", "pixel-code, c9testpixelcode01234", "pixel-code, C9TEST", "pixel-code, 'C9TESTPIXEL CODE0123'",
            "base-url, ftp://business-api.tiktok.com", "base-url, https://business-api.tiktok.com?x=1",
            "test-event-code, 'TEST 1'", "access-token, tt-literal-token-value", "access-token, env:MISSING",
            "access-token, env:TOKEN_WITH_SPACE"})
    void badSettings_areRefusedNamingTheKey(String key, String value) {
        Map<String, String> settings = TiktokFixtures.settings("https://business-api.tiktok.com");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> TiktokFixtures.connector(settings, CLOCK));
        assertEquals("destinations.tiktok.settings." + key, e.key());
        assertThat(e.getMessage(), not(containsString("tt-literal-token-value")));
        assertThat(e.getMessage(), not(containsString("abc def")));
    }

    @Test
    void connectorAndSettings_neverPrintTheToken() {
        Map<String, String> settings = TiktokFixtures.settings("https://business-api.tiktok.com");
        settings.put("test-event-code", "TEST12345");
        Connector test = TiktokFixtures.connector(settings, CLOCK);
        assertEquals("TiktokConnector[pixel=C9TESTPIXELCODE01234, test=true]", test.toString());
        String printedSettings = TiktokSettings.from(dev.sluice.connector.ConnectorSettings.of("destinations.tiktok", settings),
                TiktokFixtures.SECRETS).toString();
        assertThat(printedSettings, not(containsString(TiktokFixtures.TOKEN)));
        assertThat(printedSettings, containsString("env:TIKTOK_TOKEN"));
    }

    private JsonNode event(Consumer<ObjectNode> edit) {
        return TestItems.json(tiktok.prepare(List.of(TiktokFixtures.purchase(1, edit))).body()).path("data").get(0);
    }

    private static String body(Connector connector, List<OutboxItem> batch) {
        return new String(connector.prepare(batch).body(), StandardCharsets.UTF_8);
    }

    private static Map<String, String> names(Map<PiiField, String> values) {
        return values.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().jsonName(), Map.Entry::getValue));
    }

    private static Map<String, String> fixtureMap(JsonNode object) {
        Map<String, String> out = new java.util.HashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().textValue()));
        return out;
    }
}
