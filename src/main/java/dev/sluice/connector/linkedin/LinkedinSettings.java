package dev.sluice.connector.linkedin;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.event.EventNames;

import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A LinkedIn destination's settings.
 *
 * <p>LinkedIn counts every conversion against a conversion rule (created in Campaign Manager, or
 * through {@code POST /rest/conversions}, with {@code conversionMethod: CONVERSIONS_API}), and a
 * rule has one conversion type. So the destination says which rule each Sluice event name goes to:
 * {@code conversion-rules} maps names to rule ids, {@code conversion-rule-id} is the rule for every
 * other name. Destination settings are flat strings (every key must be settable from one
 * environment variable), so the map is written as one string: {@code "Purchase=123, Lead=456"}.
 *
 * @param accessToken     an OAuth 2.0 member access token with the {@code rw_conversions} scope,
 *                        sent as a bearer token
 * @param rules           Sluice event name to conversion rule id (digits), sorted by name
 * @param defaultRule     the rule for event names not in {@code rules}; empty when only mapped
 *                        names may be sent
 * @param linkedinVersion the {@code LinkedIn-Version} header, {@code YYYYMM} or {@code YYYYMM.RR}
 * @param baseUrl         {@code https://api.linkedin.com} unless a test points elsewhere
 */
record LinkedinSettings(Secret accessToken, Map<String, String> rules, Optional<String> defaultRule,
                        String linkedinVersion, URI baseUrl) {
    static final String ACCESS_TOKEN = "access-token";
    static final String CONVERSION_RULES = "conversion-rules";
    static final String CONVERSION_RULE_ID = "conversion-rule-id";
    static final String LINKEDIN_VERSION = "linkedin-version";
    static final String BASE_URL = "base-url";

    static final String DEFAULT_BASE_URL = "https://api.linkedin.com";
    /**
     * The pinned Marketing API version. Versions are monthly and "supported and stable for a
     * minimum of one year before sunset" (LinkedIn's versioning page); a sunset version is answered
     * 426 NONEXISTENT_VERSION (e.g. 202504 in April 2026), which makes the destination unhealthy
     * rather than losing events. 202609 is the newest version the documentation confirms: the
     * Conversions API reference is published for view {@code li-lms-2026-09} (platforms.md §7;
     * integrations cite it), while the stored copy of the versioning page still names 202601
     * "latest", which would be sunset around January 2027. Rotate it, or set
     * {@code linkedin-version}, before September 2027.
     */
    static final String DEFAULT_LINKEDIN_VERSION = "202609";

    /** {@code YYYYMM} or {@code YYYYMM.RR}; LinkedIn's first versioned release was 202206. */
    private static final Pattern VERSION = Pattern.compile("20[2-9][0-9](0[1-9]|1[0-2])(\\.[0-9]{2})?");
    /** Conversion rule ids are numeric (the {@code id} of {@code urn:lla:llaPartnerConversion:{id}}). */
    private static final Pattern RULE_ID = Pattern.compile("[0-9]{1,19}");
    /** The token goes into an {@code Authorization} header: one word of printable ASCII. */
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");
    private static final String RULES_EXAMPLE = "\"Purchase=1234567, Lead=7654321\"";

    /**
     * Events never sent, whatever the rules say: LinkedIn's API only adds conversions, so a refund
     * would count as one more conversion (with a negative amount LinkedIn is not known to accept).
     */
    static final String REFUND = "Refund";

    LinkedinSettings {
        rules = Collections.unmodifiableMap(new TreeMap<>(rules));
    }

    /** The conversion rule id for an event name, if the destination has one. */
    Optional<String> ruleFor(String eventName) {
        if (eventName.equals(REFUND)) {
            return Optional.empty();
        }
        return Optional.ofNullable(rules.get(eventName)).or(() -> defaultRule);
    }

    static LinkedinSettings from(ConnectorSettings s, Secrets secrets) {
        Map<String, String> rules = s.optional(CONVERSION_RULES).map(text -> parseRules(s, text)).orElse(Map.of());
        Optional<String> defaultRule = s.optional(CONVERSION_RULE_ID);
        if (defaultRule.isPresent() && !RULE_ID.matcher(defaultRule.get()).matches()) {
            throw new ConfigException(s.key(CONVERSION_RULE_ID), "must be a conversion rule id (digits only)");
        }
        if (rules.isEmpty() && defaultRule.isEmpty()) {
            throw new ConfigException(s.key(CONVERSION_RULES), "is required (or " + CONVERSION_RULE_ID
                    + "): map event names to LinkedIn conversion rule ids as one string, e.g. " + RULES_EXAMPLE);
        }
        String version = s.optional(LINKEDIN_VERSION).orElse(DEFAULT_LINKEDIN_VERSION);
        if (!VERSION.matcher(version).matches()) {
            throw new ConfigException(s.key(LINKEDIN_VERSION), "must be a LinkedIn API version such as "
                    + DEFAULT_LINKEDIN_VERSION + " (YYYYMM, or YYYYMM.RR for a revision)");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(DEFAULT_BASE_URL));
        // The token last, as for the other connectors: a typo in the plain settings is cheaper to report first.
        Secret token = s.secret(ACCESS_TOKEN, secrets);
        if (!HEADER_SAFE.matcher(token.text()).matches()) {
            throw new ConfigException(s.key(ACCESS_TOKEN), "must be one line of printable ASCII without spaces");
        }
        return new LinkedinSettings(token, rules, defaultRule, version, base);
    }

    /** {@code Name=id} pairs separated by commas; names as Sluice accepts them, ids digits. */
    private static Map<String, String> parseRules(ConnectorSettings s, String text) {
        String key = s.key(CONVERSION_RULES);
        Map<String, String> rules = new TreeMap<>();
        for (String pair : text.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(key, "must be event=rule-id pairs separated by commas, e.g. " + RULES_EXAMPLE);
            }
            String name = pair.substring(0, eq).strip();
            String id = pair.substring(eq + 1).strip();
            // Event names are [A-Za-z][A-Za-z0-9_]{0,49}, so naming one here is safe; values (ids) are never echoed.
            if (!EventNames.isValid(name)) {
                throw new ConfigException(key, "has an entry whose event name is not a valid Sluice event name");
            }
            if (name.equals(REFUND)) {
                throw new ConfigException(key, "maps Refund, which LinkedIn cannot take: its API only adds conversions");
            }
            if (!RULE_ID.matcher(id).matches()) {
                throw new ConfigException(key, "maps " + name + " to something that is not a conversion rule id (digits only)");
            }
            if (rules.put(name, id) != null) {
                throw new ConfigException(key, "maps " + name + " twice");
            }
        }
        return rules;
    }

    @Override
    public String toString() {
        return "LinkedinSettings[rules=" + rules + ", defaultRule=" + defaultRule.orElse("none")
                + ", linkedinVersion=" + linkedinVersion + ", baseUrl=" + baseUrl + ", accessToken=" + accessToken + "]";
    }
}
