package dev.sluice.connector.reddit;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Reddit destination's settings.
 *
 * @param pixelId     the pixel id the v3 endpoint is keyed by (e.g. {@code a2_gtxp2aek62bn}; older
 *                    accounts use their {@code t2_} ad account id)
 * @param accessToken the conversion access token from Events Manager, sent as a bearer token
 * @param baseUrl     {@code https://ads-api.reddit.com} unless a test points elsewhere
 * @param testId      the Event Testing id; sends show up in Event Testing. Meant for a short check,
 *                    never for production traffic
 */
record RedditSettings(String pixelId, Secret accessToken, URI baseUrl, Optional<String> testId) {
    static final String PIXEL_ID = "pixel-id";
    static final String ACCESS_TOKEN = "access-token";
    static final String BASE_URL = "base-url";
    static final String TEST_ID = "test-id";

    static final String DEFAULT_BASE_URL = "https://ads-api.reddit.com";

    /** Letters, digits, {@code _} and {@code -}: every id seen ({@code a2_…}, {@code t2_…}) and safe in a path. */
    private static final Pattern PIXEL = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern TEST = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** A bearer token travels in a header: one line of visible ASCII, or the request cannot be built. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]+");

    static RedditSettings from(ConnectorSettings s, Secrets secrets) {
        String pixelId = s.required(PIXEL_ID);
        if (!PIXEL.matcher(pixelId).matches()) {
            throw new ConfigException(s.key(PIXEL_ID), "must be the pixel id shown in Events Manager (letters, digits, _ and -)");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(DEFAULT_BASE_URL));
        Optional<String> testId = s.optional(TEST_ID);
        if (testId.isPresent() && !TEST.matcher(testId.get()).matches()) {
            throw new ConfigException(s.key(TEST_ID), "must be the test id shown in Event Testing (letters, digits, _ and -)");
        }
        // The token last, as for Meta: a typo in the plain settings above is cheaper to report first.
        Secret token = s.secret(ACCESS_TOKEN, secrets);
        if (!TOKEN.matcher(token.text()).matches()) {
            throw new ConfigException(s.key(ACCESS_TOKEN), "must be one line of printable ASCII without spaces");
        }
        return new RedditSettings(pixelId, token, base, testId);
    }
}
