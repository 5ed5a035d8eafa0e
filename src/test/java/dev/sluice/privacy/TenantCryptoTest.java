package dev.sluice.privacy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantCryptoTest {
    static final byte[] K1 = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] K2 = HexFormat.of().parseHex("1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
    static final byte[] PLAINTEXT = "{\"client_ip\":\"203.0.113.7\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] AAD = "tenant-a/order-10023/meta".getBytes(StandardCharsets.UTF_8);

    final DataKeyring keyring = DataKeyring.of(Map.of("k1", K1), "k1");

    @Test
    void sealThenOpen_roundTrips() {
        TenantCrypto crypto = keyring.forTenant("tenant-a");
        byte[] sealed = crypto.seal(PLAINTEXT, AAD);

        assertThat(crypto.open(sealed, AAD), equalTo(PLAINTEXT));
        assertThat(crypto.open(crypto.seal(new byte[0], null), null), equalTo(new byte[0]));
    }

    @Test
    void aSealedPayloadOpensWhereItLiesInALargerArray() {
        TenantCrypto crypto = keyring.forTenant("tenant-a");
        byte[] sealed = crypto.seal(PLAINTEXT, AAD);
        byte[] around = new byte[sealed.length + 9];
        java.util.Arrays.fill(around, (byte) 2);
        System.arraycopy(sealed, 0, around, 4, sealed.length);

        assertThat(crypto.open(around, 4, sealed.length, AAD), equalTo(PLAINTEXT));
        // One byte more or less of it is another payload: it fails authentication or is malformed.
        assertThrows(SealedDataException.class, () -> crypto.open(around, 4, sealed.length + 1, AAD));
        assertThrows(SealedDataException.class, () -> crypto.open(around, 4, sealed.length - 1, AAD));
        assertThrows(SealedDataException.class, () -> crypto.open(around, 3, sealed.length, AAD));
        assertThrows(SealedDataException.class, () -> crypto.open(around, 4, 1, AAD));
        assertThrows(IndexOutOfBoundsException.class, () -> crypto.open(around, 10, sealed.length, AAD));
    }

    @Test
    void reusedCiphers_carryNothingFromOnePayloadToTheNext() throws Exception {
        TenantCrypto a = keyring.forTenant("tenant-a");
        TenantCrypto b = keyring.forTenant("tenant-b");
        java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] plain = ("payload " + i).getBytes(StandardCharsets.UTF_8);
                        byte[] aad = ("aad " + i).getBytes(StandardCharsets.UTF_8);
                        TenantCrypto crypto = i % 2 == 0 ? a : b;
                        byte[] sealed = crypto.seal(plain, aad);
                        // A failed opening in between (other tenant) must not poison the next use.
                        TenantCrypto other = crypto == a ? b : a;
                        assertThrows(SealedDataException.class, () -> other.open(sealed, aad));
                        assertThat(crypto.open(sealed, aad), equalTo(plain));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get();
            }
        }
    }

    @Test
    void sealedFormat_isVersionKeyIdNonceCiphertextTag() {
        byte[] sealed = keyring.forTenant("tenant-a").seal(PLAINTEXT, AAD);

        assertThat(sealed[0], equalTo((byte) 1));
        assertThat(sealed[1], equalTo((byte) 2));
        assertThat(new String(sealed, 2, 2, StandardCharsets.US_ASCII), equalTo("k1"));
        assertThat(sealed.length, equalTo(4 + 12 + PLAINTEXT.length + 16));
    }

    @Test
    void sealingTwice_usesFreshNonces() {
        TenantCrypto crypto = keyring.forTenant("tenant-a");

        assertThat(crypto.seal(PLAINTEXT, AAD), not(equalTo(crypto.seal(PLAINTEXT, AAD))));
    }

    @Test
    void everyFlippedByte_isDetected() {
        TenantCrypto crypto = keyring.forTenant("tenant-a");
        byte[] sealed = crypto.seal(PLAINTEXT, AAD);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            SealedDataException e = assertThrows(SealedDataException.class, () -> crypto.open(altered, AAD));
            assertThat("byte " + i, e.reason() != null, equalTo(true));
        }
    }

    @Test
    void wrongAad_isTampered() {
        TenantCrypto crypto = keyring.forTenant("tenant-a");
        byte[] sealed = crypto.seal(PLAINTEXT, AAD);

        SealedDataException e = assertThrows(SealedDataException.class,
                () -> crypto.open(sealed, "tenant-a/order-10024/meta".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.reason(), equalTo(SealedDataException.Reason.TAMPERED));
    }

    @Test
    void otherTenant_cannotOpen() {
        byte[] sealed = keyring.forTenant("tenant-a").seal(PLAINTEXT, AAD);

        SealedDataException e = assertThrows(SealedDataException.class, () -> keyring.forTenant("tenant-b").open(sealed, AAD));
        assertThat(e.reason(), equalTo(SealedDataException.Reason.TAMPERED));
    }

    @Test
    void afterRotation_oldPayloadsOpen_andNewOnesUseTheNewKey() {
        byte[] old = keyring.forTenant("tenant-a").seal(PLAINTEXT, AAD);
        DataKeyring rotated = DataKeyring.of(Map.of("k1", K1, "k2", K2), "k2");
        TenantCrypto crypto = rotated.forTenant("tenant-a");

        assertThat(crypto.open(old, AAD), equalTo(PLAINTEXT));
        assertThat(crypto.activeKeyId(), equalTo("k2"));
        byte[] fresh = crypto.seal(PLAINTEXT, AAD);
        assertThat(new String(fresh, 2, 2, StandardCharsets.US_ASCII), equalTo("k2"));

        DataKeyring withoutOldKey = DataKeyring.of(Map.of("k2", K2), "k2");
        SealedDataException e = assertThrows(SealedDataException.class, () -> withoutOldKey.forTenant("tenant-a").open(old, AAD));
        assertThat(e.reason(), equalTo(SealedDataException.Reason.UNKNOWN_KEY));
        assertThat(e.getMessage(), containsString("'k1'"));
    }

    @Test
    void malformedPayloads_areRejected() {
        TenantCrypto crypto = keyring.forTenant("tenant-a");

        assertThat(assertThrows(SealedDataException.class, () -> crypto.open(new byte[0], AAD)).reason(),
                equalTo(SealedDataException.Reason.MALFORMED));
        assertThat(assertThrows(SealedDataException.class, () -> crypto.open(new byte[] {1, 2, 'k', '1', 0}, AAD)).reason(),
                equalTo(SealedDataException.Reason.MALFORMED));
        assertThat(assertThrows(SealedDataException.class, () -> crypto.open(new byte[] {9, 2, 'k', '1'}, AAD)).reason(),
                equalTo(SealedDataException.Reason.MALFORMED));
    }

    @Test
    void tenantKeys_differ() {
        byte[] a = DataKeyring.hkdf(K1, "sluice/aes/tenant-a");
        byte[] b = DataKeyring.hkdf(K1, "sluice/aes/tenant-b");
        byte[] pepperA = DataKeyring.hkdf(K1, "sluice/pepper/tenant-a");

        assertThat(a, not(equalTo(b)));
        assertThat(a, not(equalTo(pepperA)));
        assertThat(a, not(equalTo(K1)));
    }

    @Test
    void customerKey_isStableAndTenantSpecific_andNotAPlainHash() {
        String a1 = keyring.forTenant("tenant-a").customerKey("jane@example.com");
        String a2 = DataKeyring.of(Map.of("k1", K1), "k1").forTenant("tenant-a").customerKey("jane@example.com");
        String b = keyring.forTenant("tenant-b").customerKey("jane@example.com");

        assertThat(a1.matches("[0-9a-f]{64}"), equalTo(true));
        assertThat(a1, equalTo(a2));
        assertThat(a1, not(equalTo(b)));
        assertThat(a1, not(equalTo(Sha256.of("jane@example.com"))));
    }

    @Test
    void pepperKey_canOutliveActiveKeyRotation() {
        String before = keyring.forTenant("tenant-a").customerKey("jane@example.com");
        DataKeyring rotated = DataKeyring.of(Map.of("k1", K1, "k2", K2), "k2", "k1");

        assertThat(rotated.forTenant("tenant-a").customerKey("jane@example.com"), equalTo(before));
        assertThat(DataKeyring.of(Map.of("k1", K1, "k2", K2), "k2").forTenant("tenant-a").customerKey("jane@example.com"),
                not(equalTo(before)));
    }

    @Test
    void forTenant_isCached() {
        assertThat(keyring.forTenant("tenant-a") == keyring.forTenant("tenant-a"), equalTo(true));
    }

    @Test
    void toString_showsNoKeyMaterial() {
        DataKeyring rotated = DataKeyring.of(Map.of("k1", K1, "k2", K2), "k2");
        String rendered = rotated + " " + rotated.forTenant("tenant-a");

        assertThat(rendered, equalTo("DataKeyring[active=k2, pepper=k2, keys=[k1, k2]] TenantCrypto[tenant=tenant-a, active=k2]"));
    }

    @Test
    void parseKey_acceptsHexAndBase64_andNeverEchoesInput() {
        assertThat(DataKeyring.parseKey(HexFormat.of().formatHex(K1)), equalTo(K1));
        assertThat(DataKeyring.parseKey(" " + HexFormat.of().withUpperCase().formatHex(K1) + "\n"), equalTo(K1));
        assertThat(DataKeyring.parseKey(Base64.getEncoder().encodeToString(K2)), equalTo(K2));
        assertThat(DataKeyring.parseKey(Base64.getUrlEncoder().withoutPadding().encodeToString(K2)), equalTo(K2));

        for (String bad : new String[] {"s3cr3t-passw0rd-not-a-key", Base64.getEncoder().encodeToString(new byte[16]), "", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataKeyring.parseKey(bad));
            if (bad != null && !bad.isEmpty()) {
                assertThat(e.getMessage(), not(containsString(bad)));
            }
            assertThat(e.getCause() == null, equalTo(true));
        }
    }

    @Test
    void keyring_rejectsBadKeysAndIds_withoutEchoingKeys() {
        assertThrows(IllegalArgumentException.class, () -> DataKeyring.of(Map.of("k1", new byte[16]), "k1"));
        assertThrows(IllegalArgumentException.class, () -> DataKeyring.of(Map.of("k1", K1), "k2"));
        assertThrows(IllegalArgumentException.class, () -> DataKeyring.of(Map.of("k 1", K1), "k 1"));
        assertThrows(IllegalArgumentException.class, () -> DataKeyring.of(Map.of("k1", K1), "k1", "k9"));
    }
}
