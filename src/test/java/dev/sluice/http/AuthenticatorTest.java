package dev.sluice.http;

import dev.sluice.config.DestinationConfig;
import dev.sluice.config.Secret;
import dev.sluice.config.TenantConfig;
import dev.sluice.connector.webhook.WebhookSignature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private final TenantConfig open = tenant("open", "key-open", Optional.empty());
    private final TenantConfig signed = tenant("signed", "key-signed", Optional.of(Secret.of("s3cret", "test")));
    private final Authenticator auth = new Authenticator(List.of(open, signed), InstantSource.fixed(NOW));

    @Test
    void bearerKeyIdentifiesItsTenantOnly() {
        assertEquals("open", auth.tenantFor(Optional.of("Bearer key-open")).orElseThrow().id());
        assertEquals("signed", auth.tenantFor(Optional.of("bearer key-signed")).orElseThrow().id());
        assertTrue(auth.tenantFor(Optional.of("Bearer key-other")).isEmpty());
        assertTrue(auth.tenantFor(Optional.of("Basic a2V5LW9wZW4=")).isEmpty());
        assertTrue(auth.tenantFor(Optional.of("Bearer ")).isEmpty());
        assertTrue(auth.tenantFor(Optional.empty()).isEmpty());
    }

    @Test
    void unsignedTenantNeedsNoSignature() {
        assertTrue(auth.signatureValid(open, Optional.empty(), new byte[0]));
    }

    @Test
    void signatureMustMatchBodyAndBeFresh() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        long t = NOW.getEpochSecond();
        assertTrue(auth.signatureValid(signed, Optional.of(header(t, "s3cret", body)), body));
        assertTrue(auth.signatureValid(signed, Optional.of(header(t - 299, "s3cret", body)), body));
        assertFalse(auth.signatureValid(signed, Optional.of(header(t - 301, "s3cret", body)), body), "too old");
        assertFalse(auth.signatureValid(signed, Optional.of(header(t + 301, "s3cret", body)), body), "too far ahead");
        assertFalse(auth.signatureValid(signed, Optional.of(header(t, "other", body)), body), "wrong secret");
        assertFalse(auth.signatureValid(signed, Optional.of(header(t, "s3cret", body)), "{\"a\":2}".getBytes()), "body changed");
        assertFalse(auth.signatureValid(signed, Optional.empty(), body));
        assertFalse(auth.signatureValid(signed, Optional.of("t=abc,v1=00"), body));
        assertFalse(auth.signatureValid(signed, Optional.of("t=" + t + ",v1=zz"), body));
        assertFalse(auth.signatureValid(signed, Optional.of("v1=00"), body));
    }

    private static String header(long t, String secret, byte[] body) {
        return WebhookSignature.sign(Secret.of(secret, "test"), t, body);
    }

    private static TenantConfig tenant(String id, String key, Optional<Secret> signing) {
        return new TenantConfig(id, List.of(Authenticator.sha256(key.getBytes(StandardCharsets.UTF_8))), "US", signing,
                Duration.ofMinutes(5), List.of(new DestinationConfig("m", "meta", Map.of())), false);
    }
}
