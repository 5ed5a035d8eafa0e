package dev.sluice.audit;

import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.SubjectDigests;
import dev.sluice.privacy.TenantCrypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A data subject's keys: {@code customerKey(field + ":" + digest)} for each normalized digest of
 * the email, phone and external id ({@link SubjectDigests}). Peppered per tenant, so they match
 * nothing outside the tenant and are not the plain hashes platforms receive. The raw identifiers
 * are used here, in memory, and never kept.
 */
final class SubjectKeys {
    /** The identifier fields an erasure request may name, by their JSON names. */
    static final List<PiiField> FIELDS = SubjectDigests.FIELDS;

    private SubjectKeys() {
    }

    /**
     * The keys of the given identifiers.
     *
     * @param identifiers raw values by field (absent fields are simply not in the map)
     * @param region      the region phone numbers are read in
     */
    static List<String> of(TenantCrypto crypto, Map<PiiField, String> identifiers, String region) {
        Map<PiiField, List<String>> digests = new java.util.EnumMap<>(PiiField.class);
        for (PiiField field : FIELDS) {
            digests.put(field, SubjectDigests.of(field, identifiers.get(field), region));
        }
        return ofDigests(crypto, digests);
    }

    /** The keys of identifiers already digested ({@link SubjectDigests}), sorted. */
    static List<String> ofDigests(TenantCrypto crypto, Map<PiiField, List<String>> digests) {
        TreeSet<String> keys = new TreeSet<>();
        for (PiiField field : FIELDS) {
            for (String digest : digests.getOrDefault(field, List.of())) {
                keys.add(crypto.customerKey(field.jsonName() + ":" + digest));
            }
        }
        return List.copyOf(keys);
    }

    /**
     * {@link #ofDigests}'s keys as their bytes, {@link AuditCompanions#RAW_KEY_BYTES} each, one after
     * the other in the same order (bytes compared unsigned sort as their hex does), without
     * duplicates: the embedded store's row. The keys are never made hex, nor their input a string.
     */
    static byte[] packedOfDigests(TenantCrypto crypto, Map<PiiField, List<String>> digests) {
        byte[][] keys = new byte[8][];
        int count = 0;
        for (PiiField field : FIELDS) {
            List<String> ofField = digests.get(field);
            if (ofField == null) {
                continue;
            }
            byte[] name = field.jsonName().getBytes(StandardCharsets.US_ASCII);
            for (String digest : ofField) {
                // field + ":" + digest, as customerKey(String) would encode it
                byte[] input = Arrays.copyOf(name, name.length + 1 + digest.length());
                input[name.length] = ':';
                byte[] utf8 = digest.getBytes(StandardCharsets.UTF_8);
                if (utf8.length != digest.length()) {
                    input = Arrays.copyOf(input, name.length + 1 + utf8.length);
                }
                System.arraycopy(utf8, 0, input, name.length + 1, utf8.length);
                if (count == keys.length) {
                    keys = Arrays.copyOf(keys, count * 2);
                }
                keys[count++] = crypto.customerKey(input);
            }
        }
        Arrays.sort(keys, 0, count, Arrays::compareUnsigned);
        byte[] out = new byte[count * AuditCompanions.RAW_KEY_BYTES];
        int length = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0 && Arrays.equals(keys[i], keys[i - 1])) {
                continue;
            }
            System.arraycopy(keys[i], 0, out, length, AuditCompanions.RAW_KEY_BYTES);
            length += AuditCompanions.RAW_KEY_BYTES;
        }
        return length == out.length ? out : Arrays.copyOf(out, length);
    }

    static Map<PiiField, String> present(Optional<String> email, Optional<String> phone, Optional<String> externalId) {
        java.util.EnumMap<PiiField, String> map = new java.util.EnumMap<>(PiiField.class);
        email.ifPresent(v -> map.put(PiiField.EMAIL, v));
        phone.ifPresent(v -> map.put(PiiField.PHONE, v));
        externalId.ifPresent(v -> map.put(PiiField.EXTERNAL_ID, v));
        return map;
    }
}
