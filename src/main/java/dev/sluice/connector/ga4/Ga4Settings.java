package dev.sluice.connector.ga4;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A GA4 destination's settings. {@link #toString()} is the record's own, which is safe only
 * because {@link Secret} prints where the API secret came from, never the secret.
 *
 * @param measurementId the web data stream's measurement id ({@code G-A1B2C3D4E5}); sent as the
 *                      {@code measurement_id} query parameter
 * @param apiSecret     a Measurement Protocol API secret of that stream (GA UI: Admin > Data
 *                      Streams > the stream > Measurement Protocol API secrets); sent as the
 *                      {@code api_secret} query parameter
 * @param baseUrl       {@value #DEFAULT_BASE_URL}, {@value #EU_BASE_URL} with {@code region: eu},
 *                      or a test's own
 * @param validate      send to the validation server ({@code /debug/mp/collect}): GA checks the
 *                      request and answers what is wrong, and the event reaches no report
 */
record Ga4Settings(String measurementId, Secret apiSecret, URI baseUrl, boolean validate) {
    static final String MEASUREMENT_ID = "measurement-id";
    static final String API_SECRET = "api-secret";
    static final String REGION = "region";
    static final String VALIDATE = "validate";
    static final String BASE_URL = "base-url";

    static final String DEFAULT_BASE_URL = "https://www.google-analytics.com";
    /** "EU data collection" host, from the Measurement Protocol reference (platforms.md §3). */
    static final String EU_BASE_URL = "https://region1.google-analytics.com";
    static final String EU = "eu";

    /**
     * Measurement ids are {@code G-} and upper-case letters and digits ({@code G-A1B2C3D4E5} in
     * Google's examples; ten characters in every id seen, a range is accepted). A {@code UA-}
     * (Universal Analytics) or {@code AW-} (Google Ads) id, or a Firebase app id, would make every
     * request vanish silently, since the production endpoint answers 2xx to anything.
     */
    private static final Pattern MEASUREMENT = Pattern.compile("G-[A-Z0-9]{4,32}");
    /** The secret goes into the query string (URL-encoded): visible ASCII, no spaces. */
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7E]{1,256}");

    static Ga4Settings from(ConnectorSettings s, Secrets secrets) {
        String id = s.required(MEASUREMENT_ID);
        if (!MEASUREMENT.matcher(id).matches()) {
            throw new ConfigException(s.key(MEASUREMENT_ID),
                    "must be the web stream's measurement id: G- followed by upper-case letters and digits");
        }
        Optional<String> region = s.optional(REGION).map(r -> r.toLowerCase(Locale.ROOT));
        if (region.isPresent() && !region.get().equals(EU)) {
            throw new ConfigException(s.key(REGION), "must be eu, or absent for the global endpoint");
        }
        if (region.isPresent() && s.optional(BASE_URL).isPresent()) {
            throw new ConfigException(s.key(REGION), "must not be set together with base-url");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(region.isPresent() ? EU_BASE_URL : DEFAULT_BASE_URL));
        boolean validate = switch (s.optional(VALIDATE).map(v -> v.toLowerCase(Locale.ROOT)).orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(s.key(VALIDATE), "must be true or false");
        };
        // The secret last, as for the other connectors: a typo in the plain settings above is
        // cheaper to report first.
        Secret secret = s.secret(API_SECRET, secrets);
        if (!SECRET.matcher(secret.text()).matches()) {
            throw new ConfigException(s.key(API_SECRET), "must be one line of printable ASCII without spaces");
        }
        return new Ga4Settings(id, secret, base, validate);
    }
}
