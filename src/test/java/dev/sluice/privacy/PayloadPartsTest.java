package dev.sluice.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A payload cut into a shared and an own part splices back to the same bytes, and nothing else does. */
class PayloadPartsTest {

    @Test
    void anyFourSegmentsSpliceBackInOrder() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            for (int i = 0; i < payload.length; i++) {
                // Text: a zero byte in an own part starts a raw digest (the next test).
                payload[i] = payload[i] == PayloadFormat.RAW_DIGEST ? 1 : payload[i];
            }
            // Three cuts anywhere, segments possibly empty.
            int[] cuts = {random.nextInt(payload.length + 1), random.nextInt(payload.length + 1),
                    random.nextInt(payload.length + 1)};
            Arrays.sort(cuts);
            byte[] shared = new byte[PayloadParts.size(cuts[0], cuts[2] - cuts[1])];
            assertEquals(shared.length, PayloadParts.write(payload, 0, cuts[0], cuts[1], cuts[2], shared));
            byte[] own = new byte[PayloadParts.size(cuts[1] - cuts[0], payload.length - cuts[2])];
            assertEquals(own.length, PayloadParts.write(payload, cuts[0], cuts[1], cuts[2], payload.length, own));

            assertArrayEquals(payload, PayloadParts.splice(shared, own));
            assertTrue(PayloadParts.holds(shared, shared.length, payload, 0, cuts[0], cuts[1], cuts[2]));
            if (payload.length > 0 && cuts[0] > 0) {
                byte[] changed = payload.clone();
                changed[random.nextInt(cuts[0])] ^= 1;
                assertFalse(PayloadParts.holds(shared, shared.length, changed, 0, cuts[0], cuts[1], cuts[2]));
            }
            if (cuts[0] > 0) {
                // The same bytes cut elsewhere are not the same part.
                assertFalse(PayloadParts.holds(shared, shared.length, payload, 0, cuts[0] - 1, cuts[1] - 1, cuts[2]));
            }
        }
    }

    @Test
    void aPartShorterThanItsLengthsIsRefused() {
        byte[] part = new byte[PayloadParts.size(3, 2)];
        PayloadParts.write("abcde".getBytes(), 0, 3, 3, 5, part);
        byte[] fine = part.clone();

        assertThrows(IOException.class, () -> PayloadParts.splice(new byte[3], fine));
        assertThrows(IOException.class, () -> PayloadParts.splice(fine, new byte[0]));
        byte[] tooLong = part.clone();
        tooLong[3] = 6; // a head of six bytes in a part of five
        assertThrows(IOException.class, () -> PayloadParts.splice(tooLong, fine));
        byte[] negative = part.clone();
        negative[0] = (byte) 0x80;
        assertThrows(IOException.class, () -> PayloadParts.splice(fine, negative));
        assertThrows(IllegalArgumentException.class, () -> PayloadParts.write(new byte[4], 2, 1, 0, 0, new byte[8]));
    }

    @Test
    void rawDigestsInTheOwnPartComeOutAsHexBehindTheVerbatimMark() throws IOException {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            StringBuilder text = new StringBuilder("\"h\":{");
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            raw.writeBytes(text.toString().getBytes());
            int digests = 1 + random.nextInt(12);
            for (int d = 0; d < digests; d++) {
                byte[] digest = new byte[32];
                random.nextBytes(digest);
                if (d == 0) {
                    digest[random.nextInt(32)] = 0; // a zero byte inside a digest is data, not a marker
                }
                String hex = java.util.HexFormat.of().formatHex(digest);
                String name = (d == 0 ? "" : ",") + "\"f" + d + "\":";
                text.append(name).append("\"=").append(hex).append('"');
                raw.writeBytes(name.getBytes());
                byte[] out = new byte[PayloadFormat.RAW_DIGEST_LENGTH];
                assertTrue(PayloadFormat.writeRawDigest(hex, out, 0));
                raw.writeBytes(out);
            }
            text.append("},\"d\":{}}");
            raw.writeBytes("},\"d\":{}}".getBytes());
            byte[] expected = ("{\"U\":{" + text).getBytes();
            byte[] shared = new byte[PayloadParts.size(6, 0)];
            PayloadParts.write(expected, 0, 6, 6, 6, shared);
            byte[] rawBytes = raw.toByteArray();
            int userEnd = rawBytes.length - "\"d\":{}}".length() - 1;
            byte[] own = new byte[PayloadParts.size(userEnd, rawBytes.length - userEnd)];
            PayloadParts.write(rawBytes, 0, userEnd, userEnd, rawBytes.length, own);

            assertArrayEquals(expected, PayloadParts.splice(shared, own));
            assertEquals(expected.length - 34 * digests, shared.length - 4 + own.length - 4);
        }
    }

    @Test
    void aRawDigestCutShortIsRefused() {
        byte[] out = new byte[PayloadFormat.RAW_DIGEST_LENGTH];
        assertTrue(PayloadFormat.writeRawDigest("ab".repeat(32), out, 0));
        assertFalse(PayloadFormat.writeRawDigest("AB".repeat(32), new byte[33], 0));
        assertFalse(PayloadFormat.writeRawDigest("ab".repeat(31), new byte[33], 0));
        byte[] cut = java.util.Arrays.copyOf(out, 20);
        byte[] own = new byte[PayloadParts.size(cut.length, 0)];
        PayloadParts.write(cut, 0, cut.length, 0, 0, own);
        byte[] shared = new byte[PayloadParts.size(0, 0)];
        assertThrows(IOException.class, () -> PayloadParts.splice(shared, own));
    }
}
