package dev.sluice.ledger;

import dev.sluice.event.Event;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a conversion came from: a platform and, when known, a campaign. Decided per event, in
 * this order (the first rule that applies wins):
 * <ol>
 *   <li>a click id, in {@link #CLICK_IDS} order, from {@code user.click_ids} or from a key of the
 *       same name in {@code attribution}: the click id's platform. The campaign is taken from the
 *       attribution block only when that block names no platform or the same one;</li>
 *   <li>the {@code attribution} block: platform from {@code platform}, else from
 *       {@code utm_source} through {@link #SOURCES} (an unknown source is kept, lower-cased, as
 *       its own platform); campaign from {@code campaign_id}, else {@code utm_id}, else
 *       {@code utm_campaign};</li>
 *   <li>otherwise platform {@value #UNATTRIBUTED} (with the block's campaign, if it has one).</li>
 * </ol>
 * {@code fbp} is a browser id, not a click: it attributes nothing.
 *
 * @param platform the platform, e.g. {@code meta}, or {@value #UNATTRIBUTED}
 * @param campaign the campaign id, or empty when unknown
 */
public record Attribution(String platform, String campaign) {

    /** The platform of conversions nothing attributes. */
    public static final String UNATTRIBUTED = "unattributed";

    /** Click id names and their platforms, in precedence order. */
    static final List<Map.Entry<String, String>> CLICK_IDS = List.of(
            Map.entry("fbc", "meta"), Map.entry("fbclid", "meta"),
            Map.entry("gclid", "google_ads"), Map.entry("gbraid", "google_ads"), Map.entry("wbraid", "google_ads"),
            Map.entry("ttclid", "tiktok"), Map.entry("ScCid", "snapchat"), Map.entry("epik", "pinterest"),
            Map.entry("li_fat_id", "linkedin"), Map.entry("rdt_cid", "reddit"), Map.entry("msclkid", "microsoft"));

    /** {@code utm_source} values (lower-cased) that name a platform. */
    static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("facebook", "meta"), Map.entry("fb", "meta"), Map.entry("instagram", "meta"),
            Map.entry("ig", "meta"), Map.entry("meta", "meta"),
            Map.entry("google", "google_ads"), Map.entry("adwords", "google_ads"), Map.entry("google_ads", "google_ads"),
            Map.entry("tiktok", "tiktok"), Map.entry("snapchat", "snapchat"), Map.entry("snap", "snapchat"),
            Map.entry("pinterest", "pinterest"), Map.entry("linkedin", "linkedin"), Map.entry("reddit", "reddit"),
            Map.entry("bing", "microsoft"), Map.entry("microsoft", "microsoft"), Map.entry("msn", "microsoft"));

    /**
     * Ingest's limit on an attribution value and the spend import's on a campaign id, in code
     * points: a longer cut here (128 until session 40) left an event's revenue under one campaign
     * and its spend under another.
     */
    private static final int MAX_LENGTH = 256;

    /** Validates; campaign may be empty. */
    public Attribution {
        if (platform == null || platform.isBlank() || campaign == null) {
            throw new IllegalArgumentException("platform must not be blank and campaign not null");
        }
    }

    /** Attributes {@code event} by the rules above. */
    public static Attribution of(Event event) {
        Map<String, String> hints = event.attribution();
        Optional<String> hinted = hintedPlatform(hints);
        String campaign = first(hints, "campaign_id", "utm_id", "utm_campaign").map(Attribution::bounded).orElse("");
        for (Map.Entry<String, String> click : CLICK_IDS) {
            if (event.user().clickIds().containsKey(click.getKey()) || hints.containsKey(click.getKey())) {
                String platform = click.getValue();
                boolean sameSource = hinted.isEmpty() || hinted.get().equals(platform);
                return new Attribution(platform, sameSource ? campaign : "");
            }
        }
        if (hinted.isPresent()) {
            return new Attribution(hinted.get(), campaign);
        }
        return new Attribution(UNATTRIBUTED, campaign);
    }

    private static Optional<String> hintedPlatform(Map<String, String> hints) {
        Optional<String> source = first(hints, "platform", "utm_source").map(s -> s.strip().toLowerCase(Locale.ROOT));
        return source.filter(s -> !s.isEmpty()).map(s -> bounded(SOURCES.getOrDefault(s, s)));
    }

    private static Optional<String> first(Map<String, String> hints, String... keys) {
        for (String key : keys) {
            String value = hints.get(key);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.strip());
            }
        }
        return Optional.empty();
    }

    private static String bounded(String value) {
        return value.codePointCount(0, value.length()) <= MAX_LENGTH ? value
                : value.substring(0, value.offsetByCodePoints(0, MAX_LENGTH));
    }
}
