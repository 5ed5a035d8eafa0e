package dev.sluice.connector.ga4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GA4 request mapping, event names, client ids, limits, settings and secrecy, without a socket. */
class Ga4ConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));
    private static final String FULL_BODY = "{\"client_id\":\"" + Ga4Fixtures.CLIENT_ID + "\",\"timestamp_micros\":1764324900000000,"
            + "\"user_data\":{\"sha256_email_address\":[\"" + Ga4Fixtures.EMAIL + "\"],"
            + "\"sha256_phone_number\":[\"" + Ga4Fixtures.PHONE + "\"],"
            + "\"address\":[{\"sha256_first_name\":\"" + Ga4Fixtures.FIRST + "\",\"sha256_last_name\":\"" + Ga4Fixtures.LAST + "\","
            + "\"city\":\"menlo park\",\"region\":\"ca\",\"postal_code\":\"94025\",\"country\":\"US\"}]},"
            + "\"consent\":{\"ad_user_data\":\"GRANTED\",\"ad_personalization\":\"DENIED\"},"
            + "\"events\":[{\"name\":\"purchase\",\"params\":{\"transaction_id\":\"10023\",\"value\":129.90,\"currency\":\"EUR\","
            + "\"items\":[{\"item_id\":\"sku-1\"},{\"item_id\":\"sku-2\"}]}}]}";

    private final Connector ga4 = Ga4Fixtures.connector(Ga4Fixtures.settings(null), CLOCK);

    // --- golden bodies -------------------------------------------------------------------------

    @Test
    void fullPurchase_withTheGaCookie_isMappedByteForByte() {
        assertEquals(FULL_BODY, body(ga4, Ga4Fixtures.purchase(1, p -> { })));
    }

    @Test
    void bareClientId_givesTheSameBytesAsTheCookie() {
        assertEquals(FULL_BODY, body(ga4, Ga4Fixtures.purchase(1, p -> clickIds(p).put("_ga", Ga4Fixtures.CLIENT_ID))));
    }

    @Test
    void minimalEvent_isMappedByteForByte() {
        assertEquals("{\"client_id\":\"" + Ga4Fixtures.CLIENT_ID + "\",\"timestamp_micros\":1764324900000000,"
                        + "\"events\":[{\"name\":\"generate_lead\"}]}",
                body(ga4, Ga4Fixtures.item(7, Ga4Fixtures.MINIMAL_LEAD)));
    }

    @Test
    void limitedDecision_sendsNoUserData_andDeniesBothConsents_byteForByte() {
        assertEquals("{\"client_id\":\"" + Ga4Fixtures.CLIENT_ID + "\",\"timestamp_micros\":1764324900000000,"
                        + "\"consent\":{\"ad_user_data\":\"DENIED\",\"ad_personalization\":\"DENIED\"},"
                        + "\"events\":[{\"name\":\"sign_up\"}]}",
                body(ga4, Ga4Fixtures.item(7, Ga4Fixtures.LIMITED_SIGN_UP)));
    }

    @Test
    void validateMode_sendsTheSameBytesToTheValidationServer() {
        Map<String, String> settings = Ga4Fixtures.settings(null);
        settings.put("validate", "true");
        Connector validating = Ga4Fixtures.connector(settings, CLOCK);
        HttpRequestSpec spec = validating.prepare(List.of(Ga4Fixtures.purchase(1, p -> { })));
        assertEquals(FULL_BODY, new String(spec.body(), StandardCharsets.UTF_8));
        assertEquals("https://www.google-analytics.com/debug/mp/collect?measurement_id=" + Ga4Fixtures.MEASUREMENT_ID
                + "&api_secret=" + Ga4Fixtures.SECRET_IN_URL, spec.uri().toString());
        assertEquals("Ga4Connector[measurement=" + Ga4Fixtures.MEASUREMENT_ID + ", host=www.google-analytics.com, validate=true]",
                validating.toString());
    }

    // --- client id -----------------------------------------------------------------------------

    @ParameterizedTest(name = "_ga={0}")
    @CsvSource({"GA1.1.1234567890.1764320000, 1234567890.1764320000", "GA1.2.987654321.1700000000, 987654321.1700000000",
            "1234567890.1764320000, 1234567890.1764320000", "5.6, 5.6"})
    void clientId_isTheCookiesLastTwoParts_orTheBareId(String ga, String expected) {
        assertEquals(expected, request(p -> clickIds(p).put("_ga", ga)).path("client_id").textValue());
    }

    @Test
    void noGaClientId_isUnmappable_evenWithOtherBrowserIds() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> request(p -> {
            clickIds(p).remove("_ga");
            clickIds(p).put("fbp", "fb.1.1596403881668.1116446470");
        }));
        assertEquals(1, e.itemId());
        assertEquals("no GA client id (click_ids._ga)", e.reason());
        assertThrows(UnmappableItemException.class, () -> ga4.prepare(List.of(Ga4Fixtures.item(7, Ga4Fixtures.INGEST_MINIMAL))));
        assertThrows(UnmappableItemException.class, () -> request(p -> clickIds(p).put("_ga", "")));
    }

    @ParameterizedTest(name = "_ga={0}")
    @CsvSource({"GA1.1.1234567890", "GA2.1.1234567890.1764320000", "GA1.1.abc.1764320000", "GA1.1.1234567890.1764320000.9",
            "1234567890", "1234567890.", "amp-Xy9Zq.1764320000", "ga1.1.1234567890.1764320000"})
    void malformedGaValue_isUnmappable_withoutEchoingIt(String ga) {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> request(p -> clickIds(p).put("_ga", ga)));
        assertEquals("no GA client id (click_ids._ga is neither a _ga cookie GA1.<n>.<random>.<timestamp> "
                + "nor a client id <random>.<timestamp>)", e.reason());
        assertThat(e.getMessage(), not(containsString(ga)));
    }

    // --- event names ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"Purchase, purchase", "Refund, refund", "AddToCart, add_to_cart", "AddToWishlist, add_to_wishlist",
            "AddPaymentInfo, add_payment_info", "InitiateCheckout, begin_checkout", "Lead, generate_lead",
            "SignUp, sign_up", "CompleteRegistration, sign_up", "ViewContent, view_item", "Search, search",
            "PageView, page_view", "Contact, contact", "CustomizeProduct, customize_product", "Donate, donate",
            "FindLocation, find_location", "Schedule, schedule", "StartTrial, start_trial",
            "SubmitApplication, submit_application", "Subscribe, subscribe"})
    void standardNames_areGa4Names(String sluice, String expected) {
        assertEquals(expected, name(sluice));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Newsletter_Optin", "purchase", "callback_requested", "x", "a234567890123456789012345678901234567890",
            "gallery_view", "Firebase"})
    void customNamesWithinGa4Rules_goAsTheyAre(String custom) {
        assertEquals(custom, name(custom));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"a2345678901234567890123456789012345678901", "9Lives", "with-dash", "with space"})
    void customNamesBreakingGa4Rules_areUnmappable_withoutEchoingTheName(String custom) {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> name(custom));
        assertEquals("event_name does not fit GA4's name rules (a letter, then at most 39 letters, digits or underscores)", e.reason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"session_start", "Session_Start", "first_visit", "user_engagement", "screen_view", "app_remove", "click",
            "ad_click", "ga_checkout", "GA_checkout", "google_lead", "firebase_campaign_x"})
    void reservedNamesAndPrefixes_areUnmappable(String custom) {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> name(custom));
        assertEquals("event_name is reserved by GA4 (reserved name or prefix)", e.reason());
        assertThat(e.getMessage(), not(containsString(custom)));
    }

    @Test
    void eventNameTable_decidesEverySluiceStandardName_withValidUnreservedGa4Names() {
        assertEquals(new TreeSet<>(EventNames.STANDARD), new TreeSet<>(Ga4EventMapper.STANDARD_EVENTS.keySet()));
        for (String name : Ga4EventMapper.STANDARD_EVENTS.values()) {
            assertTrue(Ga4EventMapper.NAME.matcher(name).matches(), name);
            assertFalse(Ga4EventMapper.RESERVED_NAMES.contains(name), name);
        }
    }

    // --- params --------------------------------------------------------------------------------

    @Test
    void value_keepsEveryDigit_andNeedsACurrency_andANonNumberIsNotEchoed() {
        String big = "12345678901234567.000000001";
        assertThat(body(ga4, Ga4Fixtures.purchase(1, p -> custom(p).put("value", big))), containsString("\"value\":" + big));
        assertEquals(new BigDecimal("0.1"), request(p -> custom(p).put("value", "0.1")).path("events").get(0)
                .path("params").path("value").decimalValue());
        UnmappableItemException noCurrency = assertThrows(UnmappableItemException.class, () -> request(p -> custom(p).remove("currency")));
        assertEquals("custom.value needs custom.currency: GA4 counts no revenue without it", noCurrency.reason());
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> request(p -> custom(p).put("value", "12,50")));
        assertThat(e.getMessage(), not(containsString("12,50")));
    }

    @Test
    void eventWithoutCustomData_hasNoParams_andCurrencyAloneIsSent() {
        assertFalse(request(p -> {
            p.put("event_name", "AddToCart");
            p.remove("custom");
        }).path("events").get(0).has("params"));
        JsonNode params = request(p -> p.set("custom", p.objectNode().put("currency", "EUR"))).path("events").get(0).path("params");
        assertEquals("{\"currency\":\"EUR\"}", params.toString());
    }

    @Test
    void refund_goesWithItsTransactionId_andIsUnmappableWithoutOne() {
        JsonNode event = request(p -> p.put("event_name", "Refund")).path("events").get(0);
        assertEquals("refund", event.path("name").textValue());
        assertEquals("10023", event.path("params").path("transaction_id").textValue());
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> request(p -> {
            p.put("event_name", "Refund");
            custom(p).remove("order_id");
        }));
        assertThat(e.reason(), startsWith("Refund needs custom.order_id"));
        assertFalse(request(p -> custom(p).remove("order_id")).path("events").get(0).path("params").has("transaction_id"),
                "a purchase without an order id still goes");
    }

    @Test
    void parameterValuesOverAHundredCharacters_areUnmappable_withoutEchoingThem() {
        String hundred = "x".repeat(100);
        assertEquals(hundred, request(p -> custom(p).put("order_id", hundred)).path("events").get(0).path("params")
                .path("transaction_id").textValue());
        String longer = "o".repeat(101);
        UnmappableItemException order = assertThrows(UnmappableItemException.class, () -> request(p -> custom(p).put("order_id", longer)));
        assertEquals("custom.order_id is longer than GA4's 100-character limit for parameter values", order.reason());
        UnmappableItemException item = assertThrows(UnmappableItemException.class,
                () -> request(p -> ((ArrayNode) custom(p).path("content_ids")).add(longer)));
        assertThat(item.reason(), startsWith("custom.content_ids is longer"));
        assertThat(item.getMessage(), not(containsString(longer)));
    }

    @Test
    void bodyOver130kB_isUnmappable() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> request(p -> {
            ArrayNode ids = custom(p).putArray("content_ids");
            for (int i = 0; i < 1200; i++) {
                ids.add(String.format("%0100d", i));
            }
        }));
        assertThat(e.reason(), containsString("exceeds GA4's 130 kB limit"));
    }

    @Test
    void timestampMicros_isTheEventTime() {
        OutboxItem item = Ga4Fixtures.purchase(1, p -> p.put("event_time", 1700000000L));
        assertEquals(1_700_000_000_000_000L, TestItems.json(ga4.prepare(List.of(item)).body()).path("timestamp_micros").longValue());
    }

    // --- user data and consent -----------------------------------------------------------------

    @Test
    void userData_sendsOnlyWhatThePayloadHas() {
        JsonNode onlyEmail = request(p -> {
            ObjectNode user = (ObjectNode) p.path("user");
            user.putObject("hashed").put("email", Ga4Fixtures.EMAIL);
            user.remove("plain");
        }).path("user_data");
        assertEquals("{\"sha256_email_address\":[\"" + Ga4Fixtures.EMAIL + "\"]}", onlyEmail.toString());
        JsonNode onlyCountry = request(p -> {
            ObjectNode user = (ObjectNode) p.path("user");
            user.putObject("hashed");
            user.putObject("plain").put("country", "DE");
        }).path("user_data");
        assertEquals("{\"address\":[{\"country\":\"DE\"}]}", onlyCountry.toString());
        assertFalse(request(p -> {
            ((ObjectNode) p.path("user")).putObject("hashed");
            ((ObjectNode) p.path("user")).remove("plain");
        }).has("user_data"));
    }

    @Test
    void neitherIpNorUserAgentNorOtherClickIds_areSent() {
        String body = body(ga4, Ga4Fixtures.purchase(1, p -> { }));
        for (String absent : List.of("203.0.113.7", "Mozilla", "Cj0KCQiA", "GA1.1", "https://shop.example", "utm_source")) {
            assertThat(body, not(containsString(absent)));
        }
    }

    @Test
    void adUserDataDenied_sendsNoUserData_evenWhenThePolicyDidNotStripIt() {
        JsonNode root = request(p -> p.putObject("platform_flags").putObject("consent").put("ad_user_data", "DENIED"));
        assertFalse(root.has("user_data"));
        assertEquals("{\"ad_user_data\":\"DENIED\"}", root.path("consent").toString());
    }

    @Test
    void consent_isSentInGa4sFieldOrder_andOnlyWhenThePolicySetsIt() {
        JsonNode reordered = request(p -> p.putObject("platform_flags").putObject("consent")
                .put("ad_personalization", "GRANTED").put("ad_user_data", "GRANTED"));
        assertEquals("{\"ad_user_data\":\"GRANTED\",\"ad_personalization\":\"GRANTED\"}", reordered.path("consent").toString());
        assertFalse(request(p -> p.remove("platform_flags")).has("consent"));
        assertFalse(request(p -> p.putObject("platform_flags")).has("consent"));
    }

    @Test
    void malformedOrUnknownConsentFlags_refuseTheItem() {
        List<Consumer<ObjectNode>> malformed = List.of(
                p -> p.put("platform_flags", "DENIED"),
                p -> p.putObject("platform_flags").put("limited_data_use", true),
                p -> p.putObject("platform_flags").put("consent", "DENIED"),
                p -> p.putObject("platform_flags").putObject("consent").put("ad_user_data", "denied"),
                p -> p.putObject("platform_flags").putObject("consent").put("ad_user_data", true),
                p -> p.putObject("platform_flags").putObject("consent").put("adUserData", "DENIED"),
                p -> p.putObject("platform_flags").putObject("consent").put("ad_storage", "GRANTED"));
        for (Consumer<ObjectNode> edit : malformed) {
            assertThrows(UnmappableItemException.class, () -> request(edit));
        }
        assertEquals("platform_flags [limited_data_use] have no GA4 field; sending without them would ignore the consent policy",
                assertThrows(UnmappableItemException.class, () -> request(malformed.get(1))).reason());
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> request(p -> p.put("v", 2)));
    }

    // --- request, endpoint, limits -------------------------------------------------------------

    @Test
    void request_isAPostWithTheSecretInTheQueryOnly_andPrintsMasked() {
        HttpRequestSpec spec = ga4.prepare(List.of(Ga4Fixtures.purchase(1, p -> { })));
        assertEquals("POST", spec.method());
        assertEquals("https://www.google-analytics.com/mp/collect?measurement_id=" + Ga4Fixtures.MEASUREMENT_ID
                + "&api_secret=" + Ga4Fixtures.SECRET_IN_URL, spec.uri().toString());
        assertEquals(Map.of("Content-Type", "application/json"), spec.headers());
        assertThat(new String(spec.body(), StandardCharsets.UTF_8), not(containsString(Ga4Fixtures.SECRET)));
        String masked = "https://www.google-analytics.com/mp/collect?measurement_id=" + Ga4Fixtures.MEASUREMENT_ID + "&api_secret=***";
        assertEquals(masked, spec.redactedUri());
        assertEquals("HttpRequestSpec[POST " + masked + ", headers={Content-Type=application/json}, body="
                + spec.body().length + " bytes]", spec.toString());
    }

    @Test
    void regionEu_sendsToRegion1_andBaseUrlOverridesForTests() {
        Map<String, String> eu = Ga4Fixtures.settings(null);
        eu.put("region", "EU");
        assertEquals("region1.google-analytics.com", Ga4Fixtures.connector(eu, CLOCK)
                .prepare(List.of(Ga4Fixtures.purchase(1, p -> { }))).uri().getHost());
        Connector local = Ga4Fixtures.connector(Ga4Fixtures.settings("http://127.0.0.1:9999/ga//"), CLOCK);
        assertEquals("/ga/mp/collect", local.prepare(List.of(Ga4Fixtures.purchase(1, p -> { }))).uri().getPath());
    }

    @Test
    void limits_areGa4s() {
        assertEquals("ga4", ga4.type());
        assertEquals(1, ga4.maxBatchSize());
        assertEquals(Duration.ofHours(72), ga4.maxEventAge());
    }

    @Test
    void batchesOtherThanOneEvent_areTheCallersBug() {
        assertEquals("batch size must be 1..1, was 0",
                assertThrows(IllegalArgumentException.class, () -> ga4.prepare(List.of())).getMessage());
        List<OutboxItem> two = List.of(Ga4Fixtures.purchase(1, p -> { }), Ga4Fixtures.purchase(2, p -> { }));
        assertEquals("batch size must be 1..1, was 2",
                assertThrows(IllegalArgumentException.class, () -> ga4.prepare(two)).getMessage());
    }

    @Test
    void prepare_isDeterministic() {
        OutboxItem item = Ga4Fixtures.purchase(1, p -> { });
        assertEquals(ga4.prepare(List.of(item)), Ga4Fixtures.connector(Ga4Fixtures.settings(null), CLOCK).prepare(List.of(item)));
    }

    @Test
    void fixture_isWhatThePrivacyStageWritesForGoogle() {
        HashedIdentity identity = TestItems.designExampleIdentity(HashingProfile.GOOGLE);
        JsonNode fixture = Ga4Fixtures.purchasePayload().path("user");
        assertEquals(names(identity.hashed()), fields(fixture.path("hashed")));
        assertEquals(names(identity.plain()), fields(fixture.path("plain")));
    }

    // --- settings and secrecy ------------------------------------------------------------------

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"measurement-id, UA-12345-1", "measurement-id, g-T3ST12345X", "measurement-id, G-", "measurement-id, 'G-T3ST 12345'",
            "measurement-id, 1:1234567890:web:abc", "region, us", "region, region1", "validate, yes", "base-url, ftp://x.example",
            "base-url, https://www.google-analytics.com?x=1", "api-secret, " + Ga4Fixtures.SECRET, "api-secret, env:MISSING",
            "api-secret, env:SPACED_SECRET", "api-secret, env:CONTROL_SECRET"})
    void badSettings_areRefusedNamingTheKey_neverTheValue(String key, String value) {
        Map<String, String> settings = Ga4Fixtures.settings(null);
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> Ga4Fixtures.connector(settings, CLOCK));
        assertEquals("destinations.ga.settings." + key, e.key());
        for (String secret : List.of(Ga4Fixtures.SECRET, Ga4Fixtures.SECRET_IN_URL, "ga4 abc")) {
            assertThat(e.getMessage(), not(containsString(secret)));
        }
    }

    @Test
    void regionTogetherWithBaseUrl_isRefused() {
        Map<String, String> settings = Ga4Fixtures.settings("https://proxy.example");
        settings.put("region", "eu");
        assertEquals("destinations.ga.settings.region",
                assertThrows(ConfigException.class, () -> Ga4Fixtures.connector(settings, CLOCK)).key());
    }

    @Test
    void missingRequiredSettings_areNamed() {
        for (String key : List.of("measurement-id", "api-secret")) {
            Map<String, String> settings = Ga4Fixtures.settings(null);
            settings.remove(key);
            assertEquals("destinations.ga.settings." + key,
                    assertThrows(ConfigException.class, () -> Ga4Fixtures.connector(settings, CLOCK)).key());
        }
    }

    @ParameterizedTest(name = "validate={0}")
    @CsvSource({"true, true", "TRUE, true", "false, false", "'', false"})
    void validate_readsTrueOrFalse(String value, boolean expected) {
        Map<String, String> settings = Ga4Fixtures.settings(null);
        settings.put("validate", value);
        assertEquals(expected, Ga4Settings.from(ConnectorSettings.of("d", settings), Ga4Fixtures.SECRETS).validate());
    }

    @Test
    void secretFromAFile_isTrimmed_andNeverPrinted() throws Exception {
        Path dir = Files.createTempDirectory("ga4");
        Files.writeString(dir.resolve("secret"), Ga4Fixtures.SECRET + "\n");
        Map<String, String> settings = Ga4Fixtures.settings(null);
        settings.put("api-secret", "file:secret");
        Ga4Settings read = Ga4Settings.from(ConnectorSettings.of("d", settings), Secrets.of(Map.of(), dir));
        assertEquals(Ga4Fixtures.SECRET, read.apiSecret().text());
        assertThat(read.toString(), not(containsString(Ga4Fixtures.SECRET)));
        assertThat(ga4.toString(), not(containsString(Ga4Fixtures.SECRET)));
        assertThat(ga4.toString(), not(containsString(Ga4Fixtures.SECRET_IN_URL)));
    }

    @Test
    void unmappableReasons_neverHoldTheSecretOrPayloadValues() {
        List<Consumer<ObjectNode>> edits = List.of(p -> clickIds(p).remove("_ga"), p -> clickIds(p).put("_ga", "GA1.1.x.y"),
                p -> p.put("event_name", "session_start"), p -> custom(p).put("value", "1e"), p -> custom(p).remove("currency"));
        for (Consumer<ObjectNode> edit : edits) {
            UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> request(edit));
            for (String value : List.of(Ga4Fixtures.SECRET, Ga4Fixtures.SECRET_IN_URL, Ga4Fixtures.EMAIL, Ga4Fixtures.CLIENT_ID,
                    "1234567890", "10023", "sku-1")) {
                assertThat(e.getMessage(), not(containsString(value)));
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private JsonNode request(Consumer<ObjectNode> edit) {
        return TestItems.json(ga4.prepare(List.of(Ga4Fixtures.purchase(1, edit))).body());
    }

    private String name(String eventName) {
        return request(p -> p.put("event_name", eventName)).path("events").get(0).path("name").textValue();
    }

    private static String body(Connector connector, OutboxItem item) {
        return new String(connector.prepare(List.of(item)).body(), StandardCharsets.UTF_8);
    }

    private static ObjectNode clickIds(ObjectNode payload) {
        return (ObjectNode) payload.path("user").path("click_ids");
    }

    private static ObjectNode custom(ObjectNode payload) {
        return (ObjectNode) payload.path("custom");
    }

    private static Map<String, String> names(Map<PiiField, String> values) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((field, value) -> out.put(field.jsonName(), value));
        return out;
    }

    private static Map<String, String> fields(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().textValue()));
        return out;
    }
}
