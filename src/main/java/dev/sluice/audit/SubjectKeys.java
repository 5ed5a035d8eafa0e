package dev.sluice.audit;

import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.SubjectDigests;
import dev.sluice.privacy.TenantCrypto;

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

    static Map<PiiField, String> present(Optional<String> email, Optional<String> phone, Optional<String> externalId) {
        java.util.EnumMap<PiiField, String> map = new java.util.EnumMap<>(PiiField.class);
        email.ifPresent(v -> map.put(PiiField.EMAIL, v));
        phone.ifPresent(v -> map.put(PiiField.PHONE, v));
        externalId.ifPresent(v -> map.put(PiiField.EXTERNAL_ID, v));
        return map;
    }
}
