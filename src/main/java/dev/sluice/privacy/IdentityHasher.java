package dev.sluice.privacy;

import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Normalizes and hashes one event's personal data for each destination platform, in memory.
 *
 * <p>Each present value is validated and parsed once ({@code FieldParser}); every platform then
 * takes the shapes its table in {@code ProfileRules} names, and each distinct string is hashed
 * once. Blank values (and a digest of the empty string) are omitted and never hashed; values that already are a SHA-256 hex digest
 * pass through lower-cased (the same digest goes to every platform that hashes that field, so a
 * merchant hashing itself must follow the strictest rules it needs). The event's country, when it
 * names one, is the region for reading phone numbers and ZIP codes; otherwise the tenant's
 * default region is.
 *
 * <p>Thread-safe and stateless between calls: one instance serves all requests, from any thread.
 */
public final class IdentityHasher {
    private static final PiiField[] FIELDS = PiiField.values();

    private final InstantSource clock;

    private IdentityHasher(InstantSource clock) {
        this.clock = clock;
    }

    /** A hasher that takes today (the latest valid date of birth) from the system clock. */
    public static IdentityHasher create() {
        return new IdentityHasher(InstantSource.system());
    }

    /** A hasher on a given clock, for tests. */
    static IdentityHasher create(InstantSource clock) {
        return new IdentityHasher(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Hashes {@code data} for each profile. Invalid values are reported in {@link Hashed#errors()}
     * and left out of every identity; the caller rejects such an event.
     */
    public Hashed hash(PersonalData data, Set<HashingProfile> profiles) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(profiles, "profiles");
        Map<PiiField, String> values = data.values();

        // The country comes first: it decides how phone numbers and ZIP codes are read.
        String country = trimmedOrNull(values.get(PiiField.COUNTRY));
        String eventRegion = country == null ? null : FieldParser.regionOf(country);
        String region = eventRegion != null ? eventRegion : data.defaultRegion();
        // Today somewhere on Earth (UTC+14 is a day ahead of UTC at most): the latest date of birth.
        LocalDate latestBirth = clock.instant().atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1);

        Canonical[] parsed = new Canonical[FIELDS.length];
        List<FieldError> errors = List.of();
        // A country that names none rejects the event; a phone read in the tenant's region instead
        // would be refused too when it is a national number, naming a field that is not at fault
        // (until session 43). It is read, and judged, once the country is fixed.
        // (A merchant's digest of the country names none either, and is no error.)
        boolean countryRefused = country != null && eventRegion == null && !FieldParser.isSha256Hex(country);
        for (PiiField field : FIELDS) {
            String value = trimmedOrNull(values.get(field));
            if (value == null || (countryRefused && field == PiiField.PHONE)) {
                continue;
            }
            try {
                parsed[field.ordinal()] = FieldParser.parse(field, value, region, latestBirth);
            } catch (InvalidValueException e) {
                if (errors.isEmpty()) {
                    errors = new ArrayList<>(2);
                }
                errors.add(new FieldError(field, e.code(), field.jsonName() + " " + e.getMessage()));
            }
        }

        RenderedValues rendered = new RenderedValues(parsed);
        Map<HashingProfile, HashedIdentity> identities = new EnumMap<>(HashingProfile.class);
        for (HashingProfile profile : profiles) {
            identities.put(profile, identity(profile, rendered));
        }
        Map<PiiField, List<String>> subjects = new EnumMap<>(PiiField.class);
        for (PiiField field : SubjectDigests.FIELDS) {
            if (parsed[field.ordinal()] != null) {
                subjects.put(field, SubjectDigests.of(field, form -> rendered.hash(field, form)));
            }
        }
        return new Hashed(identities, errors, subjects);
    }

    private static HashedIdentity identity(HashingProfile profile, RenderedValues values) {
        String[] hex = new String[FIELDS.length];
        byte[][] raw = new byte[FIELDS.length][];
        String[] plain = new String[FIELDS.length];
        for (ProfileRules.Rule rule : ProfileRules.of(profile)) {
            int i = rule.field().ordinal();
            if (rule.plain()) {
                // A digest cannot stand in for a value the platform needs in plain text.
                plain[i] = values.plain(rule.field(), rule.form());
            } else {
                // Ingest's own digest as bytes; a merchant's digest as the hex it came in.
                raw[i] = values.digest(rule.field(), rule.form());
                hex[i] = raw[i] == null ? values.hash(rule.field(), rule.form()) : null;
            }
        }
        return HashedIdentity.of(hex, raw, plain);
    }

    /**
     * The value without surrounding spacing ({@link Texts#stripSpace}), or null when it is absent,
     * blank or the merchant's digest of an empty value ({@link FieldParser#isEmptyDigest}).
     */
    private static String trimmedOrNull(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = Texts.stripSpace(value);
        return trimmed.isEmpty() || FieldParser.isEmptyDigest(trimmed) ? null : trimmed;
    }
}
