package dev.sluice.store;

import static dev.sluice.store.TestEvents.T0;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Validation and redaction of the store's public records; no database needed. */
final class RecordsTest {

    private static final OutboxRecord META = new OutboxRecord("meta", new byte[] {1, 2, 3}, "k1");

    @Test
    void eventRecord_repeatedDestination_isRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new EventRecord("t", "Purchase", "1", T0, T0,
                T0.plusSeconds(1), List.of(META, new OutboxRecord("meta", new byte[0], "k1"))));
        assertThat(e.getMessage(), is("outbox[1] repeats destinationId of outbox[0]"));
    }

    @Test
    void eventRecord_windowEndingBeforeReceipt_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new EventRecord("t", "Purchase", "1", T0, T0, T0.minusMillis(1), List.of()));
    }

    @Test
    void eventRecord_blankKeyPart_isRejectedNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new EventRecord("t", "Purchase", " ", T0, T0, T0, List.of()));
        assertThat(e.getMessage(), is("eventId must not be blank"));
    }

    @Test
    void outboxRecord_copiesPayloadAndPrintsOnlyItsLength() {
        byte[] bytes = {42, 43};
        var record = new OutboxRecord("meta", bytes, "k1");
        bytes[0] = 0;
        record.payload()[1] = 0;

        assertThat(record.payload()[0], is((byte) 42));
        assertThat(record.payload()[1], is((byte) 43));
        assertThat(record.toString(), is("OutboxRecord[destinationId=meta, payload=2 bytes, keyId=k1]"));
        assertThat(record, is(new OutboxRecord("meta", new byte[] {42, 43}, "k1")));
    }

    @Test
    void storeConfig_toString_redactsPasswordAndUrlPassword() {
        var config = StoreConfig.postgres("jdbc:postgresql://db/sluice?user=s&password=hunter2&ssl=true", "s",
                Optional.of("hunter3"), 8);

        assertThat(config.toString(), not(containsString("hunter2")));
        assertThat(config.toString(), not(containsString("hunter3")));
        assertThat(config.toString(), containsString("password=***&ssl=true"));
    }

    @Test
    void storeConfig_missingSettingForKind_isRejected() {
        assertThrows(NullPointerException.class, () -> StoreConfig.sqlite(null));
        assertThrows(IllegalArgumentException.class, () -> StoreConfig.postgres("jdbc:mysql://x", null,
                Optional.empty(), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new StoreConfig("oracle", Path.of("x"), null, null, Optional.empty(), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new StoreConfig("sqlite", Path.of("x"), null, null, Optional.empty(), 0));
    }
}
