package dev.sluice.store;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryCopiesTest {

    private static final List<OutboxRecord> THREE = List.of(
            new OutboxRecord("meta", bytes("sealed-for-meta"), "k1"),
            new OutboxRecord("warehouse", bytes(""), "k-2"),
            new OutboxRecord("hook", bytes("sealed-for-the-hook"), "k1"));

    @Test
    void eachCopyIsFoundAtItsDestinationsPosition() {
        String destinations = DeliveryCopies.destinations(THREE);
        byte[] copies = DeliveryCopies.encode(THREE);

        assertThat(destinations, is("|meta|warehouse|hook|"));
        assertThat(DeliveryCopies.count(destinations), is(3));
        for (int i = 0; i < THREE.size(); i++) {
            OutboxRecord expected = THREE.get(i);
            int index = DeliveryCopies.indexOf(destinations, expected.destinationId());
            assertThat(expected.destinationId(), index, is(i));
            assertThat(DeliveryCopies.destinationAt(destinations, i), is(expected.destinationId()));
            DeliveryCopies.Copy copy = DeliveryCopies.copyAt(copies, index).orElseThrow();
            assertThat(copy.keyId(), is(expected.keyId()));
            assertArrayEquals(expected.payload(), copy.payload());
        }
    }

    @Test
    void aDestinationThatOnlyStartsLikeAnotherIsNotFound() {
        String destinations = DeliveryCopies.destinations(THREE);

        assertThat(DeliveryCopies.indexOf(destinations, "met"), is(-1));
        assertThat(DeliveryCopies.indexOf(destinations, "house"), is(-1));
        assertThat(DeliveryCopies.indexOf(destinations, "hooks"), is(-1));
    }

    @Test
    void aCopyPastTheEndOrAnUnknownVersionIsEmpty() {
        byte[] copies = DeliveryCopies.encode(THREE);

        assertThat(DeliveryCopies.copyAt(copies, 3), is(Optional.empty()));
        assertThat(DeliveryCopies.copyAt(copies, -1), is(Optional.empty()));
        byte[] future = copies.clone();
        future[0] = 3;
        assertThat(DeliveryCopies.copyAt(future, 0), is(Optional.empty()));
        byte[] cut = java.util.Arrays.copyOf(copies, copies.length - 3);
        assertThat(DeliveryCopies.copyAt(cut, 2), is(Optional.empty()));
        assertThat(DeliveryCopies.copyAt(new byte[0], 0), is(Optional.empty()));
    }

    @Test
    void aSharedPartIsStoredOnceAndEachCopyComesBackJoined() {
        byte[] shared = bytes("the part every copy shares");
        List<OutboxRecord> copies = List.of(
                OutboxRecord.sealed("meta", bytes("own-meta"), "k1", shared),
                OutboxRecord.sealed("warehouse", bytes("own-wh"), "k-2", shared),
                new OutboxRecord("hook", bytes("sealed-whole"), "k1"));
        byte[] blob = DeliveryCopies.encode(copies);

        assertThat(blob[0], is(DeliveryCopies.SHARED_VERSION));
        // Version, shared part once, then per copy key id, joined flag, length and payload.
        int expected = 1 + 4 + shared.length;
        for (OutboxRecord copy : copies) {
            expected += 1 + copy.keyId().length() + 1 + 4 + copy.ownUnsafe().length;
        }
        assertThat(blob.length, is(expected));
        for (int i = 0; i < copies.size(); i++) {
            DeliveryCopies.Copy copy = DeliveryCopies.copyAt(blob, i).orElseThrow();
            assertThat(copy.keyId(), is(copies.get(i).keyId()));
            assertArrayEquals(copies.get(i).payload(), copy.payload());
        }
        assertArrayEquals(StoredPayload.join(shared, bytes("own-wh")), DeliveryCopies.copyAt(blob, 1).orElseThrow().payload());
        assertArrayEquals(bytes("sealed-whole"), DeliveryCopies.copyAt(blob, 2).orElseThrow().payload());
        assertThat(DeliveryCopies.copyAt(blob, 3), is(Optional.empty()));
        assertThat(DeliveryCopies.copyAt(java.util.Arrays.copyOf(blob, 1 + 4 + shared.length - 1), 0), is(Optional.empty()));
    }

    @Test
    void aCopyWhoseSharedPartIsNotTheRowsIsStoredWhole() {
        byte[] shared = bytes("shared-a");
        List<OutboxRecord> copies = List.of(
                OutboxRecord.sealed("meta", bytes("own-meta"), "k1", shared),
                OutboxRecord.sealed("warehouse", bytes("own-wh"), "k1", bytes("shared-b")),
                OutboxRecord.sealed("hook", bytes("own-hook"), "k1", bytes("shared-a")));
        byte[] blob = DeliveryCopies.encode(copies);

        for (int i = 0; i < copies.size(); i++) {
            assertArrayEquals(copies.get(i).payload(), DeliveryCopies.copyAt(blob, i).orElseThrow().payload());
        }
        // Equal content counts as the row's shared part; only the other is stored with its own.
        assertThat(blob.length, is(1 + 4 + shared.length
                + (1 + 2 + 1 + 4 + 8) + (1 + 2 + 1 + 4 + StoredPayload.join(bytes("shared-b"), bytes("own-wh")).length)
                + (1 + 2 + 1 + 4 + 8)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
