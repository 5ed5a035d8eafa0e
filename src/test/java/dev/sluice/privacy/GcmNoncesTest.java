package dev.sluice.privacy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GcmNoncesTest {

    @Test
    void counter_isXoredIntoTheLastEightBytes_bigEndian() {
        byte[] base = HexFormat.of().parseHex("00112233445566778899aabb");
        byte[] out = new byte[14];

        GcmNonces.write(base, 0x0102030405060708L, out, 1);

        assertThat(HexFormat.of().formatHex(out), equalTo("00" + "00112233" + "455765738d9fadb3" + "00"));
    }

    @Test
    void counterZero_isTheBase_andDistinctCountersGiveDistinctNonces() {
        byte[] base = HexFormat.of().parseHex("ffffffffffffffffffffffff");
        byte[] zero = new byte[12];
        GcmNonces.write(base, 0, zero, 0);
        assertThat(zero, equalTo(base));

        Set<String> seen = new HashSet<>();
        for (long c : new long[] {0, 1, 2, 255, 256, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
            byte[] nonce = new byte[12];
            GcmNonces.write(base, c, nonce, 0);
            assertThat(seen.add(HexFormat.of().formatHex(nonce)), equalTo(true));
        }
    }

    @Test
    void sealedPayloads_carryNoncesThatNeverRepeat() {
        TenantCrypto crypto = DataKeyring.of(Map.of("k1", TenantCryptoTest.K1), "k1").forTenant("tenant-a");
        byte[] plain = "{}".getBytes(StandardCharsets.UTF_8);
        Set<ByteBuffer> nonces = new HashSet<>();
        byte[] previous = null;
        for (int i = 0; i < 20_000; i++) {
            byte[] sealed = crypto.seal(plain, null);
            // version, id length, "k1", then the nonce
            byte[] nonce = java.util.Arrays.copyOfRange(sealed, 4, 16);
            assertThat(nonces.add(ByteBuffer.wrap(nonce)), equalTo(true));
            if (previous != null) {
                // Consecutive nonces share the random part and differ in the counter.
                assertThat(java.util.Arrays.copyOfRange(nonce, 0, 4), equalTo(java.util.Arrays.copyOfRange(previous, 0, 4)));
                assertThat(nonce, not(equalTo(previous)));
            }
            previous = nonce;
        }
    }
}
