package dev.sluice.privacy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of hashing one event's personal data for a set of platforms.
 *
 * <p>When {@link #errors()} is not empty the caller must reject the event: the invalid fields
 * have no hash in any identity, and sending the rest would silently lower match quality.
 *
 * @param identities     one identity per requested profile (possibly empty)
 * @param errors         one error per invalid field, in field order
 * @param subjectDigests the data subject's digests ({@link SubjectDigests}) of each valid email,
 *                       phone and external id, whatever the profiles: the audit log's subject
 *                       index is built from them
 */
public record Hashed(Map<HashingProfile, HashedIdentity> identities, List<FieldError> errors,
                     Map<PiiField, List<String>> subjectDigests) {

    public Hashed {
        identities = identities.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(identities));
        errors = List.copyOf(errors);
        subjectDigests = subjectDigests.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(subjectDigests));
    }

    /** Digests are personal data: only the fields are named. */
    @Override
    public String toString() {
        return "Hashed[identities=" + identities + ", errors=" + errors + ", subjectDigests=" + subjectDigests.keySet() + "]";
    }

    /** True when every present value could be normalized. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
