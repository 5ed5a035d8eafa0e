package dev.sluice.event;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Immutable string maps in key order (click ids, attribution hints). Every payload lists them in
 * key order, so keeping them sorted from the start spares each payload a sort of its own.
 */
final class SortedStrings {
    private static final SortedMap<String, String> EMPTY = Collections.unmodifiableSortedMap(new TreeMap<>());

    private SortedStrings() {
    }

    /** An unmodifiable copy of {@code map} sorted by key; null keys and values are refused. */
    static SortedMap<String, String> copyOf(Map<String, String> map) {
        if (map.isEmpty()) {
            return EMPTY;
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            sorted.put(Objects.requireNonNull(e.getKey(), "key"), Objects.requireNonNull(e.getValue(), "value"));
        }
        return Collections.unmodifiableSortedMap(sorted);
    }
}
