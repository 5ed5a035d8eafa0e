package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The spend import's body stream: everything up to its limit reads through, one byte more fails. */
final class LimitedBodyTest {

    @Test
    void readsUpToTheLimit_andFailsOnTheByteAfterIt() throws IOException {
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        try (InputStream in = new LedgerHandler.Limited(new ByteArrayInputStream(body), body.length)) {
            assertArrayEquals(body, in.readAllBytes());
        }
        try (InputStream in = new LedgerHandler.Limited(new ByteArrayInputStream(body), body.length - 1)) {
            assertThrows(LedgerHandler.Limited.TooLarge.class, in::readAllBytes);
        }
        // Single bytes and skips count too.
        try (InputStream in = new LedgerHandler.Limited(new ByteArrayInputStream(body), 3)) {
            in.read();
            in.skip(2);
            assertThrows(LedgerHandler.Limited.TooLarge.class, in::read);
        }
        try (InputStream in = new LedgerHandler.Limited(new ByteArrayInputStream(body), 5_000)) {
            assertThrows(LedgerHandler.Limited.TooLarge.class, () -> in.transferTo(OutputStream.nullOutputStream()));
        }
    }
}
