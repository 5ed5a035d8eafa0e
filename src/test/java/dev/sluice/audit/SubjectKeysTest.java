package dev.sluice.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.TenantCrypto;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's subject keys are made raw ({@link SubjectKeys#packedOfDigests}) without
 * passing through hex: they must be exactly the hex keys erasure computes, in their order, once each.
 */
final class SubjectKeysTest {
    private final TenantCrypto crypto = DataKeyring.of(Map.of("k1", new byte[32]), "k1").forTenant("tenant-a");

    @Test
    void packedKeysAreTheHexKeysRaw_sortedAndDistinct() {
        String email = "4b".repeat(32);
        String phoneDigits = "0f".repeat(32);
        String phoneE164 = "f0".repeat(32);
        List<Map<PiiField, List<String>>> cases = List.of(
                Map.of(),
                Map.of(PiiField.EMAIL, List.of(email)),
                Map.of(PiiField.EMAIL, List.of(email), PiiField.PHONE, List.of(phoneDigits, phoneE164),
                        PiiField.EXTERNAL_ID, List.of("merchant-id-ü")),
                // the same identifier twice gives one key; the same digest under another field another key
                Map.of(PiiField.PHONE, List.of(phoneDigits, phoneDigits), PiiField.EXTERNAL_ID, List.of(phoneDigits)));
        for (Map<PiiField, List<String>> digests : cases) {
            Map<PiiField, List<String>> ordered = digests.isEmpty() ? Map.of() : new EnumMap<>(digests);
            List<String> hex = SubjectKeys.ofDigests(crypto, ordered);
            byte[] packed = SubjectKeys.packedOfDigests(crypto, ordered);
            assertEquals(hex.size() * AuditCompanions.RAW_KEY_BYTES, packed.length, digests.keySet().toString());
            StringBuilder joined = new StringBuilder();
            hex.forEach(joined::append);
            assertEquals(joined.toString(), HexFormat.of().formatHex(packed), digests.keySet().toString());
        }
        assertEquals(4, SubjectKeys.ofDigests(crypto, new EnumMap<>(cases.get(2))).size());
        assertEquals(2, SubjectKeys.ofDigests(crypto, new EnumMap<>(cases.get(3))).size());
        assertArrayEquals(HexFormat.of().parseHex(crypto.customerKey("email:" + email)),
                SubjectKeys.packedOfDigests(crypto, Map.of(PiiField.EMAIL, List.of(email))));
    }
}
