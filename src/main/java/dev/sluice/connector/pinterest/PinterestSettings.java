package dev.sluice.connector.pinterest;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Pinterest destination's settings.
 *
 * @param adAccountId     the ad account the conversions belong to, digits only
 * @param conversionToken the conversion access token generated in Ads Manager
 * @param baseUrl         {@code https://api.pinterest.com} unless a test points elsewhere
 * @param testMode        send with {@code ?test=true}: Pinterest validates and answers as usual
 *                        but records nothing
 * @param appActionSource Pinterest's {@code action_source} for Sluice {@code app} events
 *                        ({@code app_android} or {@code app_ios}), since the canonical event does
 *                        not say which operating system the app ran on
 */
record PinterestSettings(String adAccountId, Secret conversionToken, URI baseUrl, boolean testMode,
                         Optional<String> appActionSource) {
    static final String AD_ACCOUNT_ID = "ad-account-id";
    static final String CONVERSION_TOKEN = "conversion-token";
    static final String BASE_URL = "base-url";
    static final String TEST_MODE = "test-mode";
    static final String APP_PLATFORM = "app-platform";

    static final String DEFAULT_BASE_URL = "https://api.pinterest.com";

    /** The OpenAPI description's {@code ad_account_id} path parameter: {@code ^\d+$}, at most 18 characters. */
    private static final Pattern AD_ACCOUNT = Pattern.compile("[0-9]{1,18}");
    /**
     * The token goes into an {@code Authorization} header, so it must be one header-safe word;
     * anything else is a copy-and-paste accident that would fail every request at send time.
     */
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");

    static PinterestSettings from(ConnectorSettings s, Secrets secrets) {
        String account = s.required(AD_ACCOUNT_ID);
        if (!AD_ACCOUNT.matcher(account).matches()) {
            throw new ConfigException(s.key(AD_ACCOUNT_ID), "must be the numeric ad account id (up to 18 digits)");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(DEFAULT_BASE_URL));
        boolean test = switch (s.optional(TEST_MODE).map(v -> v.toLowerCase(Locale.ROOT)).orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(s.key(TEST_MODE), "must be true or false");
        };
        Optional<String> app = s.optional(APP_PLATFORM).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "android" -> "app_android";
            case "ios" -> "app_ios";
            default -> throw new ConfigException(s.key(APP_PLATFORM), "must be android or ios");
        });
        // The token last, as for Meta: a typo in the plain settings above is cheaper to report first.
        Secret token = s.secret(CONVERSION_TOKEN, secrets);
        if (!HEADER_SAFE.matcher(token.text()).matches()) {
            throw new ConfigException(s.key(CONVERSION_TOKEN), "must be one line of printable ASCII without spaces");
        }
        return new PinterestSettings(account, token, base, test, app);
    }
}
