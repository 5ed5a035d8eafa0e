package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoredPayloadTest {

    @Test
    void aJoinedCopyGivesBackItsTwoParts() {
        byte[] shared = {1, 2, 'k', '1', 9, 9, 9};
        byte[] own = {1, 2, 'k', '1', 7};
        byte[] joined = StoredPayload.join(shared, own);

        assertEquals(StoredPayload.JOINED, joined[0]);
        assertTrue(StoredPayload.isJoined(joined));
        StoredPayload.Parts parts = StoredPayload.parts(joined).orElseThrow();
        assertArrayEquals(shared, parts.shared());
        assertArrayEquals(own, parts.own());
        assertEquals(new StoredPayload.Parts(new byte[0], own), StoredPayload.parts(StoredPayload.join(new byte[0], own)).orElseThrow());
        assertEquals("Parts[shared=7 bytes, own=5 bytes]", parts.toString());
    }

    @Test
    void aSealedPayloadOrACutJoinedCopyHasNoParts() {
        byte[] sealed = {1, 2, 'k', '1', 5, 5};
        assertFalse(StoredPayload.isJoined(sealed));
        assertFalse(StoredPayload.isJoined(new byte[0]));
        assertEquals(Optional.empty(), StoredPayload.parts(sealed));

        byte[] joined = StoredPayload.join(new byte[] {1, 2, 3}, new byte[] {4});
        assertEquals(Optional.empty(), StoredPayload.parts(Arrays.copyOf(joined, 4)));
        byte[] longer = joined.clone();
        longer[4] = 5; // a shared part of five bytes, where four follow the header
        assertEquals(Optional.empty(), StoredPayload.parts(longer));
        byte[] negative = joined.clone();
        negative[1] = (byte) 0x80;
        assertEquals(Optional.empty(), StoredPayload.parts(negative));
    }
}
