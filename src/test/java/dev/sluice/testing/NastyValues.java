package dev.sluice.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Field values that have broken, or could break, text handling: Unicode edge cases, control and
 * invisible characters, digits of other scripts, case mappings that change length, punctuation
 * alone, every kind of space, overlong strings, numbers of every shape, and values of the wrong
 * JSON type. Each is a JSON literal ({@link Nasty#json}), so that lone surrogates can be sent as
 * the escapes a client would send.
 */
public final class NastyValues {
    private NastyValues() {
    }

    /**
     * One value to put in a field.
     *
     * @param json the JSON literal as sent
     * @param text the string it decodes to, or null for a value that is not a string
     */
    public record Nasty(String json, String text) {
        public static Nasty string(String text) {
            return new Nasty(jsonString(text), text);
        }

        public static Nasty literal(String json) {
            return new Nasty(json, null);
        }

        @Override
        public String toString() {
            return json.length() > 80 ? json.substring(0, 80) + "...(" + json.length() + ")" : json;
        }
    }

    /** Longest string a body may hold (ParserLimits.defaults()); longer ones make the body malformed. */
    public static final int BODY_STRING_LIMIT = 8192;

    private static final String[] STRINGS = {
            // Combining marks, alone and after letters.
            "\u0301", "\u0301\u0301\u0301", "e\u0301", "Jane\u0301", "\u20DD", "a\u0308\u0304\u0323", "\u0345",
            "\u0E31", "\u093F", "\u034F", "\u1AB0x",
            // Lone surrogates (sent as escapes), and pairs in the wrong order.
            "\uD800", "Jane\uDC00", "\uDBFF", "\uDC00\uD800", "a\uD83D",
            // NUL, C0 and C1 controls.
            "\u0000", "Jane\u0000", "Ja\u0000ne", "\u0007", "\u001B[31m", "\u001F", "\u007F", "\u0085", "\u009F",
            "Jane\r\nDoe", "\t\t",
            // Zero-width and bidirectional characters, soft hyphen, invisible operators.
            "\u200B", "\u200BJane", "J\u200Dane", "\u202EJane", "\u2066x\u2069", "\u200E", "\u061C", "\uFEFF",
            "\u2028", "\u2029", "\u00AD", "Ja\u00ADne", "\u2062", "\u180E", "\u115F", "\u3164",
            // Digits of other scripts.
            "\uFF11\uFF12\uFF13\uFF14\uFF15", "\u0669\u0664\u0660\u0662\u0665", "\u096F\u096A\u0966\u0968\u096B",
            "+\uFF11 \uFF16\uFF15\uFF10 \uFF15\uFF15\uFF15 \uFF11\uFF12\uFF11\uFF12",
            "\u0666\u0665\u0660\u0665\u0665\u0665\u0661\u0662\u0661\u0662", "\u00B2\u00B3", "\u2460\u2461", "\u216B",
            // Turkish I, German sharp s, ligatures, titlecase digraphs, Hangul jamo.
            "\u0130stanbul", "\u0131", "\u0130", "I\u011EDIR", "Stra\u00DFe", "\u00DF", "\u1E9E", "\uFB01", "\uFB03",
            "\u01C5", "\u1100\u1161", "\u1100", "\uAC01", "\u3131", "\uFFA1",
            // Emoji with skin tones and ZWJ sequences, flags, keycaps.
            "\uD83D\uDC4D\uD83C\uDFFD", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08",
            "\uD83C\uDDFA\uD83C\uDDF8", "1\uFE0F\u20E3", "\uD83D\uDE00",
            // Characters whose case mapping changes length.
            "\u0149", "\u0390", "\uFB00", "\u023A", "\u023F", "\u1E9E\u1E9E", "\u0587", "\u1F80", "\u0130\u0130\u0130",
            // Punctuation alone.
            "&", "#", "-", "..", ".", "@", "@@", ",", "'", "\"", "\\", "/", "%", "%00", "+", "00", "0", "*", "()", "_",
            "&&", "& ", "-&-", "&amp;", "<>", "{}", "[]", "?", "!",
            // Place names and codes with punctuation and diacritics.
            "N.Y.", "c&", "C&", "U.S.A.", "U.S.", "D.C.", "St.", "-CA", "US-", "US-CA", "us-ny", "CA-", "C.A.", "ca&",
            "US-&", "u&", "&CA", "CA ", "US CA", "US-C", "USA-CA", "US-CAL", "US-\u00C7A", "Bavi\u00E8re", "Qu\u00E9bec",
            "S\u00E3o Paulo", "\u00CEle-de-France", "C\u00F4te d\u2019Ivoire", "\u00C5land", "M\u00E9xico", "T\u00FCrkiye",
            "R\u00E9union", "Cura\u00E7ao", "U.K.", "the Netherlands", "the", "THE", "the &", "Korea, Republic of",
            "and", "Washington, D.C.", "New York", "Calif.", "\u0130llinois", "\uFF23\uFF21", "\uFF35\uFF33",
            // Whitespace-only, every kind.
            " ", "\t", "\n", "\r", "\u000B", "\u000C", "\u00A0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003",
            "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200A", "\u202F", "\u205F", "\u3000",
            " \u00A0\u2007\u202F\u3000\u200B\uFEFF ",
            // Numbers as strings, in many shapes.
            "123", "-1", "+1", "-0", "0.0", "1e5", "1E+2", "1e-7", "0x1F", "NaN", "Infinity", "-Infinity", "1,000.00",
            "1.000,00", " 12.5 ", "12.", ".5", "1_000", "99999999999999999999999999999999", "0.0000001", "00012",
            // Phone-like strings.
            "+1 (650) 555-CALL", "1-800-FLOWERS", "+1 650 555 1212 ext. 5", "++1650", "+0", "0000", "+999 1234",
            "tel:+16505551212", "+44 (0) 20 7183 8750", "+86 138 0000 0000", "650.555.1212 x123",
            "+1\u00A0650\u00A0555\u00A01212", "+1-650-555-1212#", "(((650)))", "+1 650 555 1212 1212 1212 1212 1212",
            "\u200E+1 650 555 1212", "0049 30 123456", "+\u0661 \u0666\u0665\u0660 \u0665\u0665\u0665 \u0661\u0662\u0661\u0662",
            // Emails.
            "a@b", "a@", "@b.c", "a@@b.c", "jane@exam ple.com", "jane@\u4F8B\u3048.jp", "\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A",
            "jane@xn--.com", "jane.@example.com", ".jane@example.com", "jane@-example.com", "jane@example..com",
            "\"a b\"@c.d", "jane+@gmail.com", "+@gmail.com", ".@gmail.com", "...+x@gmail.com", "jane@[127.0.0.1]",
            "jane@localhost", "\u01C5ane@example.com", "\u0130@example.com", "JANE@EXAMPLE.COM\u0301",
            "jane@example.com\u0000", "j\u00E4ne@b\u00FCcher.de", "\uFF4A\uFF41\uFF4E\uFF45@example.com", "jane@example.c",
            "jane@@", "@@example.com", "jane@.com", "jane@example.com.", "+.+@gmail.com", "\u00DF@stra\u00DFe.de",
            "ja\u200Bne@example.com", "\u202Ejane@example.com", "jane\u00AD@example.com", "jane@exa\u200Dmple.com",
            "e\u0301@example.com", "\u0130\u0131@example.com", "jane@b\u00FCcher.de\u0301", "\"ja\u0000ne\"@example.com",
            // Dates and times.
            "1990-02-30", "1899-12-31", "1900-01-01", "2099-01-01", "9999-12-31", "0000-00-00", "1990-04-01T00:00:00Z",
            "19900401", "04/01/1990", "1990-4-1", "\u0661\u0669\u0669\u0660-\u0660\u0664-\u0660\u0661", "-1990-04-01",
            "+1990-04-01", "1990-W13-7", "1990-091", "2026-11-28T10:15:00", "2026-11-28T10:15:00+14:00",
            "2026-11-28T10:15:00-12:00", "+002026-11-28T10:15:00Z", "2026-11-28T10:15:60Z", "2026-11-28T24:00:00Z",
            "2026-11-28T10:15:00.123456789012Z", "2026-11-28t10:15:00z", "2026-11-28 10:15:00Z", "1795860900",
            "\uFF12\uFF10\uFF12\uFF16-11-28T10:15:00Z",
            // URLs and addresses.
            "http://", "https://\u4F8B\u3048.jp/\u30D1\u30B9", "https://shop.example/ch eckout", "javascript:alert(1)",
            "https://user:pw@shop.example/", "https://[::1]/", "https://shop.example:99999/", "https://shop.example/%zz",
            "HTTPS://SHOP.EXAMPLE", "https:/x", "//shop.example", "https://shop.example/\u202E", "https://xn--/",
            "999.1.1.1", "::ffff:1.2.3.4", "1.2.3.4%eth0", "fe80::1%25eth0", "01.02.03.04", "1.2.3", "[::1]", "::",
            "0.0.0.0", "\u0661.\u0662.\u0663.\u0664",
            // Currencies and consent values.
            "eur", "EURO", "\u20AC", "XXX", "XTS", "DEM", "E U R", "\uFF25\uFF35\uFF32", "GRANTED", "granted ", "yes",
            "1YNN", "1---", "1yn-", "1\u0178NN", "1YNNN", "Y",
            // Shapes of identifiers.
            "fb.1.1764324900000.", "fb.1.1764324900000.\u00E9", "GA1.1.", "a b", "Purchase", "purchase", "Custom_1",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
            "g73dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
    };

    /** Values that are not strings, and strings at and over the length limits. */
    private static final String[] LITERALS = {
            "null", "true", "false", "0", "-0", "-1", "1", "1.5", "1e308", "-1e-308", "1e999999999",
            "1e-999999999", "123456789012345678901234567890", "0.0000001", "1E2", "1e+2", "-1.0e-0", "1795860900",
            "1795860900.5", "1.7958609e9", "1e20", "9223372036854775808", "-9223372036854775809", "[]", "[null]",
            "{}", "[\"a\"]", "{\"a\":1}", "\"\"",
    };

    /** The dictionary: every string and literal above, plus long strings up to the body's limit. */
    public static List<Nasty> dictionary() {
        List<Nasty> all = new ArrayList<>();
        for (String s : STRINGS) {
            all.add(Nasty.string(s));
        }
        for (String json : LITERALS) {
            all.add(Nasty.literal(json));
        }
        all.add(Nasty.string("a".repeat(255)));
        all.add(Nasty.string("a".repeat(257)));
        all.add(Nasty.string("\u00E9".repeat(300)));
        all.add(Nasty.string("\u0301".repeat(1000)));
        all.add(Nasty.string("\uD83D\uDC4D".repeat(200)));
        all.add(Nasty.string("1".repeat(300)));
        all.add(Nasty.string("a".repeat(250) + "@example.com"));
        all.add(Nasty.string(" ".repeat(5000) + "x"));
        all.add(Nasty.string("x".repeat(BODY_STRING_LIMIT)));
        return all;
    }

    /** Strings longer than any body may hold: each makes its body malformed at its own pointer. */
    public static List<Nasty> overlong() {
        return List.of(Nasty.string("a".repeat(10_000)), Nasty.string("\u00E9".repeat(BODY_STRING_LIMIT + 1)),
                Nasty.string("\u0301".repeat(20_000)));
    }

    /** Character pools random strings are drawn from: each aims at one kind of mistake. */
    private static final String[] POOLS = {
            "abcXYZ019 .-_'&#@+()/,",
            "\u0301\u0308\u0323\u20DD\u0345\u093F\u0E31aeiou",
            "\u0000\u0007\u001B\u001F\u007F\u0085\u009F\t\n\r ",
            "\u200B\u200C\u200D\u2060\uFEFF\u202A\u202E\u2066\u2069\u200E\u200F\u061C\u00AD ",
            "\uFF10\uFF11\uFF19\u0660\u0661\u0669\u0966\u096F\u00B2\u2460+-() ",
            "\u0130\u0131\u00DF\u1E9E\uFB01\uFB03\u01C5\u0149\u0390\u023A\u023F\u0587\u1F80iIsS",
            "\u1100\u1161\u11A8\uAC00\u3131\uFFA1\u4E00\u3042\u0627\u05D0",
            "\u00A0\u1680\u2000\u2003\u2007\u2009\u200A\u2028\u2029\u202F\u205F\u3000 ",
            "@.+-_\"\\%&a1",
            "0123456789+-. eE",
    };

    private static final String[] EMOJI = {"\uD83D\uDC4D", "\uD83C\uDFFD", "\u200D", "\uD83D\uDC69", "\uFE0F", "\uD83C\uDDFA"};

    /** A random string of 0 to 40 characters from one pool, sometimes with emoji or a lone surrogate. */
    public static Nasty random(Random random) {
        String pool = POOLS[random.nextInt(POOLS.length)];
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(41); n > 0; n--) {
            int pick = random.nextInt(20);
            if (pick == 0) {
                s.append(EMOJI[random.nextInt(EMOJI.length)]);
            } else if (pick == 1 && random.nextInt(4) == 0) {
                s.append((char) (0xD800 + random.nextInt(0x800)));
            } else {
                s.append(pool.charAt(random.nextInt(pool.length())));
            }
        }
        return Nasty.string(s.toString());
    }

    /** {@code s} as a JSON string literal, ASCII only: everything else escaped, lone surrogates included. */
    public static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7F) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
