package dev.sluice.connector.tiktok;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A TikTok destination's settings. {@link #toString()} is the record's own, which is safe only
 * because {@link Secret} prints where the token came from, never the token.
 *
 * @param pixelCode     the pixel code from Events Manager; sent as {@code event_source_id}
 * @param accessToken   the Events API access token, sent in the {@code Access-Token} header
 * @param baseUrl       {@value #DEFAULT_BASE_URL} unless a test points elsewhere
 * @param testEventCode the Events Manager test code; sends go to Test Events, not production
 */
record TiktokSettings(String pixelCode, Secret accessToken, URI baseUrl, Optional<String> testEventCode) {
    static final String PIXEL_CODE = "pixel-code";
    static final String ACCESS_TOKEN = "access-token";
    static final String BASE_URL = "base-url";
    static final String TEST_EVENT_CODE = "test-event-code";

    static final String DEFAULT_BASE_URL = "https://business-api.tiktok.com";

    /**
     * Pixel codes in TikTok's examples are 20 upper-case letters and digits
     * ({@code COQDA8RC77U2TMR44LI0}); the length is not documented, so a range is accepted.
     */
    private static final Pattern PIXEL = Pattern.compile("[A-Z0-9]{10,40}");
    private static final Pattern TEST_CODE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The token travels in a header: visible ASCII only, or the HTTP client refuses the request. */
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]{1,512}");

    static TiktokSettings from(ConnectorSettings s, Secrets secrets) {
        String pixel = s.required(PIXEL_CODE);
        if (!PIXEL.matcher(pixel).matches()) {
            throw new ConfigException(s.key(PIXEL_CODE),
                    "must be the pixel code shown in Events Manager (upper-case letters and digits)");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(DEFAULT_BASE_URL));
        Optional<String> testCode = s.optional(TEST_EVENT_CODE);
        if (testCode.isPresent() && !TEST_CODE.matcher(testCode.get()).matches()) {
            throw new ConfigException(s.key(TEST_EVENT_CODE), "must be the code shown in Events Manager (letters and digits)");
        }
        // The token last, as for Meta: a typo in the plain settings above is cheaper to report first.
        Secret token = s.secret(ACCESS_TOKEN, secrets);
        if (!HEADER_SAFE.matcher(token.text()).matches()) {
            throw new ConfigException(s.key(ACCESS_TOKEN), "must be 1 to 512 visible ASCII characters without spaces");
        }
        return new TiktokSettings(pixel, token, base, testCode);
    }
}
