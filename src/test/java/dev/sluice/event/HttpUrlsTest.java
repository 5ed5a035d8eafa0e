package dev.sluice.event;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code event_source_url} check answers as {@link java.net.URI} does ({@link HttpUrls#byUri}),
 * with the plain URLs most events carry accepted by a scan: the scan must never accept what
 * {@code URI} refuses or reads without a host, and the check as a whole must give {@code URI}'s
 * answer for everything.
 */
class HttpUrlsTest {

    @Test
    void plainUrlsAreAcceptedByTheScan() {
        for (String url : List.of("https://shop.example/checkout", "http://localhost:8080/", "HTTPS://Shop.Example",
                "https://shop.example:65535/",
                "https://a.b-c.example:443/p/a;x=1/t%20h?q=1&r=a/b?c#frag:/?", "https://x.example?utm=1",
                "https://x.example#", "https://x1.example/~u/(a)!*'$,+=@:")) {
            assertTrue(HttpUrls.plain(url, url.indexOf("//") + 2), url);
            assertTrue(HttpUrls.isAbsoluteHttpUrl(url), url);
            assertTrue(HttpUrls.byUri(url), url);
        }
    }

    @Test
    void urlsTheScanDoesNotKnowGoThroughUri() {
        // Accepted by URI, not by the scan: IP literals, a trailing dot, non-ASCII, an empty port.
        for (String url : List.of("http://127.0.0.1/", "http://[::1]:8080/", "https://shop.example./",
                "https://shop.example/caf\u00e9", "https://shop.example:/", "https://shop.example/?a=[1]")) {
            assertFalse(HttpUrls.plain(url, url.indexOf("//") + 2), url);
            assertTrue(HttpUrls.isAbsoluteHttpUrl(url), url);
        }
        // Refused either way.
        for (String url : List.of("https://jane:pw@shop.example/", "https://shop.example/a b", "https://",
                "https:/shop.example", "ftp://shop.example/", "https://-a.example/", "https://a-.example/",
                "https://a..example/", "https://a.1example/", "https://shop.example/%zz", "https://shop.example/%4",
                "https://shop.example/#a#b", "https://shop.example/\u0001", "https://shop.example/\"",
                "https://sh_op.example/", "https://shop.example:12x/",
                // Past the highest port (taken until session 39).
                "https://shop.example:99999/x", "https://shop.example:65536", "http://[::1]:70000/", "http://127.0.0.1:123456/")) {
            assertFalse(HttpUrls.isAbsoluteHttpUrl(url), url);
            assertFalse(HttpUrls.byUri(url), url);
        }
    }

    private static final String[] HOSTS = {"shop.example", "a", "a-b.c", "x1.y2.example", "1a.example", "a.1b",
            "127.0.0.1", "[::1]", "-a.b", "a-.b", "a..b", "a.b.", "", "sh_op.example", "user@h.example",
            "u:p@h.example", "h\u00e9.example", "H.EXAMPLE"};
    private static final String[] PORTS = {"", "", "", ":8080", ":", ":0", ":99999", ":123456", ":8x", "::"};
    private static final String POOL = "aZ09-._~!$&'()*+,;=:@/?#[]%% \"<>\\^`{|}\u0000\u001f\u007f\u00e9\ud800\u20ac";

    @Test
    void generatedUrlsGetUrisAnswerAndTheScanAcceptsOnlyWhatUriAccepts() {
        Random random = new Random(20261130L);
        int plain = 0;
        for (int n = 0; n < 50_000; n++) {
            // Half of them tidy (plain hosts and characters, one stray character at most), half anything.
            boolean tidy = random.nextBoolean();
            StringBuilder url = new StringBuilder(random.nextInt(10) == 0 ? "ftp://" : random.nextBoolean() ? "https://" : "http://");
            url.append(HOSTS[random.nextInt(tidy ? 6 : HOSTS.length)]).append(PORTS[random.nextInt(tidy ? 4 : PORTS.length)]);
            int stray = tidy && random.nextInt(3) == 0 ? 0 : -1;
            for (int c = random.nextInt(12); c > 0; c--) {
                int pick = tidy && c != stray ? random.nextInt(6) : random.nextInt(10);
                if (pick < 5) {
                    url.append(tidy ? "abc/?=&-._~#".charAt(random.nextInt(12)) : (char) ('a' + random.nextInt(26)));
                } else if (tidy && c != stray) {
                    url.append("%2F");
                } else if (pick < 5) {
                    url.append((char) ('a' + random.nextInt(26)));
                } else if (pick < 6) {
                    url.append('%').append("0aF9g".charAt(random.nextInt(5))).append("0aF9g".charAt(random.nextInt(5)));
                } else {
                    url.append(POOL.charAt(random.nextInt(POOL.length())));
                }
            }
            String text = url.toString();
            boolean expected = HttpUrls.byUri(text);
            assertEquals(expected, HttpUrls.isAbsoluteHttpUrl(text), text);
            int authority = text.indexOf("//") + 2;
            if (text.startsWith("http") && HttpUrls.plain(text, authority)) {
                plain++;
                assertTrue(expected, "the scan accepted what URI refuses: " + text);
            }
        }
        // The generator must reach the scan's accepting paths often enough to mean something.
        assertTrue(plain > 5_000, "plain URLs generated: " + plain);
    }
}
