package dev.sluice.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The click ids' shapes are checked by hand-written matchers; the regular expressions they
 * replace are the reference, over crafted edge cases and generated near-misses.
 */
class ClickIdReaderTest {
    private static final Pattern FBC = Pattern.compile(
            "fb\\.[0-9]\\.[0-9]{10,13}\\.[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]{2,8})?");
    private static final Pattern FBP = Pattern.compile(
            "fb\\.[0-9]\\.[0-9]{10,13}\\.[0-9]+(?:\\.[A-Za-z0-9_-]{2,8})?");
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9._~+/=-]+");

    @Test
    void theMatchersAcceptExactlyWhatTheExpressionsAccept() {
        List<String> values = new ArrayList<>(List.of("", ".", "fb.", "fb.1.1596403881668.1116446470",
                "fb.1.1596403881668.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
                "fb.1.1596403881668.abc.AbCdEfGh", "fb.1.1596403881668.abc.AbCdEfGhI", "fb.1.1596403881668.abc.A",
                "fb.1.1596403881668.abc.", "fb.1.159640388.abc", "fb.1.15964038816680.abc", "fb.1.1596403881.1",
                "fb.12.1596403881668.1", "Fb.1.1596403881668.1", "fb.1.1596403881668.12a", "fb.1.1596403881668.1.Bg",
                "fb.1.1596403881668.1.B\u00e9", "fb.1.1596403881668..Bg", "fb.\u0661.1596403881668.1",
                "fb.1.1596403881668.1\n", "Cj0KCQ-g_x.~+/=", "a b", "\u00e9", "GA1.1.123.456"));
        Random random = new Random(20261130L);
        String alphabet = "fb.0123456789aZ_-~+/=x \u00e9";
        for (int i = 0; i < 30_000; i++) {
            StringBuilder s = new StringBuilder();
            if (random.nextInt(4) > 0) {
                s.append("fb.").append(random.nextInt(10)).append('.');
                for (int d = 8 + random.nextInt(8); d > 0; d--) {
                    s.append(random.nextInt(10));
                }
                s.append('.');
            }
            for (int c = random.nextInt(16); c > 0; c--) {
                s.append(alphabet.charAt(random.nextInt(random.nextInt(5) == 0 ? alphabet.length() : 12)));
            }
            values.add(s.toString());
        }
        int accepted = 0;
        for (String value : values) {
            assertEquals(FBC.matcher(value).matches(), ClickIdReader.matches("fbc", value), "fbc " + value);
            assertEquals(FBP.matcher(value).matches(), ClickIdReader.matches("fbp", value), "fbp " + value);
            assertEquals(URL_SAFE.matcher(value).matches(), ClickIdReader.matches("gclid", value), "gclid " + value);
            accepted += FBC.matcher(value).matches() ? 1 : 0;
        }
        assertTrue(accepted > 1_000, "generated values of the right shape: " + accepted);
    }
}
