package dev.sluice.connector.linkedin;

import dev.sluice.config.ConfigException;
import dev.sluice.config.DestinationConfig;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.Connectors;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import dev.sluice.connector.UnmappableItemException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** LinkedIn settings, request framing, batch limits and secrecy, without a socket. */
class LinkedinConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-28T10:20:00Z"));

    private final Connector linkedin = LinkedinFixtures.connector(LinkedinFixtures.settings("https://api.linkedin.com"), CLOCK);

    @Test
    void request_isABatchCreateToConversionEvents_withLinkedinsHeaders() {
        HttpRequestSpec spec = linkedin.prepare(List.of(LinkedinFixtures.full()));
        assertEquals("POST", spec.method());
        assertEquals("https://api.linkedin.com/rest/conversionEvents", spec.uri().toString());
        assertNull(spec.uri().getRawQuery(), "no token in the URL");
        assertEquals(Map.of(
                "Authorization", "Bearer " + LinkedinFixtures.TOKEN,
                "Content-Type", "application/json",
                "LinkedIn-Version", "202609",
                "X-Restli-Protocol-Version", "2.0.0",
                "X-RestLi-Method", "BATCH_CREATE"), spec.headers());
    }

    @Test
    void linkedinVersion_canBePinnedPerDestination() {
        Map<String, String> settings = LinkedinFixtures.settings("https://api.linkedin.com");
        settings.put("linkedin-version", "202601.02");
        assertEquals("202601.02", LinkedinFixtures.connector(settings, CLOCK).prepare(List.of(LinkedinFixtures.full()))
                .headers().get("linkedin-version"));
    }

    @Test
    void baseUrl_withAPathAndTrailingSlash_shapesTheEndpoint() {
        HttpRequestSpec spec = LinkedinFixtures.connector(LinkedinFixtures.settings("http://127.0.0.1:9999/li/"), CLOCK)
                .prepare(List.of(LinkedinFixtures.full()));
        assertEquals("http://127.0.0.1:9999/li/rest/conversionEvents", spec.uri().toString());
    }

    @Test
    void baseUrl_defaultsToLinkedinsHost() {
        Map<String, String> settings = LinkedinFixtures.settings("x");
        settings.remove("base-url");
        assertEquals("https://api.linkedin.com/rest/conversionEvents", LinkedinFixtures.connector(settings, CLOCK)
                .prepare(List.of(LinkedinFixtures.full())).uri().toString());
    }

    @Test
    void limits_areLinkedins() {
        assertEquals("linkedin", linkedin.type());
        assertEquals(5000, linkedin.maxBatchSize());
        assertEquals(Duration.ofDays(90), linkedin.maxEventAge());
    }

    @Test
    void prepare_refusesEmptyAndOversizedBatches_namingTheLimit() {
        assertEquals("batch size must be 1..5000, was 0",
                assertThrows(IllegalArgumentException.class, () -> linkedin.prepare(List.of())).getMessage());
        List<OutboxItem> tooMany = Collections.nCopies(5001, LinkedinFixtures.full());
        assertEquals("batch size must be 1..5000, was 5001",
                assertThrows(IllegalArgumentException.class, () -> linkedin.prepare(tooMany)).getMessage());
    }

    @Test
    void prepare_takesAFullBatchOfFiveThousand_inOrder() {
        List<OutboxItem> full = LongStream.rangeClosed(1, 5000)
                .mapToObj(i -> LinkedinFixtures.full(i, p -> p.put("event_id", "e-" + i))).toList();
        var elements = TestItems.json(linkedin.prepare(full).body()).path("elements");
        assertEquals(5000, elements.size());
        assertEquals("e-1", elements.get(0).path("eventId").textValue());
        assertEquals("e-5000", elements.get(4999).path("eventId").textValue());
    }

    @Test
    void oneUnmappableItem_namesThatItem() {
        List<OutboxItem> batch = List.of(LinkedinFixtures.full(), LinkedinFixtures.full(7, p -> p.put("event_name", "Contact")));
        assertEquals(7, assertThrows(UnmappableItemException.class, () -> linkedin.prepare(batch)).itemId());
    }

    @Test
    void conversionRules_areReadFromOneString_toleratingSpaces() {
        LinkedinSettings settings = settings(Map.of("conversion-rules", " Purchase = 1 ,Lead=22,  CompleteRegistration=333 "));
        assertEquals(Map.of("Purchase", "1", "Lead", "22", "CompleteRegistration", "333"), settings.rules());
        assertEquals(Optional.of("22"), settings.ruleFor("Lead"));
        assertEquals(Optional.empty(), settings.ruleFor("AddToCart"));
        assertEquals(Optional.empty(), settings.defaultRule());
    }

    @Test
    void conversionRuleId_alone_isTheRuleForEveryNameButRefund() {
        LinkedinSettings settings = settings(Map.of("conversion-rules", "", "conversion-rule-id", "4242"));
        assertEquals(Map.of(), settings.rules());
        assertEquals(Optional.of("4242"), settings.ruleFor("AnythingAtAll"));
        assertEquals(Optional.empty(), settings.ruleFor("Refund"));
    }

    @Test
    void conversionRules_asOneString_surviveTheConfigurationLoaderAndItsOverrides(@TempDir Path dir) {
        String settings = "sluice.tenants.0.destinations.0.settings.";
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(Path.of("conf/application.yaml"), Map.of(
                "sluice.tenants.0.destinations.0.type", "linkedin",
                settings + "access-token", "env:LINKEDIN_TOKEN",
                settings + "conversion-rules", "Purchase=" + LinkedinFixtures.PURCHASE_RULE + ", Lead=" + LinkedinFixtures.LEAD_RULE)),
                dev.sluice.config.Secrets.of(Map.of(), dir));
        DestinationConfig destination = config.tenants().get("demo").destinations().getFirst();
        Connector connector = Connectors.create(destination, LinkedinFixtures.SECRETS);
        assertEquals("urn:lla:llaPartnerConversion:" + LinkedinFixtures.LEAD_RULE, TestItems.json(connector.prepare(
                List.of(LinkedinFixtures.full(1, p -> p.put("event_name", "Lead")))).body())
                .path("elements").get(0).path("conversion").textValue());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "conversion-rules | Purchase",
            "conversion-rules | Purchase=",
            "conversion-rules | Purchase=12a",
            "conversion-rules | Purchase=urn:lla:llaPartnerConversion:123",
            "conversion-rules | Purchase=1,,Lead=2",
            "conversion-rules | Purchase=1,Purchase=2",
            "conversion-rules | 9Purchase=1",
            "conversion-rules | Refund=5",
            "conversion-rule-id | abc",
            "conversion-rule-id | 12345678901234567890",
            "linkedin-version | 2026-01",
            "linkedin-version | 202613",
            "linkedin-version | 202601.1",
            "linkedin-version | 20260101",
            "base-url | ftp://api.linkedin.com",
            "base-url | https://api.linkedin.com?x=1",
            "access-token | liliteraltoken",
            "access-token | env:MISSING",
            "access-token | env:SPACED_TOKEN"})
    void badSettings_areRefusedNamingTheKey_neverTheTokenOrTheRuleIds(String key, String value) {
        Map<String, String> settings = LinkedinFixtures.settings("https://api.linkedin.com");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> LinkedinFixtures.connector(settings, CLOCK));
        assertEquals("destinations.li.settings." + key, e.key());
        for (String secret : List.of("liliteraltoken", "li token with spaces", LinkedinFixtures.TOKEN, "12a", "abc", "llaPartner")) {
            assertThat(e.getMessage(), not(containsString(secret)));
        }
    }

    @Test
    void noRuleAtAll_isRefused_explainingTheOneStringForm() {
        Map<String, String> settings = LinkedinFixtures.settings("https://api.linkedin.com");
        settings.remove("conversion-rules");
        ConfigException e = assertThrows(ConfigException.class, () -> LinkedinFixtures.connector(settings, CLOCK));
        assertEquals("destinations.li.settings.conversion-rules", e.key());
        assertThat(e.getMessage(), containsString("conversion-rule-id"));
        assertThat(e.getMessage(), containsString("\"Purchase=1234567, Lead=7654321\""));
    }

    @Test
    void missingToken_isNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> Connectors.create(
                new DestinationConfig("l", "linkedin", Map.of("conversion-rule-id", "1")), LinkedinFixtures.SECRETS));
        assertEquals("destinations.l.settings.access-token", e.key());
    }

    @Test
    void printedForms_neverShowTheToken() {
        HttpRequestSpec spec = linkedin.prepare(List.of(LinkedinFixtures.full()));
        LinkedinSettings settings = settings(Map.of());
        for (String printed : List.of(spec.toString(), spec.redactedUri(), linkedin.toString(), settings.toString(),
                LinkedinFixtures.full().toString())) {
            assertThat(printed, not(containsString(LinkedinFixtures.TOKEN)));
            assertThat(printed, not(containsString("T0ken")));
            assertThat(printed, not(containsString(LinkedinFixtures.EMAIL_HASH)));
            assertThat(printed, not(containsString(LinkedinFixtures.LI_FAT_ID)));
        }
        assertThat(spec.toString(), containsString("LinkedIn-Version=202609"));
        assertThat(settings.toString(), containsString("env:LINKEDIN_TOKEN"));
        assertEquals("LinkedinConnector[rules=[Lead, Purchase], defaultRule=false, version=202609, host=api.linkedin.com]",
                linkedin.toString());
    }

    private static LinkedinSettings settings(Map<String, String> overrides) {
        Map<String, String> values = LinkedinFixtures.settings("https://api.linkedin.com");
        values.putAll(overrides);
        return LinkedinSettings.from(ConnectorSettings.of("destinations.li", values), LinkedinFixtures.SECRETS);
    }
}
