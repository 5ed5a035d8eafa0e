package dev.sluice.connector.webhook;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.connector.Connector;
import dev.sluice.connector.DeliveryOutcome;
import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;
import dev.sluice.connector.OutboxItem;
import dev.sluice.connector.TestItems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook signing, verification, settings and status classification, without a socket. */
class WebhookConnectorTest {
    private static final Instant NOW = Instant.parse("2025-11-28T10:20:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final List<OutboxItem> BATCH = List.of(TestItems.purchase(1, "o-1"), TestItems.purchase(2, "o-2"));

    private final Connector hook = WebhookFixtures.connector(WebhookFixtures.settings("https://hooks.example/sluice"),
            InstantSource.fixed(NOW));

    @Test
    void signature_verifiesOverTheExactBody() {
        HttpRequestSpec spec = hook.prepare(BATCH);
        String header = spec.headers().get("sluice-signature");
        assertTrue(WebhookSignature.verify(WebhookFixtures.SECRET, header, spec.body(), NOW.plusSeconds(30), TOLERANCE));
        assertEquals("2", spec.headers().get("Sluice-Event-Count"));
    }

    @Test
    void signature_failsWhenOneByteOfTheBodyChanges() {
        HttpRequestSpec spec = hook.prepare(BATCH);
        byte[] tampered = new String(spec.body(), StandardCharsets.UTF_8).replace("129.90", "129.91")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(Arrays.equals(spec.body(), tampered));
        assertFalse(WebhookSignature.verify(WebhookFixtures.SECRET, spec.headers().get("Sluice-Signature"), tampered, NOW, TOLERANCE));
    }

    @Test
    void signature_failsUnderAnotherSecret() {
        HttpRequestSpec spec = hook.prepare(BATCH);
        assertFalse(WebhookSignature.verify(Secret.of("another-secret-of-16+bytes", "test"),
                spec.headers().get("Sluice-Signature"), spec.body(), NOW, TOLERANCE));
    }

    @Test
    void signature_failsOutsideTheTolerance() {
        HttpRequestSpec spec = hook.prepare(BATCH);
        String header = spec.headers().get("Sluice-Signature");
        assertFalse(WebhookSignature.verify(WebhookFixtures.SECRET, header, spec.body(), NOW.plusSeconds(301), TOLERANCE));
        assertFalse(WebhookSignature.verify(WebhookFixtures.SECRET, header, spec.body(), NOW.minusSeconds(301), TOLERANCE));
    }

    @Test
    void signature_acceptsAnyOfSeveralV1Entries_forSecretRotation() {
        byte[] body = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
        String current = WebhookSignature.sign(WebhookFixtures.SECRET, NOW.getEpochSecond(), body);
        String old = WebhookSignature.sign(Secret.of("the-previous-secret-123", "test"), NOW.getEpochSecond(), body);
        String both = old + "," + current.substring(current.indexOf("v1="));
        assertTrue(WebhookSignature.verify(WebhookFixtures.SECRET, both, body, NOW, TOLERANCE));
    }

    @ParameterizedTest
    @CsvSource(value = {"NULL", "''", "garbage", "t=abc,v1=00", "v1=0000000000000000000000000000000000000000000000000000000000000000",
            "t=1764325200", "t=1764325200,v1=zz"}, nullValues = "NULL")
    void malformedSignatureHeaders_neverVerify(String header) {
        assertFalse(WebhookSignature.verify(WebhookFixtures.SECRET, header, new byte[0], NOW, TOLERANCE));
    }

    @Test
    void theClockChangesOnlyTheSignature() {
        Connector later = WebhookFixtures.connector(WebhookFixtures.settings("https://hooks.example/sluice"),
                InstantSource.fixed(NOW.plusSeconds(1)));
        HttpRequestSpec a = hook.prepare(BATCH);
        HttpRequestSpec b = later.prepare(BATCH);
        assertArrayEquals(a.body(), b.body());
        assertNotEquals(a.headers().get("Sluice-Signature"), b.headers().get("Sluice-Signature"));
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"200, Delivered", "202, Delivered", "204, Delivered", "408, RetryLater", "425, RetryLater",
            "429, RetryLater", "500, RetryLater", "502, RetryLater", "503, RetryLater", "401, Unhealthy",
            "403, Unhealthy", "400, Rejected", "404, Rejected", "410, Rejected", "413, Rejected", "422, Rejected",
            "301, Unhealthy", "302, Unhealthy"})
    void statuses_mapToOutcomes(int status, String expected) {
        DeliveryOutcome outcome = hook.interpret(HttpResponseSpec.of(status, "secret body text"), BATCH);
        assertEquals(expected, outcome.getClass().getSimpleName());
        assertThat(outcome.toString(), not(containsString("secret body text")));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"url, ftp://hooks.example/x", "url, /relative", "url, ''", "secret, literal-secret-value-here",
            "secret, env:SHORT_SECRET", "secret, env:MISSING", "max-batch-size, 0", "max-batch-size, 1001",
            "max-batch-size, ten", "timeout, 10 seconds", "timeout, 1ms", "timeout, 1h"})
    void badSettings_areRefusedNamingTheKey(String key, String value) {
        Map<String, String> settings = WebhookFixtures.settings("https://hooks.example/sluice");
        settings.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> WebhookFixtures.connector(settings, InstantSource.fixed(NOW)));
        assertEquals("destinations.warehouse.settings." + key, e.key());
        assertThat(e.getMessage(), not(containsString("literal-secret-value-here")));
    }

    @Test
    void settings_defaultsAndOverrides() {
        assertEquals(100, hook.maxBatchSize());
        assertEquals(Duration.ofSeconds(10), hook.requestTimeout());
        Map<String, String> settings = WebhookFixtures.settings("http://127.0.0.1:8081/in");
        settings.put("max-batch-size", "1000");
        settings.put("timeout", "2500ms");
        Connector tuned = WebhookFixtures.connector(settings, InstantSource.fixed(NOW));
        assertEquals(1000, tuned.maxBatchSize());
        assertEquals(Duration.ofMillis(2500), tuned.requestTimeout());
        assertEquals("webhook", tuned.type());
    }
}
