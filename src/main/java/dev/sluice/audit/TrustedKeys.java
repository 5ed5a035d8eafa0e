package dev.sluice.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public keys a verifier accepts checkpoint signatures from, by key id: the signing key in
 * use and those it replaced. A checkpoint names the key that signed it; that name only selects a
 * key from this set, so a checkpoint naming any other key fails verification however it is signed.
 * After rotating the signing key, the old public key stays here (configured as
 * {@code sluice.audit.previous-public-keys}, or given to {@code sluice audit verify} again) for as
 * long as checkpoints it signed are kept.
 *
 * <p>The keys are ordered newest first: the first is the key signing now, each later one a key
 * that the one before it replaced. Since session 40 verification holds checkpoints to that order
 * ({@link ChainVerifier}): a checkpoint signed by a key after a checkpoint by a newer one is a
 * fault, since a replaced key (perhaps replaced because it leaked) must not vouch for records
 * written after its replacement; and an export's head must be signed by the first key.
 */
public final class TrustedKeys {
    private final Map<String, AuditKey> byId;

    private TrustedKeys(Map<String, AuditKey> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    /** The keys, the first being the one in use; a key given twice counts once. */
    public static TrustedKeys of(List<AuditKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one public key is needed to verify signatures");
        }
        Map<String, AuditKey> byId = new LinkedHashMap<>();
        for (AuditKey key : keys) {
            byId.putIfAbsent(key.keyId(), key);
        }
        return new TrustedKeys(byId);
    }

    /** The key in use followed by the keys it replaced. */
    public static TrustedKeys of(AuditKey current, List<AuditKey> previous) {
        List<AuditKey> all = new ArrayList<>(previous.size() + 1);
        all.add(current);
        all.addAll(previous);
        return of(all);
    }

    /** The key with this id, if it is trusted. */
    Optional<AuditKey> find(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /**
     * The key's place in the order, 0 for the key in use, 1 for the one it replaced, and so on;
     * -1 when it is not trusted.
     */
    int rank(String keyId) {
        return keyIds().indexOf(keyId);
    }

    /** The ids of the trusted keys, the key in use first. */
    public List<String> keyIds() {
        return List.copyOf(byId.keySet());
    }

    @Override
    public String toString() {
        return "TrustedKeys" + keyIds();
    }
}
