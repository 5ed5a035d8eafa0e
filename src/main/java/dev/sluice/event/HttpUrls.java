package dev.sluice.event;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The {@code event_source_url} check: an absolute http or https URL with a host and without user
 * info (which would forward credentials to ad platforms), as {@link java.net.URI} parses it
 * (RFC 2396, strictly: no spaces, no raw control characters).
 *
 * <p>Most URLs are plain: a host of letters, digits, dashes and dots, perhaps a port, then a path,
 * query and fragment of the characters RFC 2396 allows unescaped, and {@code %} escapes. Those are
 * accepted by one scan here ({@link #plain}), which accepts nothing that {@code URI} would refuse
 * or read without a host; everything else (IP literals, user info, non-ASCII, a trailing dot, an
 * empty port, a bracket in the query, anything malformed) goes through {@code URI} as before.
 * Parsing every event's URL with {@code URI} was about 2 % of the request path (JFR over
 * {@code RequestPathBenchmark}, session 20). {@code HttpUrlsTest} holds the scan to {@code URI}'s
 * answers over generated URLs.
 */
final class HttpUrls {
    /** The highest TCP port: {@code https://shop.example:99999/} was taken as a URL until session 39. */
    private static final int MAX_PORT = 65535;

    private HttpUrls() {
    }

    static boolean isAbsoluteHttpUrl(String text) {
        int authority = text.regionMatches(true, 0, "http://", 0, 7) ? 7
                : text.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (authority < 0) {
            return false;
        }
        return plain(text, authority) || byUri(text);
    }

    /** The answer through {@code URI} alone, for any text (the reference {@link #plain} is held to). */
    static boolean byUri(String text) {
        if (!(text.regionMatches(true, 0, "http://", 0, 7) || text.regionMatches(true, 0, "https://", 0, 8))) {
            return false;
        }
        try {
            URI uri = new URI(text);
            return uri.getRawAuthority() != null && uri.getHost() != null && !uri.getHost().isEmpty()
                    && uri.getRawUserInfo() == null && uri.getPort() <= MAX_PORT;
        } catch (URISyntaxException notAUri) {
            return false;
        }
    }

    /**
     * True when the text from {@code at} is a plain host name, an optional port of one to five
     * digits, and a path, query and fragment of unescaped RFC 2396 characters and {@code %HH}
     * escapes; false means "not known to be plain", not "invalid".
     */
    static boolean plain(String text, int at) {
        int n = text.length();
        int i = hostName(text, at, n);
        if (i < 0) {
            return false;
        }
        if (i < n && text.charAt(i) == ':') {
            int digits = ++i;
            while (i < n && i - digits < 6 && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == digits || i - digits > 5 || Integer.parseInt(text, digits, i, 10) > MAX_PORT) {
                return false;
            }
        }
        if (i < n && text.charAt(i) != '/' && text.charAt(i) != '?' && text.charAt(i) != '#') {
            return false;
        }
        // Path, query and fragment take the same characters here ('?' starts the query and may
        // appear in it and in the fragment); only a second '#' is out of place.
        boolean inFragment = false;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= n || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c == '#') {
                if (inFragment) {
                    return false;
                }
                inFragment = true;
            } else if (c != '?' && !isPathChar(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The end of a host name of labels of letters, digits and dashes, each starting and ending with
     * a letter or digit, separated by single dots, the last starting with a letter (RFC 2396's
     * hostname, less the trailing dot); -1 when the text there is not one.
     */
    private static int hostName(String text, int at, int n) {
        int i = at;
        int lastLabel = at;
        while (true) {
            if (i >= n || !isAlphanumeric(text.charAt(i))) {
                return -1;
            }
            lastLabel = i;
            while (i < n && (isAlphanumeric(text.charAt(i)) || text.charAt(i) == '-')) {
                i++;
            }
            if (text.charAt(i - 1) == '-') {
                return -1;
            }
            if (i < n && text.charAt(i) == '.') {
                i++;
                continue;
            }
            return isLetter(text.charAt(lastLabel)) ? i : -1;
        }
    }

    /** RFC 2396's pchar, ';' and '/': the unreserved characters, and the reserved ones a path allows. */
    private static boolean isPathChar(char c) {
        return isAlphanumeric(c) || "-_.!~*'();/:@&=+$,".indexOf(c) >= 0;
    }

    private static boolean isAlphanumeric(char c) {
        return isLetter(c) || isDigit(c);
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
