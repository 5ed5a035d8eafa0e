package dev.sluice.connector.meta;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Meta destination's settings.
 *
 * @param pixelId       the pixel (dataset) id, digits only
 * @param accessToken   the system-user access token
 * @param apiVersion    the Graph API version, pinned (e.g. {@code v24.0})
 * @param baseUrl       {@code https://graph.facebook.com} unless a test points elsewhere
 * @param testEventCode the Events Manager test code; sends go to Test Events, not production
 */
record MetaSettings(String pixelId, Secret accessToken, String apiVersion, URI baseUrl,
                    Optional<String> testEventCode) {
    static final String PIXEL_ID = "pixel-id";
    static final String ACCESS_TOKEN = "access-token";
    static final String API_VERSION = "api-version";
    static final String BASE_URL = "base-url";
    static final String TEST_EVENT_CODE = "test-event-code";

    /**
     * Graph version when none is configured. Meta supports each version at least two years for
     * CAPI; pin it in configuration rather than relying on this default moving.
     */
    static final String DEFAULT_API_VERSION = "v24.0";
    static final String DEFAULT_BASE_URL = "https://graph.facebook.com";

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,32}");
    private static final Pattern VERSION = Pattern.compile("v\\d+\\.\\d");
    private static final Pattern TEST_CODE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** A system-user token is letters and digits; spaces, line breaks and control characters are a copying accident. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,4096}");

    static MetaSettings from(ConnectorSettings s, Secrets secrets) {
        String pixelId = s.required(PIXEL_ID);
        if (!DIGITS.matcher(pixelId).matches()) {
            throw new ConfigException(s.key(PIXEL_ID), "must be the numeric pixel (dataset) id");
        }
        String version = s.optional(API_VERSION).orElse(DEFAULT_API_VERSION);
        if (!VERSION.matcher(version).matches()) {
            throw new ConfigException(s.key(API_VERSION), "must look like v24.0");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(DEFAULT_BASE_URL));
        Optional<String> testCode = s.optional(TEST_EVENT_CODE);
        if (testCode.isPresent() && !TEST_CODE.matcher(testCode.get()).matches()) {
            throw new ConfigException(s.key(TEST_EVENT_CODE), "must be the code shown in Events Manager (letters and digits)");
        }
        // The token last: a missing environment variable is the likeliest error, but a typo in
        // the plain settings above is cheaper to report first.
        Secret token = s.secret(ACCESS_TOKEN, secrets);
        if (!TOKEN.matcher(token.text()).matches()) {
            // As Snapchat's and Reddit's: the secrets manifest's placeholder ("REPLACE_ME: ...")
            // started a gateway whose every Meta request would fail (until session 39).
            throw new ConfigException(s.key(ACCESS_TOKEN), "must be one line of printable ASCII without spaces");
        }
        return new MetaSettings(pixelId, token, version, base, testCode);
    }
}
