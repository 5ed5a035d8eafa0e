package dev.sluice.connector.snapchat;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Secrets;
import dev.sluice.connector.ConnectorSettings;
import dev.sluice.event.EventNames;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A Snapchat destination's settings. {@link #toString()} is the record's own, which is safe only
 * because {@link Secret} prints where the token came from, never the token.
 *
 * @param pixelId     the Snap Pixel ID from Events Manager, a UUID; the v3 endpoint is keyed by it
 * @param accessToken the Conversions API token generated in Business Manager
 * @param baseUrl     {@value #DEFAULT_BASE_URL} unless a test points elsewhere
 * @param testMode    send to Snap's Test Event Tool ({@code /events/validate}): Snap validates
 *                    every event and answers per event, but records nothing
 * @param eventNames  the merchant's own mappings from Sluice event names to Snapchat event names
 *                    (e.g. {@code Lead=CUSTOM_EVENT_1}), consulted before the built-in table
 */
record SnapchatSettings(String pixelId, Secret accessToken, URI baseUrl, boolean testMode,
                        Map<String, String> eventNames) {
    static final String PIXEL_ID = "pixel-id";
    static final String ACCESS_TOKEN = "access-token";
    static final String BASE_URL = "base-url";
    static final String TEST_MODE = "test-mode";
    static final String EVENT_NAMES = "event-names";

    static final String DEFAULT_BASE_URL = "https://tr.snapchat.com";

    /**
     * Every Snap Pixel ID in Snap's docs and partner guides is a UUID
     * ({@code 1ec32188-754e-4be2-8e55-c949a984a39f}); anything else is a copy-and-paste accident
     * (the ad account id, the pixel name) that would fail every request.
     */
    private static final Pattern PIXEL = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /**
     * The token goes into the query string (URL-encoded), so any visible ASCII works; spaces,
     * line breaks and control characters are a copying accident.
     */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,4096}");

    SnapchatSettings {
        eventNames = Map.copyOf(eventNames);
    }

    static SnapchatSettings from(ConnectorSettings s, Secrets secrets) {
        String pixel = s.required(PIXEL_ID);
        if (!PIXEL.matcher(pixel).matches()) {
            throw new ConfigException(s.key(PIXEL_ID),
                    "must be the Snap Pixel ID shown in Events Manager (a UUID such as 1ec32188-754e-4be2-8e55-c949a984a39f)");
        }
        URI base = s.httpUrl(BASE_URL, Optional.of(DEFAULT_BASE_URL));
        boolean test = switch (s.optional(TEST_MODE).map(v -> v.toLowerCase(Locale.ROOT)).orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(s.key(TEST_MODE), "must be true or false");
        };
        Map<String, String> names = eventNames(s);
        // The token last, as for Meta: a typo in the plain settings above is cheaper to report first.
        Secret token = s.secret(ACCESS_TOKEN, secrets);
        if (!TOKEN.matcher(token.text()).matches()) {
            throw new ConfigException(s.key(ACCESS_TOKEN), "must be one line of printable ASCII without spaces");
        }
        return new SnapchatSettings(pixel, token, base, test, names);
    }

    /**
     * {@code event-names}: comma-separated {@code SluiceName=SNAP_NAME} pairs, e.g.
     * {@code Lead=CUSTOM_EVENT_1, Contact=CUSTOM_EVENT_2}. The target must be a Snapchat event
     * name, because Snap has no free-form custom events: its five numbered custom events are how a
     * merchant reports what has no standard counterpart.
     */
    private static Map<String, String> eventNames(ConnectorSettings s) {
        Map<String, String> names = new TreeMap<>();
        Optional<String> text = s.optional(EVENT_NAMES);
        if (text.isEmpty()) {
            return names;
        }
        for (String pair : text.get().split(",")) {
            String[] parts = pair.split("=", -1);
            String from = parts[0].strip();
            String to = parts.length == 2 ? parts[1].strip() : "";
            if (parts.length != 2 || !EventNames.isValid(from) || !SnapchatEventMapper.SNAP_EVENTS.contains(to)) {
                throw new ConfigException(s.key(EVENT_NAMES),
                        "must be pairs such as Lead=CUSTOM_EVENT_1, each a Sluice event name and a Snapchat event name");
            }
            if (SnapchatEventMapper.NOT_SENT.contains(from)) {
                throw new ConfigException(s.key(EVENT_NAMES), "must not map Refund: Snapchat cannot take a conversion back");
            }
            if (names.put(from, to) != null) {
                throw new ConfigException(s.key(EVENT_NAMES), "must map each Sluice event name once");
            }
        }
        return names;
    }
}
