package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The members of one parsed JSON object, in the order the body gave them: two parallel arrays
 * searched from the front. {@link JsonBodyReader} builds every {@code ObjectNode} over one of
 * these instead of the {@code LinkedHashMap} Jackson's node factory would give it.
 *
 * <p>An event's objects hold a dozen members at most, and each is looked up a few times by the
 * readers and then iterated once for unknown keys; for that, a linear search over an array costs
 * less than hashing, and the map costs two arrays instead of a hash table and a 40-byte entry per
 * member (about a tenth of what an ingest request allocated: docs/benchmarks.md, session 32).
 * Lookups compare by {@link String#equals}, which tries identity first; Jackson's parser hands out
 * canonical (interned) key strings, and the readers look them up with constants.
 *
 * <p>Not thread-safe, like the {@code LinkedHashMap} it replaces; a parsed tree stays on its
 * request's thread. Null keys are refused (JSON has none).
 */
final class Members extends AbstractMap<String, JsonNode> {
    private static final int INITIAL = 8;
    /** From this many members on, lookups go through a hash index instead of a linear search. */
    static final int INDEXED_FROM = 32;
    private static final String[] NO_NAMES = new String[0];
    private static final JsonNode[] NO_VALUES = new JsonNode[0];

    // Allocated on the first member: a body of many empty objects ([{},{},...]) would otherwise
    // cost two 8-slot arrays for every two bytes of JSON.
    private String[] names = NO_NAMES;
    private JsonNode[] values = NO_VALUES;
    private int size;
    private int modifications;
    // Built when an object grows past INDEXED_FROM members (the body's unknown keys are not
    // bounded by the readers), so that building it and checking its keys for duplicates is not
    // quadratic in its size. Dropped on removal and built again on the next lookup.
    private HashMap<String, Integer> positions;

    private int indexOf(Object name) {
        if (name == null) {
            return -1;
        }
        if (size >= INDEXED_FROM) {
            if (positions == null) {
                positions = HashMap.newHashMap(size * 2);
                for (int i = 0; i < size; i++) {
                    positions.put(names[i], i);
                }
            }
            Integer i = positions.get(name);
            return i == null ? -1 : i;
        }
        String[] n = names;
        for (int i = 0; i < size; i++) {
            if (name.equals(n[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public JsonNode get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public JsonNode put(String name, JsonNode value) {
        Objects.requireNonNull(name, "name");
        int i = indexOf(name);
        if (i >= 0) {
            JsonNode previous = values[i];
            values[i] = value;
            return previous;
        }
        if (size == names.length) {
            int length = Math.max(INITIAL, size * 2);
            names = Arrays.copyOf(names, length);
            values = Arrays.copyOf(values, length);
        }
        if (positions != null) {
            positions.put(name, size);
        }
        names[size] = name;
        values[size] = value;
        size++;
        modifications++;
        return null;
    }

    @Override
    public JsonNode remove(Object name) {
        int i = indexOf(name);
        if (i < 0) {
            return null;
        }
        JsonNode previous = values[i];
        removeAt(i);
        return previous;
    }

    private void removeAt(int i) {
        int after = size - i - 1;
        System.arraycopy(names, i + 1, names, i, after);
        System.arraycopy(values, i + 1, values, i, after);
        size--;
        names[size] = null;
        values[size] = null;
        positions = null;
        modifications++;
    }

    @Override
    public void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        positions = null;
        modifications++;
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, JsonNode>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Entries in order; each is a view of its member, so {@code setValue} writes through. */
    private final class Entries implements Iterator<Map.Entry<String, JsonNode>> {
        private int next;
        private int last = -1;
        private int expected = modifications;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Map.Entry<String, JsonNode> next() {
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            if (next >= size) {
                throw new NoSuchElementException();
            }
            last = next++;
            return new Member(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
        }
    }

    private final class Member implements Map.Entry<String, JsonNode> {
        private final int index;
        private final String name;

        Member(int index) {
            this.index = index;
            this.name = names[index];
        }

        @Override
        public String getKey() {
            return name;
        }

        @Override
        public JsonNode getValue() {
            return values[index];
        }

        @Override
        public JsonNode setValue(JsonNode value) {
            JsonNode previous = values[index];
            values[index] = value;
            return previous;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && name.equals(e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return name.hashCode() ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return name + "=" + getValue();
        }
    }
}
