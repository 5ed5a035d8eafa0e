package dev.sluice.privacy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Sha256Test {
    private static byte[] reference(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachStringGetsItsOwnDigestPastTheMemosFirstSize() throws Exception {
        Sha256 sha = new Sha256();
        // Forty distinct values (the memo starts with room for sixteen), some of equal length,
        // each asked for twice, the second round in reverse order.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 40; i++) {
                int n = round == 0 ? i : 39 - i;
                String value = "value-" + (char) ('a' + n % 26) + n;
                assertArrayEquals(reference(value), sha.digest(value), value);
            }
        }
        assertEquals(HexFormat.of().formatHex(reference("jöhn@example.com")), sha.hex("jöhn@example.com"));
    }

    @Test
    void anEqualStringGetsTheSameDigestWithoutHashingAgain() {
        Sha256 sha = new Sha256();
        byte[] first = sha.digest("john@example.com");
        sha.digest("jane@example.com");
        // A different String instance with the same characters.
        assertSame(first, sha.digest(new String("john@example.com".toCharArray())));
    }

    @Test
    void refusesTheEmptyString() {
        assertThrows(IllegalStateException.class, () -> new Sha256().digest(""));
    }

    @Test
    void knownVector() {
        assertEquals(Sha256.EMPTY_HASH.substring(0, 8), "e3b0c442");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.of("abc"));
    }
}
