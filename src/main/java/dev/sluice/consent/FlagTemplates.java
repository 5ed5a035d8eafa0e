package dev.sluice.consent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Platform flags in the policy are templates: a string value that is exactly {@code {{name}}} is
 * replaced per event by a typed value, so that Meta gets the number {@code 1000} for California and
 * a webhook gets the boolean GPC flag. A placeholder with no value for the event (no state known,
 * no such signal) removes its key. Placeholders only stand for a whole value: a value that merely
 * contains braces is a policy error, because half-substituted text on the wire is never intended.
 */
final class FlagTemplates {
    private static final Pattern WHOLE = Pattern.compile("\\{\\{([a-z_]+)}}");

    /** Names a template may use. */
    enum Placeholder {
        META_COUNTRY_CODE, META_STATE_CODE, COUNTRY, REGION,
        AD_STORAGE, AD_USER_DATA, AD_PERSONALIZATION, ANALYTICS_STORAGE, GPC, US_PRIVACY, OPT_OUT;

        private final String key = name().toLowerCase(Locale.ROOT);

        String key() {
            return key;
        }
    }

    private static final Map<String, Placeholder> PLACEHOLDERS = java.util.Arrays.stream(Placeholder.values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Placeholder::key, p -> p));

    /** The same, keyed by the whole template value ({@code {{name}}}): resolving needs no regex. */
    private static final Map<String, Placeholder> BY_VALUE = java.util.Arrays.stream(Placeholder.values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(p -> "{{" + p.key() + "}}", p -> p));

    private FlagTemplates() {
    }

    /** Checks every value under {@code node} and returns the template as a plain map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(YamlNode node) {
        node.entries(null);
        check(node);
        return Restrictions.freeze((Map<String, Object>) node.raw());
    }

    private static void check(YamlNode node) {
        Object value = node.raw();
        if (value instanceof Map<?, ?>) {
            node.entries(null).values().forEach(FlagTemplates::check);
        } else if (value instanceof List<?>) {
            node.list().forEach(FlagTemplates::check);
        } else if (value instanceof String text) {
            Matcher whole = WHOLE.matcher(text);
            if (whole.matches()) {
                if (placeholder(whole.group(1)).isEmpty()) {
                    throw node.error("unknown placeholder {{" + whole.group(1) + "}}; known: "
                            + Arrays.stream(Placeholder.values()).map(Placeholder::key).toList());
                }
            } else if (text.contains("{{") || text.contains("}}")) {
                throw node.error("a placeholder must be the whole value, e.g. \"{{meta_state_code}}\"");
            }
        } else if (!(value instanceof Number || value instanceof Boolean)) {
            throw node.error("must be a string, number, boolean, list or mapping");
        }
    }

    /** The template with every placeholder replaced for this event. */
    static Map<String, Object> resolve(Map<String, Object> template, SignalsSeen seen, Jurisdiction where) {
        Map<String, Object> out = new LinkedHashMap<>();
        template.forEach((key, value) -> resolveValue(value, seen, where).ifPresent(v -> out.put(key, v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Optional<Object> resolveValue(Object value, SignalsSeen seen, Jurisdiction where) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> resolved = resolve((Map<String, Object>) map, seen, where);
            // A mapping whose every value was a missing placeholder says nothing: drop it.
            return resolved.isEmpty() && !map.isEmpty() ? Optional.empty() : Optional.of(resolved);
        }
        if (value instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            list.forEach(item -> resolveValue(item, seen, where).ifPresent(resolved::add));
            return Optional.of(resolved);
        }
        // read() admitted only known placeholders as whole values, so a map lookup finds them all.
        if (value instanceof String text && text.startsWith("{{")) {
            Placeholder placeholder = BY_VALUE.get(text);
            if (placeholder != null) {
                return valueOf(placeholder, seen, where);
            }
        }
        return Optional.of(value);
    }

    private static Optional<Object> valueOf(Placeholder placeholder, SignalsSeen seen, Jurisdiction where) {
        return switch (placeholder) {
            case META_COUNTRY_CODE -> Optional.of(Places.metaCountryCode(where.country()));
            case META_STATE_CODE -> Optional.of(Places.metaStateCode(where.state()));
            case COUNTRY -> where.country().map(c -> c);
            case REGION -> where.state().flatMap(s -> where.country().map(c -> c + "-" + s));
            case AD_STORAGE, AD_USER_DATA, AD_PERSONALIZATION, ANALYTICS_STORAGE ->
                    Optional.ofNullable(seen.consentMode().get(placeholder.key()))
                            .map(flag -> flag.toUpperCase(Locale.ROOT));
            case GPC -> seen.gpc().map(b -> b);
            case US_PRIVACY -> seen.usPrivacy().map(s -> s);
            case OPT_OUT -> seen.optOut().map(b -> b);
        };
    }

    private static Optional<Placeholder> placeholder(String key) {
        return Optional.ofNullable(PLACEHOLDERS.get(key));
    }
}
