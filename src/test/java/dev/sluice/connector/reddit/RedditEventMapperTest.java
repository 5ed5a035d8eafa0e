package dev.sluice.connector.reddit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import dev.sluice.connector.UnmappableItemException;
import dev.sluice.event.ActionSource;
import dev.sluice.event.EventNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.sluice.connector.reddit.RedditFixtures.EMAIL_HASH;
import static dev.sluice.connector.reddit.RedditFixtures.EXTERNAL_ID_HASH;
import static dev.sluice.connector.reddit.RedditFixtures.PHONE_HASH;
import static dev.sluice.connector.reddit.RedditFixtures.RDT_CID;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payload v1 to Reddit v3 event JSON, byte for byte where the shape matters (platforms.md §8). */
class RedditEventMapperTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-28T10:20:00Z"));

    private final Connector reddit = RedditFixtures.connector(RedditFixtures.settings("https://ads-api.reddit.com"), CLOCK);

    private static final String FULL_EVENT = "{\"event_at\":1795861000000,\"action_source\":\"WEBSITE\","
            + "\"type\":{\"tracking_type\":\"PURCHASE\"},\"event_source_url\":\"https://shop.example/checkout?x=1\","
            + "\"click_id\":\"" + RDT_CID + "\","
            + "\"metadata\":{\"item_count\":2,\"currency\":\"EUR\",\"value\":129.90,\"conversion_id\":\"e-1\","
            + "\"products\":[{\"id\":\"sku-1\"},{\"id\":\"sku-2\"}]},"
            + "\"user\":{\"email\":\"" + EMAIL_HASH + "\",\"phone_number\":\"" + PHONE_HASH + "\",\"external_id\":\""
            + EXTERNAL_ID_HASH + "\",\"ip_address\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0\"";

    @Test
    void fullEvent_golden() {
        assertEquals("{\"data\":{\"events\":[" + FULL_EVENT + "}}]}}", body(reddit, RedditFixtures.full()));
    }

    @Test
    void minimalEvent_golden() {
        assertEquals("{\"data\":{\"events\":[{\"event_at\":1795861000000,\"action_source\":\"OTHER\","
                        + "\"type\":{\"tracking_type\":\"LEAD\"},\"metadata\":{\"conversion_id\":\"e-2\"},"
                        + "\"user\":{\"external_id\":\"" + EXTERNAL_ID_HASH + "\"}}]}}",
                body(reddit, TestItems.item(2, RedditFixtures.payload(RedditFixtures.MINIMAL))));
    }

    @Test
    void limitedDataUse_golden() {
        OutboxItem limited = RedditFixtures.full(1, p -> {
            p.putObject("consent_decision").put("decision", "LIMITED").putArray("rules")
                    .add("us.limit.gpc").add("reddit.limited-data-use");
            p.set("platform_flags", RedditFixtures.payload(RedditFixtures.LDU_FLAGS));
        });
        assertEquals("{\"data\":{\"events\":[" + FULL_EVENT + ",\"data_processing_options\":"
                + "{\"modes\":[\"LDU\"],\"country\":\"US\",\"region\":\"US-CA\"}}}]}}", body(reddit, limited));
    }

    @Test
    void testMode_golden() {
        Map<String, String> settings = RedditFixtures.settings("https://ads-api.reddit.com");
        settings.put("test-id", "t2_testid42");
        Connector test = RedditFixtures.connector(settings, CLOCK);
        assertEquals("{\"data\":{\"events\":[" + FULL_EVENT + "}}],\"test_id\":\"t2_testid42\"}}",
                body(test, RedditFixtures.full()));
    }

    @Test
    void limitedDataUse_withoutRegion_sendsWhatThePolicyResolved() {
        JsonNode user = event(p -> p.set("platform_flags", RedditFixtures.payload(
                "{\"user\":{\"data_processing_options\":{\"modes\":[\"LDU\"],\"country\":\"US\"}}}"))).path("user");
        assertEquals("{\"modes\":[\"LDU\"],\"country\":\"US\"}", user.path("data_processing_options").toString());
    }

    @Test
    void noPlatformFlags_sendsNoProcessingOptions() {
        assertFalse(event(p -> { }).path("user").has("data_processing_options"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"data_processing_options\":[\"LDU\"]}",                                   // Meta's shape: would be dropped
            "{\"user\":{\"opt_out\":true}}",                                             // v2's field
            "{\"user\":{\"data_processing_options\":{\"modes\":[]}}}",
            "{\"user\":{\"data_processing_options\":{\"country\":\"US\"}}}",
            "{\"user\":{\"data_processing_options\":{\"modes\":\"LDU\"}}}",
            "{\"user\":{\"data_processing_options\":{\"modes\":[\"LDU\"],\"state\":\"CA\"}}}",
            "{\"user\":{\"data_processing_options\":{\"modes\":[\"LDU\"],\"region\":1000}}}",
            "{\"user\":{\"data_processing_options\":[\"LDU\"]}}"})
    void limitedUseFlagsRedditCannotCarry_areUnmappable_neverDropped(String flags) {
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.set("platform_flags", RedditFixtures.payload(flags))));
        assertThat(e.reason(), containsString("platform_flags"));
        assertThat(e.reason(), not(containsString(EMAIL_HASH)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PageView, PAGE_VISIT", "ViewContent, VIEW_CONTENT", "Search, SEARCH", "AddToCart, ADD_TO_CART",
            "AddToWishlist, ADD_TO_WISHLIST", "Purchase, PURCHASE", "Lead, LEAD", "SignUp, SIGN_UP",
            "CompleteRegistration, SIGN_UP"})
    void standardEvents_mapToRedditTrackingTypes(String name, String trackingType) {
        JsonNode type = event(p -> p.put("event_name", name)).path("type");
        assertEquals("{\"tracking_type\":\"" + trackingType + "\"}", type.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"InitiateCheckout", "AddPaymentInfo", "Subscribe", "Contact", "Refund", "wishlist_shared", "purchase"})
    void otherEvents_goAsCustomUnderTheirOwnName(String name) {
        JsonNode type = event(p -> p.put("event_name", name)).path("type");
        assertEquals("{\"tracking_type\":\"CUSTOM\",\"custom_event_name\":\"" + name + "\"}", type.toString());
    }

    @Test
    void trackingTypeTable_namesOnlySluiceStandardEvents() {
        assertTrue(EventNames.STANDARD.containsAll(RedditEventMapper.TRACKING_TYPES.keySet()),
                "a typo in the table would silently turn a standard event into a custom one");
    }

    @Test
    void customEventNameOverRedditsLimit_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("event_name", "x".repeat(65))));
        assertEquals("x".repeat(64), event(p -> p.put("event_name", "x".repeat(64))).path("type").path("custom_event_name").textValue());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"website, WEBSITE", "app, APP", "physical_store, PHYSICAL_STORE", "email, OTHER", "phone_call, OTHER",
            "chat, OTHER", "system_generated, OTHER", "business_messaging, OTHER", "other, OTHER"})
    void actionSources_mapToRedditChannels(String sluice, String reddit) {
        assertEquals(reddit, event(p -> p.put("action_source", sluice)).path("action_source").textValue());
    }

    @Test
    void everySluiceActionSource_hasARedditChannel() {
        for (ActionSource source : ActionSource.values()) {
            String mapped = event(p -> p.put("action_source", source.wireName())).path("action_source").textValue();
            assertTrue(List.of("WEBSITE", "APP", "PHYSICAL_STORE", "OTHER").contains(mapped), source.name());
        }
    }

    @Test
    void eventSourceUrl_isSentForWebsiteEventsOnly() {
        assertTrue(event(p -> { }).has("event_source_url"));
        assertFalse(event(p -> p.put("action_source", "app")).has("event_source_url"));
    }

    @Test
    void offlineEvents_carryHashedIdentifiersButNoClickOrDeviceData() {
        JsonNode e = event(p -> p.put("action_source", "physical_store"));
        assertFalse(e.has("click_id"));
        assertEquals("{\"email\":\"" + EMAIL_HASH + "\",\"phone_number\":\"" + PHONE_HASH + "\",\"external_id\":\""
                + EXTERNAL_ID_HASH + "\"}", e.path("user").toString());
    }

    @Test
    void eventAt_isEpochMillisecondsOfTheEventTime() {
        OutboxItem item = RedditFixtures.full();
        assertEquals(item.eventTime().toEpochMilli(), event(p -> { }).path("event_at").longValue());
        assertTrue(event(p -> { }).path("event_at").isIntegralNumber());
    }

    @Test
    void conversionId_isTheEventIdEvenWhenThereIsAnOrderId() {
        assertEquals("e-1", event(p -> { }).path("metadata").path("conversion_id").textValue());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PageView", "ViewContent", "Search"})
    void eventsWithoutValue_sendNoValueCurrencyOrItemCount(String name) {
        JsonNode metadata = event(p -> p.put("event_name", name)).path("metadata");
        assertEquals("{\"conversion_id\":\"e-1\",\"products\":[{\"id\":\"sku-1\"},{\"id\":\"sku-2\"}]}", metadata.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Lead", "SignUp"})
    void leadsAndSignUps_sendValueButNoItemCount(String name) {
        JsonNode metadata = event(p -> p.put("event_name", name)).path("metadata");
        assertFalse(metadata.has("item_count"));
        assertEquals("EUR", metadata.path("currency").textValue());
        assertEquals(0, new BigDecimal("129.90").compareTo(metadata.path("value").decimalValue()));
    }

    @Test
    void value_keepsEveryDigitOfTheDecimalString() {
        String big = "12345678901234567.000000001";
        assertThat(body(reddit, RedditFixtures.full(1, p -> ((ObjectNode) p.path("custom")).put("value", big))),
                containsString("\"value\":" + big + ","));
        assertThat(body(reddit, RedditFixtures.full(1, p -> ((ObjectNode) p.path("custom")).put("value", "0.1"))),
                containsString("\"value\":0.1,"));
    }

    @Test
    void value_thatIsNotANumber_isUnmappable() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> event(p -> ((ObjectNode) p.path("custom")).put("value", "12,50")));
        assertThat(e.reason(), not(containsString("12,50")));
    }

    @Test
    void eventWithoutAnyMatchKey_isUnmappable_withoutValuesInTheReason() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> {
            ObjectNode user = p.putObject("user");
            user.putObject("hashed");
            user.put("client_ip", "203.0.113.7"); // an IP alone is not a key; with the user agent it is
        }));
        assertEquals(1, e.itemId());
        assertThat(e.getMessage(), containsString("match key"));
        assertThat(e.getMessage(), not(containsString("203.0.113.7")));
    }

    @Test
    void strippedUserWithAClickId_isStillSent() {
        JsonNode e = event(p -> {
            ObjectNode user = p.putObject("user");
            user.putObject("hashed");
            user.putObject("click_ids").put("rdt_cid", RDT_CID);
        });
        assertEquals(RDT_CID, e.path("click_id").textValue());
        assertFalse(e.has("user"));
    }

    @Test
    void ipWithUserAgent_isEnoughToMatch() {
        JsonNode e = event(p -> {
            ObjectNode user = p.putObject("user");
            user.putObject("hashed");
            user.put("client_ip", "203.0.113.7").put("user_agent", "Mozilla/5.0");
        });
        assertEquals("{\"ip_address\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0\"}", e.path("user").toString());
    }

    @Test
    void theGenericExample_sendsOnlyWhatRedditTakes() {
        JsonNode e = TestItems.json(reddit.prepare(List.of(TestItems.purchase(1, "o-1"))).body())
                .path("data").path("events").get(0);
        assertFalse(e.has("click_id"), "fbc, fbp and gclid are other platforms' click ids");
        assertEquals(List.of("email", "phone_number", "external_id", "ip_address", "user_agent"),
                iterate(e.path("user")));
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("v", 2)));
    }

    @Test
    void missingActionSource_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.remove("action_source")));
    }

    private JsonNode event(Consumer<ObjectNode> edit) {
        return TestItems.json(reddit.prepare(List.of(RedditFixtures.full(1, edit))).body()).path("data").path("events").get(0);
    }

    private static String body(Connector connector, OutboxItem item) {
        return new String(connector.prepare(List.of(item)).body(), StandardCharsets.UTF_8);
    }

    private static List<String> iterate(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
