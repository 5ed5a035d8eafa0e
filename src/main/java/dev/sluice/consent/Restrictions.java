package dev.sluice.consent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a decision changes in the destination payload.
 *
 * <p>{@code platformFlags} are written in the platform's wire shape, relative to one event object
 * (or, for GA4, to the request, which carries one user): a connector deep-merges them into what it
 * sends. For example {@code {"data_processing_options":["LDU"],"data_processing_options_country":1,
 * "data_processing_options_state":1000}} for Meta, {@code {"consent":{"adUserData":"DENIED"}}} for
 * Google Ads. Values are strings, numbers, booleans, lists and maps; maps keep the policy's order so
 * the same decision always renders the same bytes.
 *
 * @param stripUserData true when no user identifiers (hashed or raw) may be sent, only the event
 *                      and its click id
 * @param platformFlags flags to merge into the platform payload; empty when none apply
 */
public record Restrictions(boolean stripUserData, Map<String, Object> platformFlags) {

    /** Nothing stripped, nothing flagged. */
    public static final Restrictions NONE = new Restrictions(false, Map.of());
    /** For a denied destination: nothing is sent, so nothing may be. */
    public static final Restrictions NOTHING = new Restrictions(true, Map.of());

    public Restrictions {
        platformFlags = freeze(platformFlags);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> freeze(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, freezeValue(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object freezeValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return freeze((Map<String, ?>) map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Restrictions::freezeValue).toList();
        }
        return value;
    }
}
