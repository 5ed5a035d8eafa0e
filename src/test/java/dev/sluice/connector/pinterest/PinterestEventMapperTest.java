package dev.sluice.connector.pinterest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import dev.sluice.connector.UnmappableItemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Payload v1 to Pinterest's request body (platforms.md §6 "Body"), byte for byte where it matters. */
class PinterestEventMapperTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));

    private final Connector pinterest = PinterestFixtures.connector(PinterestFixtures.settings("https://api.pinterest.com"), CLOCK);

    @Test
    void fullEvent_goldenBody() {
        assertEquals("{\"data\":[{\"event_name\":\"checkout\",\"action_source\":\"web\",\"event_time\":1764324900,"
                + "\"event_id\":\"order-1\",\"event_source_url\":\"https://shop.example/checkout\",\"user_data\":{"
                + "\"em\":[\"86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d\"],"
                + "\"ph\":[\"e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176\"],"
                + "\"fn\":[\"81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2\"],"
                + "\"ln\":[\"799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f\"],"
                + "\"db\":[\"f205abdea4be3d837af21f0fa5b160df974864fbe4a7da8823d5690e22b83a75\"],"
                + "\"ge\":[\"252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111\"],"
                + "\"ct\":[\"0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685\"],"
                + "\"st\":[\"6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126\"],"
                + "\"zp\":[\"b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7\"],"
                + "\"country\":[\"79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621\"],"
                + "\"external_id\":[\"8a3c5a67cad508582b5edf6b8352cea3ffbad7f44812c1a736b4444c0f5746aa\"],"
                + "\"client_ip_address\":\"203.0.113.7\",\"client_user_agent\":\"Mozilla/5.0\","
                + "\"click_id\":\"" + PinterestFixtures.EPIK + "\"},"
                + "\"custom_data\":{\"currency\":\"EUR\",\"value\":\"129.90\",\"content_ids\":[\"sku-1\"],\"num_items\":2,"
                + "\"order_id\":\"10023\"}}]}",
                body(List.of(PinterestFixtures.purchase(1, "order-1"))));
    }

    @Test
    void minimalEvent_goldenBody() {
        assertEquals("{\"data\":[{\"event_name\":\"lead\",\"action_source\":\"offline\",\"event_time\":1764324900,"
                        + "\"event_id\":\"lead-7\",\"user_data\":{\"em\":[\"" + PinterestFixtures.EMAIL_HASH + "\"]}}]}",
                body(List.of(PinterestFixtures.item(7, PinterestFixtures.MINIMAL_LEAD))));
    }

    @Test
    void limitedDataProcessing_goldenBody() {
        assertEquals("{\"data\":[{\"event_name\":\"lead\",\"action_source\":\"offline\",\"event_time\":1764324900,"
                        + "\"event_id\":\"lead-7\",\"user_data\":{\"em\":[\"" + PinterestFixtures.EMAIL_HASH + "\"]},"
                        + "\"custom_data\":{\"opt_out_type\":\"LDP\"}}]}",
                body(List.of(PinterestFixtures.item(7, PinterestFixtures.LIMITED_LEAD))));
    }

    @Test
    void limitedDataProcessing_joinsTheOtherCustomData() {
        JsonNode custom = event(p -> p.putObject("platform_flags").putObject("custom_data").put("opt_out_type", "LDP"))
                .path("custom_data");
        assertEquals("{\"currency\":\"EUR\",\"value\":\"129.90\",\"content_ids\":[\"sku-1\"],\"num_items\":2,"
                + "\"order_id\":\"10023\",\"opt_out_type\":\"LDP\"}", custom.toString());
    }

    @Test
    void noFlags_sendNoOptOut() {
        JsonNode e = event(p -> { });
        assertFalse(e.has("opt_out"));
        assertFalse(e.path("custom_data").has("opt_out_type"));
    }

    @Test
    void testMode_addsTheQueryParameter_andLeavesTheBodyAlone() {
        Map<String, String> settings = PinterestFixtures.settings("https://api.pinterest.com");
        settings.put("test-mode", "true");
        Connector test = PinterestFixtures.connector(settings, CLOCK);
        List<OutboxItem> batch = List.of(PinterestFixtures.purchase(1, "order-1"));
        HttpRequestSpec spec = test.prepare(batch);
        assertEquals("https://api.pinterest.com/v5/ad_accounts/" + PinterestFixtures.AD_ACCOUNT_ID + "/events?test=true",
                spec.uri().toString());
        assertArrayEquals(pinterest.prepare(batch).body(), spec.body());
        assertEquals("https://api.pinterest.com/v5/ad_accounts/" + PinterestFixtures.AD_ACCOUNT_ID + "/events",
                pinterest.prepare(batch).uri().toString(), "no query unless test mode is on");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Purchase, checkout", "Lead, lead", "SubmitApplication, lead", "CompleteRegistration, signup",
            "SignUp, signup", "AddToCart, add_to_cart", "AddToWishlist, add_to_wishlist",
            "AddPaymentInfo, add_payment_info", "InitiateCheckout, initiate_checkout", "PageView, page_visit",
            "ViewContent, view_content", "Search, search", "Subscribe, subscribe",
            "ViewCategory, view_category", "WatchVideo, watch_video", "AppInstall, app_install",
            "Contact, custom", "CustomizeProduct, custom", "Donate, custom", "FindLocation, custom",
            "Schedule, custom", "StartTrial, custom", "purchase, custom", "checkout, custom", "Quote_Requested, custom"})
    void eventNames_mapToPinterestsNames(String sluice, String pinterestName) {
        assertEquals(pinterestName, event(p -> p.put("event_name", sluice)).path("event_name").textValue());
    }

    @Test
    void refund_isUnmappable_becausePinterestWouldCountItAsAConversion() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> pinterest.prepare(List.of(PinterestFixtures.purchase(4, "r-1", p -> p.put("event_name", "Refund")))));
        assertEquals(4, e.itemId());
        assertThat(e.reason(), containsString("Refund"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"website, web", "physical_store, offline", "phone_call, offline", "email, offline", "chat, offline",
            "system_generated, offline", "business_messaging, offline", "other, offline"})
    void actionSources_mapToPinterestsFour(String sluice, String pinterestSource) {
        assertEquals(pinterestSource, event(p -> p.put("action_source", sluice)).path("action_source").textValue());
    }

    @ParameterizedTest(name = "app-platform {0} -> {1}")
    @CsvSource({"android, app_android", "ios, app_ios", "IOS, app_ios"})
    void appEvents_takeTheConfiguredPlatform(String platform, String pinterestSource) {
        Map<String, String> settings = PinterestFixtures.settings("https://api.pinterest.com");
        settings.put("app-platform", platform);
        Connector app = PinterestFixtures.connector(settings, CLOCK);
        JsonNode body = TestItems.json(app.prepare(List.of(PinterestFixtures.purchase(1, "o-1", p -> p.put("action_source", "app")))).body());
        assertEquals(pinterestSource, body.path("data").get(0).path("action_source").textValue());
    }

    @Test
    void appEvents_withoutAConfiguredPlatform_areUnmappable() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> event(p -> p.put("action_source", "app")));
        assertThat(e.reason(), containsString("app-platform"));
    }

    @Test
    void missingOrUnknownActionSource_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.remove("action_source")));
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("action_source", "WEBSITE")));
    }

    @Test
    void plainValuesAndOtherPlatformsClickIds_stayHome() {
        String body = body(List.of(PinterestFixtures.purchase(1, "o-1")));
        assertThat(body, not(containsString("94025")));
        assertThat(body, not(containsString("\"us\"")));
        assertThat(body, not(containsString("Cj0KCQiA")));
        assertThat(body, not(containsString("fb.1.")));
        assertThat(body, not(containsString("utm_source")));
        assertThat(body, not(containsString("us_privacy")));
    }

    @Test
    void emailAlone_isEnough() {
        JsonNode user = event(p -> p.putObject("user").putObject("hashed").put("email", PinterestFixtures.EMAIL_HASH))
                .path("user_data");
        assertEquals("{\"em\":[\"" + PinterestFixtures.EMAIL_HASH + "\"]}", user.toString());
    }

    @Test
    void ipWithUserAgent_isEnoughWithoutHashes() {
        JsonNode user = event(p -> p.putObject("user").put("client_ip", "203.0.113.7").put("user_agent", "Mozilla/5.0")
                .putObject("hashed")).path("user_data");
        assertEquals("{\"client_ip_address\":\"203.0.113.7\",\"client_user_agent\":\"Mozilla/5.0\"}", user.toString());
    }

    @Test
    void userDataPinterestCannotAccept_isUnmappable_namingKeysNotValues() {
        UnmappableItemException phoneOnly = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("user").putObject("hashed").put("phone", "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176")));
        assertThat(phoneOnly.reason(), containsString("[ph]"));
        assertThat(phoneOnly.getMessage(), not(containsString("e323ec62")));

        UnmappableItemException ipOnly = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("user").put("client_ip", "203.0.113.7")
                        .putObject("click_ids").put("epik", PinterestFixtures.EPIK)));
        assertThat(ipOnly.reason(), containsString("[click_id, client_ip_address]"));
        assertThat(ipOnly.getMessage(), not(containsString("203.0.113.7")));
        assertThat(ipOnly.getMessage(), not(containsString(PinterestFixtures.EPIK)));
    }

    @Test
    void optOutFlag_isSentPerEvent_wherePinterestsExamplePutsIt() {
        JsonNode e = event(p -> p.putObject("platform_flags").put("opt_out", true));
        assertEquals(true, e.path("opt_out").booleanValue());
        List<String> names = new ArrayList<>();
        e.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("event_name", "action_source", "event_time", "event_id", "event_source_url", "opt_out",
                "user_data", "custom_data"), names);
    }

    @Test
    void severalOptOutTypes_areJoinedWithCommas() {
        JsonNode e = event(p -> p.putObject("platform_flags").putObject("custom_data").putArray("opt_out_type").add("LDP").add("CPRA"));
        assertEquals("LDP,CPRA", e.path("custom_data").path("opt_out_type").textValue());
    }

    @Test
    void aFlagTheConnectorDoesNotKnow_isUnmappable_ratherThanDropped() {
        UnmappableItemException top = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("platform_flags").putArray("data_processing_options").add("LDU")));
        assertThat(top.reason(), containsString("platform_flags.data_processing_options"));
        UnmappableItemException nested = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("platform_flags").putObject("custom_data").put("opt_out_type", "LDP").put("np", "x")));
        assertThat(nested.reason(), containsString("platform_flags.custom_data.np"));
    }

    @Test
    void malformedFlagValues_areUnmappable_withoutEchoingThem() {
        UnmappableItemException badType = assertThrows(UnmappableItemException.class,
                () -> event(p -> p.putObject("platform_flags").putObject("custom_data").put("opt_out_type", "LDP; drop")));
        assertThat(badType.getMessage(), not(containsString("drop")));
        assertThrows(UnmappableItemException.class, () -> event(p -> p.putObject("platform_flags").put("opt_out", "yes")));
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("platform_flags", "LDP")));
    }

    @Test
    void value_isAStringWithEveryDigitKept() {
        String big = "12345678901234567.000000001";
        assertEquals(big, event(p -> ((ObjectNode) p.path("custom")).put("value", big)).path("custom_data").path("value").textValue());
        assertEquals("42.5", event(p -> ((ObjectNode) p.path("custom")).put("value", new BigDecimal("42.5")))
                .path("custom_data").path("value").textValue(), "a number in the payload is sent as a string too");
    }

    @Test
    void value_thatIsNotANumber_isUnmappable() {
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> event(p -> ((ObjectNode) p.path("custom")).put("value", "12,50")));
        assertThat(e.getMessage(), not(containsString("12,50")));
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertThrows(UnmappableItemException.class, () -> event(p -> p.put("v", 2)));
    }

    @Test
    void batch_keepsItsOrder() {
        JsonNode data = TestItems.json(pinterest.prepare(List.of(PinterestFixtures.purchase(1, "a"),
                PinterestFixtures.item(2, PinterestFixtures.MINIMAL_LEAD), PinterestFixtures.purchase(3, "c"))).body()).path("data");
        assertEquals(List.of("a", "lead-7", "c"), List.of(data.get(0).path("event_id").textValue(),
                data.get(1).path("event_id").textValue(), data.get(2).path("event_id").textValue()));
    }

    private JsonNode event(Consumer<ObjectNode> edit) {
        return TestItems.json(pinterest.prepare(List.of(PinterestFixtures.purchase(1, "o-1", edit))).body()).path("data").get(0);
    }

    private String body(List<OutboxItem> batch) {
        return new String(pinterest.prepare(batch).body(), StandardCharsets.UTF_8);
    }
}
