package dev.sluice.connector.reddit;

import dev.sluice.config.ConfigException;
import dev.sluice.config.DestinationConfig;
import dev.sluice.connector.Connector;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.UnmappableItemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reddit settings, request framing, batch limits and secrecy, without a socket. */
class RedditConnectorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-28T10:20:00Z"));

    private final Connector reddit = RedditFixtures.connector(RedditFixtures.settings("https://ads-api.reddit.com"), CLOCK);

    @Test
    void request_isABearerAuthorizedPostToThePixelsConversionEvents() {
        HttpRequestSpec spec = reddit.prepare(List.of(RedditFixtures.full()));
        assertEquals("POST", spec.method());
        assertEquals("https://ads-api.reddit.com/api/v3/pixels/a2_pixel42/conversion_events", spec.uri().toString());
        assertNull(spec.uri().getRawQuery(), "neither token nor test id in the URL");
        assertEquals("Bearer " + RedditFixtures.TOKEN, spec.headers().get("authorization"));
        assertEquals("application/json", spec.headers().get("Content-Type"));
        assertEquals(RedditConnector.USER_AGENT, spec.headers().get("User-Agent"));
        assertThat(spec.headers().get("User-Agent"), containsString("Sluice"));
    }

    @Test
    void baseUrl_withAPathAndTrailingSlash_shapesTheEndpoint() {
        HttpRequestSpec spec = RedditFixtures.connector(RedditFixtures.settings("http://127.0.0.1:9999/reddit/"), CLOCK)
                .prepare(List.of(RedditFixtures.full()));
        assertEquals("http://127.0.0.1:9999/reddit/api/v3/pixels/a2_pixel42/conversion_events", spec.uri().toString());
    }

    @Test
    void baseUrl_defaultsToRedditsHost() {
        Map<String, String> settings = RedditFixtures.settings("x");
        settings.remove("base-url");
        assertEquals("ads-api.reddit.com", RedditFixtures.connector(settings, CLOCK)
                .prepare(List.of(RedditFixtures.full())).uri().getHost());
    }

    @Test
    void prepare_refusesEmptyAndOversizedBatches() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> reddit.prepare(List.of()));
        assertThat(empty.getMessage(), containsString("was 0"));
        List<OutboxItem> tooMany = Collections.nCopies(1001, RedditFixtures.full());
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class, () -> reddit.prepare(tooMany));
        assertThat(over.getMessage(), containsString("1..1000, was 1001"));
    }

    @Test
    void prepare_takesAFullBatchOfAThousand() {
        List<OutboxItem> full = LongStream.rangeClosed(1, 1000).mapToObj(i -> RedditFixtures.full(i, p -> p.put("event_id", "e-" + i))).toList();
        String body = new String(reddit.prepare(full).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body, containsString("\"conversion_id\":\"e-1000\""));
        assertEquals(1000, dev.sluice.connector.TestItems.json(reddit.prepare(full).body()).path("data").path("events").size());
    }

    @Test
    void oneUnmappableItem_namesThatItem() {
        List<OutboxItem> batch = List.of(RedditFixtures.full(), RedditFixtures.full(7, p -> p.put("v", 9)));
        assertEquals(7, assertThrows(UnmappableItemException.class, () -> reddit.prepare(batch)).itemId());
    }

    @Test
    void limits_areReddits() {
        assertEquals("reddit", reddit.type());
        assertEquals(1000, reddit.maxBatchSize());
        assertEquals(Duration.ofDays(7), reddit.maxEventAge());
    }

    @Test
    void printedForms_neverShowTheToken() {
        HttpRequestSpec spec = reddit.prepare(List.of(RedditFixtures.full()));
        RedditSettings settings = RedditSettings.from(ConnectorSettings.of("destinations.rdt",
                RedditFixtures.settings("https://ads-api.reddit.com")), RedditFixtures.SECRETS);
        for (String printed : List.of(spec.toString(), spec.redactedUri(), reddit.toString(), settings.toString())) {
            assertThat(printed, not(containsString(RedditFixtures.TOKEN)));
            assertThat(printed, not(containsString("rdt-capi_T0ken")));
            assertThat(printed, not(containsString(RedditFixtures.EMAIL_HASH)));
        }
        assertEquals("RedditConnector[pixel=a2_pixel42, host=ads-api.reddit.com, test=false]", reddit.toString());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"pixel-id, ''", "pixel-id, a2/../../x", "pixel-id, 'a2 pixel'", "base-url, ftp://ads-api.reddit.com",
            "base-url, https://ads-api.reddit.com?x=1", "base-url, /relative", "test-id, 't2 test'", "test-id, t2?x",
            "access-token, rdtliteraltoken", "access-token, env:MISSING", "access-token, env:SPACED_TOKEN"})
    void badSettings_areRefusedNamingTheKey_neverTheToken(String key, String value) {
        Map<String, String> settings = RedditFixtures.settings("https://ads-api.reddit.com");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> RedditFixtures.connector(settings, CLOCK));
        assertEquals("destinations.rdt.settings." + key, e.key());
        assertThat(e.getMessage(), not(containsString("rdtliteraltoken")));
        assertThat(e.getMessage(), not(containsString("rdt token with spaces")));
        assertThat(e.getMessage(), not(containsString(RedditFixtures.TOKEN)));
    }

    @Test
    void missingPixelAndToken_areNamed() {
        ConfigException noPixel = assertThrows(ConfigException.class, () -> dev.sluice.connector.Connectors.create(
                new DestinationConfig("r", "reddit", Map.of("access-token", "env:REDDIT_TOKEN")), RedditFixtures.SECRETS));
        assertEquals("destinations.r.settings.pixel-id", noPixel.key());
        ConfigException noToken = assertThrows(ConfigException.class, () -> dev.sluice.connector.Connectors.create(
                new DestinationConfig("r", "reddit", Map.of("pixel-id", "a2_x")), RedditFixtures.SECRETS));
        assertEquals("destinations.r.settings.access-token", noToken.key());
    }
}
