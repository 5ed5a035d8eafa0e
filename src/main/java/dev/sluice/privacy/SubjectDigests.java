package dev.sluice.privacy;

import java.util.List;
import java.util.function.Function;
import java.util.Objects;

/**
 * Normalized SHA-256 digests of a data subject's identifiers, exactly as ingest normalizes them,
 * so that an erasure request and an ingested event name the same person the same way (both
 * are then peppered with {@link TenantCrypto#customerKey}). A value that already is a SHA-256
 * hex digest passes through lower-cased, as at ingest; a phone gives both digests platforms use
 * (digits with country code, and E.164), so either pre-hashed form matches a raw number.
 */
public final class SubjectDigests {
    /** The identifiers a data subject is known by, in this order. */
    public static final List<PiiField> FIELDS = List.of(PiiField.EMAIL, PiiField.PHONE, PiiField.EXTERNAL_ID);

    private SubjectDigests() {
    }

    /**
     * Whether {@code country} is absent, blank, or names a country as ingest reads it (an ISO
     * 3166-1 code or English name). An erasure must check this first: {@link #region} falls back
     * to the tenant's default region for a country it cannot read, so until session 40 an erasure
     * with {@code "country":"Deutschland"} read a German number as an American one, found nobody,
     * and answered 200.
     */
    public static boolean readableCountry(java.util.Optional<String> country) {
        return country.map(String::strip).filter(c -> !c.isEmpty()).map(c -> FieldParser.regionOf(c) != null).orElse(true);
    }

    /**
     * The region phone numbers are read in, as at ingest: the event's country when it names one,
     * else the tenant's default region (also for a country it cannot read: check
     * {@link #readableCountry} first).
     */
    public static String region(java.util.Optional<String> country, String defaultRegion) {
        return country.map(String::strip).filter(c -> !c.isEmpty()).map(FieldParser::regionOf).orElse(defaultRegion);
    }

    /**
     * The digests of one identifier, or none when it is blank (or the digest of an empty value) or
     * cannot be normalized.
     *
     * @param field  {@link PiiField#EMAIL}, {@link PiiField#PHONE} or {@link PiiField#EXTERNAL_ID}
     * @param raw    the identifier as sent
     * @param region upper-case alpha-2 region for phone numbers without a country code
     */
    public static List<String> of(PiiField field, String raw, String region) {
        Objects.requireNonNull(field, "field");
        if (raw == null || Texts.stripSpace(raw).isEmpty() || FieldParser.isEmptyDigest(Texts.stripSpace(raw))) {
            return List.of();
        }
        Canonical parsed;
        try {
            // The date only matters for dates of birth, which are not subject identifiers.
            parsed = FieldParser.parse(field, Texts.stripSpace(raw), region, java.time.LocalDate.MAX);
        } catch (InvalidValueException e) {
            return List.of();
        }
        // The same rendering and hashing as ingest's (RenderedValues), so both give the same digests.
        Canonical[] values = new Canonical[PiiField.values().length];
        values[field.ordinal()] = parsed;
        RenderedValues rendered = new RenderedValues(values);
        return of(field, form -> rendered.hash(field, form));
    }

    /**
     * The digests of one parsed identifier; {@code hash} gives the value's digest in a shape (the
     * merchant's own digest for a pre-hashed value). Ingest passes the digests it already made for
     * the platforms, so the identifier is neither parsed nor hashed twice.
     */
    static List<String> of(PiiField field, Function<Form, String> hash) {
        List<Form> forms = forms(field);
        return forms.size() == 1 ? List.of(hash.apply(forms.getFirst()))
                : distinct(hash.apply(forms.get(0)), hash.apply(forms.get(1)));
    }

    /** The shapes a subject identifier is hashed in: one, or for a phone two. */
    static List<Form> forms(PiiField field) {
        return switch (field) {
            case EMAIL -> List.of(Form.EMAIL_LOWER);
            case PHONE -> List.of(Form.PHONE_DIGITS, Form.PHONE_E164);
            case EXTERNAL_ID -> List.of(Form.EXTERNAL_ID);
            default -> throw new IllegalArgumentException("not a subject identifier: " + field.jsonName());
        };
    }

    private static List<String> distinct(String a, String b) {
        return a.equals(b) ? List.of(a) : List.of(a, b);
    }
}
