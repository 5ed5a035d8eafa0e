package dev.sluice.connector.pinterest;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secrets;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pinterest settings, endpoint, limits and secrecy, without a socket. */
class PinterestConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-11-28T10:20:00Z"));

    private final Connector pinterest = PinterestFixtures.connector(PinterestFixtures.settings("https://api.pinterest.com"), CLOCK);

    @Test
    void limits_arePinterests() {
        assertEquals("pinterest", pinterest.type());
        assertEquals(1000, pinterest.maxBatchSize());
        assertEquals(Duration.ofDays(30), pinterest.maxEventAge());
    }

    @Test
    void request_isABearerPostToTheAdAccountsEvents() {
        HttpRequestSpec spec = pinterest.prepare(List.of(PinterestFixtures.purchase(1, "o-1")));
        assertEquals("POST", spec.method());
        assertEquals("https://api.pinterest.com/v5/ad_accounts/549755885175/events", spec.uri().toString());
        assertEquals("Bearer " + PinterestFixtures.TOKEN, spec.headers().get("authorization"));
        assertEquals("application/json", spec.headers().get("Content-Type"));
        assertEquals(2, spec.headers().size());
    }

    @Test
    void defaultBaseUrl_isPinterestsApi() {
        Map<String, String> settings = PinterestFixtures.settings("x");
        settings.remove("base-url");
        assertEquals("https://api.pinterest.com/v5/ad_accounts/549755885175/events",
                PinterestFixtures.connector(settings, CLOCK).prepare(List.of(PinterestFixtures.purchase(1, "o-1"))).uri().toString());
    }

    @Test
    void baseUrlWithAPath_prefixesTheEndpoint() {
        HttpRequestSpec spec = PinterestFixtures.connector(PinterestFixtures.settings("http://127.0.0.1:9999/pin//"), CLOCK)
                .prepare(List.of(PinterestFixtures.purchase(1, "o-1")));
        assertEquals("/pin/v5/ad_accounts/549755885175/events", spec.uri().getPath());
    }

    @Test
    void batchesOutsideOneToAThousand_areTheCallersBug() {
        assertThrows(IllegalArgumentException.class, () -> pinterest.prepare(List.of()));
        List<OutboxItem> tooMany = Collections.nCopies(1001, PinterestFixtures.purchase(1, "o-1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pinterest.prepare(tooMany));
        assertEquals("batch size must be 1..1000, was 1001", e.getMessage());
        List<OutboxItem> full = LongStream.rangeClosed(1, 1000).mapToObj(i -> PinterestFixtures.purchase(i, "o-" + i)).toList();
        assertEquals(1000, dev.sluice.connector.TestItems.json(pinterest.prepare(full).body()).path("data").size());
    }

    @Test
    void oneUnmappableItem_isNamedById() {
        List<OutboxItem> batch = List.of(PinterestFixtures.purchase(1, "o-1"),
                PinterestFixtures.purchase(2, "o-2", p -> p.put("v", 9)), PinterestFixtures.purchase(3, "o-3"));
        assertEquals(2, assertThrows(UnmappableItemException.class, () -> pinterest.prepare(batch)).itemId());
    }

    @Test
    void printedConnectorsAndRequests_neverShowTheToken() {
        HttpRequestSpec spec = pinterest.prepare(List.of(PinterestFixtures.purchase(1, "o-1")));
        assertEquals("PinterestConnector[adAccount=549755885175, host=api.pinterest.com, test=false]", pinterest.toString());
        for (String printed : List.of(spec.toString(), spec.redactedUri(), pinterest.toString(),
                PinterestSettings.from(ConnectorSettings.of("destinations.pin", PinterestFixtures.settings("https://api.pinterest.com")),
                        PinterestFixtures.SECRETS).toString())) {
            assertThat(printed, not(containsString(PinterestFixtures.TOKEN)));
            assertThat(printed, not(containsString(PinterestFixtures.EMAIL_HASH)));
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"ad-account-id, act_549755885175", "ad-account-id, ''", "ad-account-id, 1234567890123456789",
            "ad-account-id, 12 34", "base-url, ftp://api.pinterest.com", "base-url, https://api.pinterest.com?x=1",
            "base-url, api.pinterest.com", "test-mode, yes", "app-platform, windows",
            "conversion-token, pina_AMAZJ5QWAB3GQAQAGCAFWDSQ5SGJXGQBQBIQCUKQ2FK6T3N7WZ6EZUSDIK3SM",
            "conversion-token, env:MISSING", "conversion-token, env:SPACED_TOKEN", "conversion-token, env:CONTROL_TOKEN"})
    void badSettings_areRefusedNamingTheKey_neverTheValue(String key, String value) {
        Map<String, String> settings = PinterestFixtures.settings("https://api.pinterest.com");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> PinterestFixtures.connector(settings, CLOCK));
        assertEquals("destinations.pin.settings." + key, e.key());
        assertThat(e.getMessage(), not(containsString(PinterestFixtures.TOKEN)));
        assertThat(e.getMessage(), not(containsString("pina_abc")));
    }

    @Test
    void missingRequiredSettings_areNamed() {
        Map<String, String> noAccount = PinterestFixtures.settings("https://api.pinterest.com");
        noAccount.remove("ad-account-id");
        assertEquals("destinations.pin.settings.ad-account-id",
                assertThrows(ConfigException.class, () -> PinterestFixtures.connector(noAccount, CLOCK)).key());
        Map<String, String> noToken = PinterestFixtures.settings("https://api.pinterest.com");
        noToken.remove("conversion-token");
        assertEquals("destinations.pin.settings.conversion-token",
                assertThrows(ConfigException.class, () -> PinterestFixtures.connector(noToken, CLOCK)).key());
    }

    @ParameterizedTest(name = "test-mode={0}")
    @CsvSource({"true, true", "TRUE, true", "false, false", "'', false"})
    void testMode_readsTrueOrFalse(String value, boolean expected) {
        Map<String, String> settings = PinterestFixtures.settings("https://api.pinterest.com");
        settings.put("test-mode", value);
        PinterestSettings read = PinterestSettings.from(ConnectorSettings.of("d", settings), PinterestFixtures.SECRETS);
        assertEquals(expected, read.testMode());
    }

    @Test
    void tokenFromAFile_isTrimmed() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("pin");
        java.nio.file.Files.writeString(dir.resolve("token"), PinterestFixtures.TOKEN + "\n");
        Map<String, String> settings = PinterestFixtures.settings("https://api.pinterest.com");
        settings.put("conversion-token", "file:token");
        PinterestSettings read = PinterestSettings.from(ConnectorSettings.of("d", settings), Secrets.of(Map.of(), dir));
        assertEquals(PinterestFixtures.TOKEN, read.conversionToken().text());
    }
}
