package dev.sluice.consent;

import dev.sluice.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One value of the parsed policy document with its key path, so that every complaint names the key
 * at fault ({@code models.gdpr.rules.2.when.gpx}) and the file it came from.
 */
final class YamlNode {
    private final Object value;
    private final String path;
    private final String source;

    YamlNode(Object value, String path, String source) {
        this.value = value;
        this.path = path;
        this.source = source;
    }

    String path() {
        return path;
    }

    boolean isPresent() {
        return value != null;
    }

    boolean isMap() {
        return value instanceof Map<?, ?>;
    }

    Object raw() {
        return value;
    }

    ConfigException error(String problem) {
        return new ConfigException(path.isEmpty() ? "(document)" : path, problem + " (in " + source + ")");
    }

    YamlNode child(String key) {
        Object child = value instanceof Map<?, ?> map ? map.get(key) : null;
        return new YamlNode(child, path.isEmpty() ? key : path + "." + key, source);
    }

    /** This node as a map in document order; a key outside {@code allowed} (when given) is an error. */
    Map<String, YamlNode> entries(Set<String> allowed) {
        if (!(value instanceof Map<?, ?> map)) {
            throw error(value == null ? "missing" : "must be a mapping");
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw error("keys must be strings, found " + entry.getKey());
            }
            YamlNode child = child(key);
            if (allowed != null && !allowed.contains(key)) {
                throw child.error("unknown key; expected one of " + sorted(allowed));
            }
            entries.put(key, child);
        }
        return entries;
    }

    /** Checks that only {@code allowed} keys are used, and returns this node. */
    YamlNode mapWith(Set<String> allowed) {
        entries(allowed);
        return this;
    }

    List<YamlNode> list() {
        if (!(value instanceof List<?> list)) {
            throw error(value == null ? "missing" : "must be a list");
        }
        String prefix = path + ".";
        return IntStream.range(0, list.size())
                .mapToObj(i -> new YamlNode(list.get(i), prefix + i, source)).toList();
    }

    /** A non-blank scalar as text (YAML may read {@code version: 3} as a number). */
    String text() {
        if (value == null) {
            throw error("missing");
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw error("must be a single value");
        }
        String text = String.valueOf(value).strip();
        if (text.isEmpty()) {
            throw error("must not be blank");
        }
        return text;
    }

    /** A text matching {@code pattern}, described by {@code expectation} when it does not. */
    String text(String pattern, String expectation) {
        String text = text();
        if (!text.matches(pattern)) {
            throw error("must be " + expectation);
        }
        return text;
    }

    int integer() {
        if (!(value instanceof Integer i)) {
            throw error(value == null ? "missing" : "must be an integer");
        }
        return i;
    }

    boolean bool(boolean fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw error("must be true or false");
        }
        return b;
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
