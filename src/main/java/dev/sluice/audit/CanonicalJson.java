package dev.sluice.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical JSON that audit hashes and signatures are computed over: RFC 8785 (JCS)
 * restricted to what audit records hold, so that a verifier in any language can reproduce it.
 *
 * <ul>
 *   <li>objects: members sorted by key, compared as UTF-16 code units (all keys are ASCII);
 *       absent values are left out, never written as {@code null};</li>
 *   <li>arrays: in the order given;</li>
 *   <li>numbers: integers only, written in plain decimal without sign for zero, exponent or
 *       fraction (all fit in 53 bits);</li>
 *   <li>strings: {@code "} and {@code \} escaped with a backslash; U+0008, U+0009, U+000A,
 *       U+000C, U+000D as {@code \b \t \n \f \r}; other code points below U+0020 and unpaired
 *       surrogates as {@code \}{@code u} with four lower-case hex digits; everything else as
 *       itself in UTF-8;</li>
 *   <li>no whitespace anywhere.</li>
 * </ul>
 */
final class CanonicalJson {
    private CanonicalJson() {
    }

    /** Writes a value tree of maps (string keys), lists, strings, integers and booleans. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        append(out, value);
        return out.toString();
    }

    /**
     * A canonical object rendered once with one integer member left open, for a value known only
     * later: {@code head + value + tail} is exactly {@link #write} of the object with that member.
     * Audit records are rendered this way on the request threads, and the store's single writer
     * only fills in the sequence number under the chain lock.
     */
    static final class OpenObject {
        // UTF-8, encoded where the object is rendered (the request threads), so that the store's
        // single writer feeds the chain's digest without encoding text (ChainHash#next). The
        // object is the parts in order with the open member's value between parts[open - 1] and
        // parts[open]; parts may be arrays shared with other objects (DecisionFragments) and are
        // never written to.
        private final byte[][] parts;
        private final int open;

        OpenObject(String head, String tail) {
            this(new byte[][] {head.getBytes(StandardCharsets.UTF_8), tail.getBytes(StandardCharsets.UTF_8)}, 1);
        }

        OpenObject(byte[][] parts, int open) {
            if (open < 1 || open >= parts.length) {
                throw new IllegalArgumentException("the open member's value goes between two parts");
            }
            this.parts = parts;
            this.open = open;
        }

        /** What comes before the open member's value. */
        String head() {
            return new String(joined(0, open), StandardCharsets.UTF_8);
        }

        /** What comes after the open member's value. */
        String tail() {
            return new String(joined(open, parts.length), StandardCharsets.UTF_8);
        }

        /** This object with its last part (after the open member) replaced by {@code last}. */
        OpenObject withLastPart(byte[] last) {
            byte[][] copy = parts.clone();
            copy[copy.length - 1] = last;
            return new OpenObject(copy, open);
        }

        /** The object with {@code value} in its open member. */
        String close(long value) {
            byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            byte[] head = joined(0, open);
            byte[] tail = joined(open, parts.length);
            byte[] out = Arrays.copyOf(head, head.length + digits.length + tail.length);
            System.arraycopy(digits, 0, out, head.length, digits.length);
            System.arraycopy(tail, 0, out, head.length + digits.length, tail.length);
            return new String(out, StandardCharsets.UTF_8);
        }

        /** Feeds {@code digest} the UTF-8 bytes of {@link #close close(value)}. */
        void digest(MessageDigest digest, long value) {
            for (int i = 0; i < open; i++) {
                digest.update(parts[i]);
            }
            if (value < 0) {
                digest.update(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
            } else {
                byte[] digits = new byte[19];
                int at = digits.length;
                long rest = value;
                do {
                    digits[--at] = (byte) ('0' + rest % 10);
                    rest /= 10;
                } while (rest != 0);
                digest.update(digits, at, digits.length - at);
            }
            for (int i = open; i < parts.length; i++) {
                digest.update(parts[i]);
            }
        }

        private byte[] joined(int from, int to) {
            int length = 0;
            for (int i = from; i < to; i++) {
                length += parts[i].length;
            }
            byte[] out = new byte[length];
            int at = 0;
            for (int i = from; i < to; i++) {
                System.arraycopy(parts[i], 0, out, at, parts[i].length);
                at += parts[i].length;
            }
            return out;
        }

        /** Equal when they render alike, however their parts are cut. */
        @Override
        public boolean equals(Object o) {
            return o instanceof OpenObject other && Arrays.equals(joined(0, open), other.joined(0, other.open))
                    && Arrays.equals(joined(open, parts.length), other.joined(other.open, other.parts.length));
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(joined(0, open)) + Arrays.hashCode(joined(open, parts.length));
        }
    }

    /** Renders {@code members} (string keys; null values left out) around the open member {@code key}. */
    static OpenObject open(Map<String, ?> members, String key) {
        StringBuilder head = new StringBuilder(256).append('{');
        StringBuilder tail = new StringBuilder(128);
        for (Map.Entry<String, Object> e : sorted(members).entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            int order = e.getKey().compareTo(key);
            if (order == 0) {
                throw new IllegalArgumentException("the open member " + key + " is also given a value");
            }
            StringBuilder out = order < 0 ? head : tail;
            if (out.length() > 1 || out == tail) {
                out.append(',');
            }
            string(out, e.getKey());
            out.append(':');
            append(out, e.getValue());
        }
        string(head.length() > 1 ? head.append(',') : head, key);
        head.append(':');
        return new OpenObject(head.toString(), tail.append('}').toString());
    }

    /**
     * Converts parsed JSON to the value tree {@link #write} takes, so that a record read back
     * from an export re-serializes to exactly the bytes that were hashed.
     *
     * @throws IllegalArgumentException for values audit records never hold (null, fractions)
     */
    static Object fromJson(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), fromJson(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(fromJson(n)));
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        throw new IllegalArgumentException("audit records hold only objects, arrays, strings, integers and booleans");
    }

    private static void append(StringBuilder out, Object value) {
        switch (value) {
            case String s -> string(out, s);
            case Boolean b -> out.append(b.booleanValue());
            case Long l -> out.append(l.longValue());
            case Integer i -> out.append(i.intValue());
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : sorted(map).entrySet()) {
                    if (e.getValue() == null) {
                        continue;
                    }
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, e.getKey());
                    out.append(':');
                    append(out, e.getValue());
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    append(out, item);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a canonical JSON value: " + value.getClass().getSimpleName());
        }
    }

    /**
     * The map's entries in key order; null values are skipped by the callers. A map already
     * sorted by natural key order (the record fields are built in TreeMaps) is used as it is.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> sorted(Map<?, ?> map) {
        if (map instanceof java.util.SortedMap<?, ?> sortedMap && sortedMap.comparator() == null) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() != null) {
                sorted.put((String) e.getKey(), e.getValue());
            }
        }
        return sorted;
    }

    /** {@code s} as a canonical JSON string, quotes included. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        if (plain(s)) {
            out.append(s).append('"');
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || unpairedSurrogate(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** True when no character of {@code s} is escaped (the common case: ids, codes, hex). */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean unpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
