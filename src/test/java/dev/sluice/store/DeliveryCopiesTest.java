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
        future[0] = 2;
        assertThat(DeliveryCopies.copyAt(future, 0), is(Optional.empty()));
        byte[] cut = java.util.Arrays.copyOf(copies, copies.length - 3);
        assertThat(DeliveryCopies.copyAt(cut, 2), is(Optional.empty()));
        assertThat(DeliveryCopies.copyAt(new byte[0], 0), is(Optional.empty()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
