package dev.sluice.connector.linkedin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connector.Connector;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import dev.sluice.connector.UnmappableItemException;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PersonalData;
import dev.sluice.privacy.PiiField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.sluice.connector.linkedin.LinkedinFixtures.EMAIL_HASH;
import static dev.sluice.connector.linkedin.LinkedinFixtures.LI_FAT_ID;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Payload v1 to LinkedIn conversion event elements, byte for byte where the shape matters (platforms.md §7). */
class LinkedinEventMapperTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-28T10:20:00Z"));

    private final Connector linkedin = LinkedinFixtures.connector(LinkedinFixtures.settings("https://api.linkedin.com"), CLOCK);

    private static final String EMAIL_ID = "{\"idType\":\"SHA256_EMAIL\",\"idValue\":\"" + EMAIL_HASH + "\"}";
    private static final String LI_FAT_ID_ID = "{\"idType\":\"LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID\",\"idValue\":\"" + LI_FAT_ID + "\"}";

    @Test
    void fullEvent_golden() {
        assertEquals("{\"elements\":[{\"conversion\":\"urn:lla:llaPartnerConversion:12345678\","
                        + "\"conversionHappenedAt\":1795861000000,"
                        + "\"conversionValue\":{\"currencyCode\":\"EUR\",\"amount\":\"129.90\"},"
                        + "\"user\":{\"userIds\":[" + EMAIL_ID + "," + LI_FAT_ID_ID + "]},"
                        + "\"eventId\":\"order-10023\"}]}",
                body(LinkedinFixtures.full()));
    }

    @Test
    void minimalEvent_golden() {
        assertEquals("{\"elements\":[{\"conversion\":\"urn:lla:llaPartnerConversion:23456789\","
                        + "\"conversionHappenedAt\":1795861000000,\"user\":{\"userIds\":[" + EMAIL_ID + "]},\"eventId\":\"e-2\"}]}",
                body(LinkedinFixtures.item(2, LinkedinFixtures.MINIMAL)));
    }

    @Test
    void liFatIdOnly_golden() {
        assertEquals("{\"elements\":[{\"conversion\":\"urn:lla:llaPartnerConversion:23456789\","
                        + "\"conversionHappenedAt\":1795861000000,\"user\":{\"userIds\":[" + LI_FAT_ID_ID + "]},\"eventId\":\"e-3\"}]}",
                body(LinkedinFixtures.item(3, LinkedinFixtures.LI_FAT_ID_ONLY)));
    }

    @Test
    void batch_keepsItemOrder_oneElementPerItem() {
        JsonNode elements = TestItems.json(linkedin.prepare(List.of(LinkedinFixtures.item(3, LinkedinFixtures.LI_FAT_ID_ONLY),
                LinkedinFixtures.full(), LinkedinFixtures.item(2, LinkedinFixtures.MINIMAL))).body()).path("elements");
        assertEquals(List.of("e-3", "order-10023", "e-2"),
                List.of(elements.get(0).path("eventId").asText(), elements.get(1).path("eventId").asText(),
                        elements.get(2).path("eventId").asText()));
    }

    @Test
    void fixture_isWhatThePrivacyStageWritesForLinkedin() {
        Map<PiiField, String> user = new EnumMap<>(PiiField.class);
        user.put(PiiField.EMAIL, " Jane.Doe@Example.com ");
        user.put(PiiField.PHONE, "+1 (650) 555-1212");
        user.put(PiiField.FIRST_NAME, "Jane");
        user.put(PiiField.LAST_NAME, "Doe");
        user.put(PiiField.CITY, "Menlo Park");
        user.put(PiiField.ZIP, "94025");
        user.put(PiiField.COUNTRY, "us");
        user.put(PiiField.EXTERNAL_ID, "cust-42");
        HashedIdentity identity = IdentityHasher.create().hash(new PersonalData(user, "US"), Set.of(HashingProfile.LINKEDIN))
                .identities().get(HashingProfile.LINKEDIN);
        assertEquals(Map.of(PiiField.EMAIL, EMAIL_HASH), identity.hashed());
        assertEquals(Map.of(PiiField.COUNTRY, "US"), identity.plain(), "names are never kept plain for LinkedIn");
        JsonNode fixture = LinkedinFixtures.payload(LinkedinFixtures.FULL).path("user");
        assertEquals("{\"email\":\"" + EMAIL_HASH + "\"}", fixture.path("hashed").toString());
        assertEquals("{\"country\":\"US\"}", fixture.path("plain").toString());
    }

    @ParameterizedTest(name = "{0} -> rule {1}")
    @CsvSource({"Purchase, 12345678", "Lead, 23456789"})
    void mappedEventNames_goToTheirRule(String name, String rule) {
        assertEquals("urn:lla:llaPartnerConversion:" + rule, element(p -> p.put("event_name", name)).path("conversion").textValue());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AddToCart", "SignUp", "purchase", "custom_thing"})
    void unmappedEventName_isUnmappable_namingOnlyTheEventName(String name) {
        OutboxItem item = LinkedinFixtures.full(5, p -> p.put("event_name", name));
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> linkedin.prepare(List.of(item)));
        assertEquals(5, e.itemId());
        assertEquals("no LinkedIn conversion rule for event " + name + " (add it to conversion-rules or set conversion-rule-id)",
                e.reason());
        assertThat(e.getMessage(), not(containsString(EMAIL_HASH)));
        assertThat(e.getMessage(), not(containsString(LinkedinFixtures.PURCHASE_RULE)));
    }

    @Test
    void defaultRule_takesEveryUnmappedName_mappedNamesKeepTheirRule() {
        Map<String, String> settings = LinkedinFixtures.settings("https://api.linkedin.com");
        settings.put("conversion-rule-id", "999");
        Connector withDefault = LinkedinFixtures.connector(settings, CLOCK);
        assertEquals("urn:lla:llaPartnerConversion:999", element(withDefault, p -> p.put("event_name", "AddToCart")).path("conversion").textValue());
        assertEquals("urn:lla:llaPartnerConversion:12345678", element(withDefault, p -> { }).path("conversion").textValue());
    }

    @Test
    void defaultRuleAlone_takesEveryName() {
        Map<String, String> settings = LinkedinFixtures.settings("https://api.linkedin.com");
        settings.remove("conversion-rules");
        settings.put("conversion-rule-id", "777");
        Connector single = LinkedinFixtures.connector(settings, CLOCK);
        assertEquals("urn:lla:llaPartnerConversion:777", element(single, p -> { }).path("conversion").textValue());
        assertEquals("urn:lla:llaPartnerConversion:777", element(single, p -> p.put("event_name", "SignUp")).path("conversion").textValue());
    }

    @Test
    void refund_isNeverSent_evenWithADefaultRule() {
        Map<String, String> settings = LinkedinFixtures.settings("https://api.linkedin.com");
        settings.put("conversion-rule-id", "999");
        Connector withDefault = LinkedinFixtures.connector(settings, CLOCK);
        UnmappableItemException e = assertThrows(UnmappableItemException.class,
                () -> withDefault.prepare(List.of(LinkedinFixtures.full(1, p -> p.put("event_name", "Refund")))));
        assertThat(e.reason(), containsString("Refund has no LinkedIn conversion"));
    }

    @Test
    void noHashedEmailAndNoLiFatId_isUnmappable() {
        OutboxItem noId = LinkedinFixtures.full(4, p -> {
            ((ObjectNode) p.path("user")).putObject("hashed");
            ((ObjectNode) p.path("user").path("click_ids")).remove("li_fat_id");
        });
        UnmappableItemException e = assertThrows(UnmappableItemException.class, () -> linkedin.prepare(List.of(noId)));
        assertEquals(4, e.itemId());
        assertEquals("no LinkedIn user id: needs user.hashed.email or click_ids.li_fat_id", e.reason());
    }

    @Test
    void otherPlatformsClickIdsAndRawDeviceData_areNeverSent() {
        String body = body(LinkedinFixtures.full());
        for (String absent : List.of("Cj0-g", "203.0.113.7", "Mozilla", "utm_source", "sku-1", "order_id", "num_items", "website", "checkout")) {
            assertThat(body, not(containsString(absent)));
        }
    }

    @Test
    void hashedNames_areNeverSentAsPlainUserInfo() {
        // A payload written with another profile (here the generic fixture, names hashed, country plain).
        JsonNode user = TestItems.json(linkedin.prepare(List.of(TestItems.purchase(1, "order-1"))).body())
                .path("elements").get(0).path("user");
        assertEquals("{\"userIds\":[{\"idType\":\"SHA256_EMAIL\",\"idValue\":\"" + EMAIL_HASH + "\"}]}", user.toString());
    }

    @Test
    void plainCountryAlone_sendsNoUserInfo_becauseLinkedinRequiresNamesInIt() {
        assertFalse(element(p -> { }).path("user").has("userInfo"));
    }

    @Test
    void plainNames_whenAProfileKeepsThem_goAsUserInfo() {
        JsonNode user = element(p -> ((ObjectNode) p.path("user").path("plain")).put("first_name", "Jane").put("last_name", "Doe"))
                .path("user");
        assertEquals("{\"firstName\":\"Jane\",\"lastName\":\"Doe\",\"countryCode\":\"US\"}", user.path("userInfo").toString());
    }

    @Test
    void onePlainName_isNotEnoughForUserInfo() {
        assertFalse(element(p -> ((ObjectNode) p.path("user").path("plain")).put("first_name", "Jane")).path("user").has("userInfo"));
    }

    @Test
    void lowerCaseCountry_isLeftOutOfUserInfo() {
        JsonNode info = element(p -> ((ObjectNode) p.path("user").path("plain")).put("first_name", "Jane").put("last_name", "Doe")
                .put("country", "us")).path("user").path("userInfo");
        assertEquals("{\"firstName\":\"Jane\",\"lastName\":\"Doe\"}", info.toString());
    }

    @Test
    void currencyWithoutValue_sendsNoConversionValue() {
        assertFalse(element(p -> ((ObjectNode) p.path("custom")).remove("value")).has("conversionValue"));
        assertFalse(element(p -> p.remove("custom")).has("conversionValue"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0, 0", "0.1, 0.1", "1500.0, 1500.0", "1E+3, 1000"})
    void amount_isTheDecimalAsAString(String value, String amount) {
        JsonNode v = element(p -> ((ObjectNode) p.path("custom")).put("value", value)).path("conversionValue");
        assertEquals(amount, v.path("amount").textValue());
    }

    @Test
    void valueWithoutCurrency_negativeOrUnreadable_isUnmappable() {
        assertEquals("custom.value has no custom.currency",
                unmappable(p -> ((ObjectNode) p.path("custom")).remove("currency")).reason());
        assertThat(unmappable(p -> ((ObjectNode) p.path("custom")).put("value", "-5")).reason(), containsString("negative"));
        assertEquals("custom.value is not a decimal number", unmappable(p -> ((ObjectNode) p.path("custom")).put("value", "ten")).reason());
    }

    @Test
    void eventIdOfAnyLengthSluiceAccepts_isSent_leavingLinkedinToJudgeIt() {
        assertEquals("x".repeat(128), element(p -> p.put("event_id", "x".repeat(128))).path("eventId").textValue());
    }

    @Test
    void unknownPayloadVersion_isUnmappable() {
        assertEquals("unsupported payload version (expected v 1)", unmappable(p -> p.put("v", 2)).reason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"data_processing_options\":[\"LDU\"]}",
            "{\"limited_data_use\":true}",
            "{\"user\":{\"data_processing_options\":{\"modes\":[\"LDU\"]}}}",
            "[\"LDU\"]"})
    void anyPlatformFlag_isUnmappable_neverDropped(String flags) {
        UnmappableItemException e = unmappable(p -> p.set("platform_flags", LinkedinFixtures.payload("{\"x\":" + flags + "}").path("x")));
        assertThat(e.reason(), containsString("platform_flags"));
        assertThat(e.reason(), not(containsString("LDU")));
    }

    @Test
    void emptyPlatformFlags_changeNothing() {
        assertEquals(element(p -> { }), element(p -> p.putObject("platform_flags")));
    }

    private JsonNode element(Consumer<ObjectNode> edit) {
        return element(linkedin, edit);
    }

    private static JsonNode element(Connector connector, Consumer<ObjectNode> edit) {
        return TestItems.json(connector.prepare(List.of(LinkedinFixtures.full(1, edit))).body()).path("elements").get(0);
    }

    private UnmappableItemException unmappable(Consumer<ObjectNode> edit) {
        return assertThrows(UnmappableItemException.class, () -> linkedin.prepare(List.of(LinkedinFixtures.full(1, edit))));
    }

    private String body(OutboxItem item) {
        return new String(linkedin.prepare(List.of(item)).body(), StandardCharsets.UTF_8);
    }
}
