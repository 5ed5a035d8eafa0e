package dev.sluice.config;

import io.helidon.config.Config;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses durations written as ISO-8601 ({@code PT5M}, {@code P7D}) or shorthand ({@code 5m}, {@code 7d}, {@code 30s}, {@code 250ms}). */
final class Durations {
    private Durations() {
    }

    /**
     * The longest duration a setting takes: a century. Every one is added to or taken from an
     * instant somewhere (an event's age, the dedup window's end), and one far longer (a
     * {@code dedup-window} of 99999999999999d) started the gateway and made every ingest request a
     * 500 when the instant overflowed (until session 39).
     */
    static final Duration MAX = Duration.ofDays(36_500);

    static Duration parse(String key, String text) {
        Duration d = unchecked(key, text);
        if (d.isNegative()) {
            throw new ConfigException(key, "must not be negative");
        }
        if (d.compareTo(MAX) > 0) {
            throw new ConfigException(key, "must be at most " + MAX.toDays() + " days");
        }
        return d;
    }

    /**
     * A setting that must be more than zero ({@code fallback} when absent): at zero an interval
     * would spin, and a window or an age would hold nothing (a zero {@code dedup-window} accepted
     * the same event id twice in one batch).
     */
    static Duration positive(Config node, Duration fallback) {
        if (!node.exists()) {
            return fallback;
        }
        Duration d = parse(node.key().toString(), node.asString().get());
        if (d.isZero()) {
            throw new ConfigException(node.key().toString(), "must be positive");
        }
        return d;
    }

    private static Duration unchecked(String key, String text) {
        String s = text.strip();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
            }
            int split = 0;
            while (split < s.length() && Character.isDigit(s.charAt(split))) {
                split++;
            }
            if (split == 0 || split == s.length()) {
                throw new ConfigException(key, "expected a duration such as 7d, 5m, 30s, 250ms or PT5M");
            }
            long amount = Long.parseLong(s.substring(0, split));
            return switch (s.substring(split)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new ConfigException(key, "unknown duration unit; use ms, s, m, h or d");
            };
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key, "expected a duration such as 7d, 5m, 30s, 250ms or PT5M");
        }
    }
}
