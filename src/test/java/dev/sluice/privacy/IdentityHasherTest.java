package dev.sluice.privacy;

import static dev.sluice.privacy.HashingProfile.GOOGLE;
import static dev.sluice.privacy.HashingProfile.META;
import static dev.sluice.privacy.HashingProfile.TIKTOK;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityHasherTest {
    static final IdentityHasher HASHER = IdentityHasher.create(InstantSource.fixed(Instant.parse("2026-11-28T10:00:00Z")));
    static final Set<HashingProfile> ALL = EnumSet.allOf(HashingProfile.class);

    static Map<PiiField, String> typicalEvent() {
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        values.put(PiiField.EMAIL, "Jane.Doe@Example.com");
        values.put(PiiField.PHONE, "+1 (650) 555-1212");
        values.put(PiiField.FIRST_NAME, "Jane");
        values.put(PiiField.LAST_NAME, "Doe");
        values.put(PiiField.CITY, "Menlo Park");
        values.put(PiiField.STATE, "CA");
        values.put(PiiField.ZIP, "94025-1234");
        values.put(PiiField.COUNTRY, "US");
        return values;
    }

    @Test
    void typicalEvent_allProfiles_everyIdentityPresent() {
        Hashed result = HASHER.hash(new PersonalData(typicalEvent(), "US"), ALL);

        assertThat(result.ok(), equalTo(true));
        assertThat(result.identities().keySet(), equalTo(ALL));
        HashedIdentity meta = result.identities().get(META);
        assertThat(meta.hashed().get(PiiField.ZIP), equalTo(Sha256.of("94025")));
        assertThat(meta.hashed().get(PiiField.STATE), equalTo(Sha256.of("ca")));
        HashedIdentity google = result.identities().get(GOOGLE);
        assertThat(google.plain(), equalTo(Map.of(PiiField.CITY, "menlo park", PiiField.STATE, "ca",
                PiiField.ZIP, "94025", PiiField.COUNTRY, "US")));
        assertThat(google.hashed().get(PiiField.PHONE), equalTo(Sha256.of("+16505551212")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "\u2003", "   \n  "})
    void blankValues_areOmitted_neverHashed(String blank) {
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        for (PiiField field : PiiField.values()) {
            values.put(field, blank);
        }
        Hashed result = HASHER.hash(new PersonalData(values, "US"), ALL);

        assertThat(result.ok(), equalTo(true));
        result.identities().values().forEach(identity -> assertThat(identity.isEmpty(), equalTo(true)));
    }

    @Test
    void emptyStringHash_isNeverEmitted_forAnyAcceptedInput() {
        List<String> inputs = List.of("x", ".", "-", "a.b", "+", "00", "++x@gmail.com", ".@gmail.com",
                "+x@example.com", "US", "ca", "94025", "f", "1990-01-01", "Ø", "\u0301", "'", "Mc'", "id");
        for (PiiField field : PiiField.values()) {
            for (String input : inputs) {
                Hashed result = HASHER.hash(new PersonalData(Map.of(field, input), "US"), ALL);
                result.identities().values().forEach(identity -> {
                    assertThat(identity.hashed().containsValue(Sha256.EMPTY_HASH), equalTo(false));
                    assertThat(identity.plain().containsValue(""), equalTo(false));
                });
            }
        }
        assertThat(Sha256.EMPTY_HASH, equalTo(java.util.HexFormat.of().formatHex(sha256(new byte[0]))));
    }

    /**
     * A merchant that hashed an empty value sends SHA-256 of the empty string: that is an empty
     * value, left out like a blank one, never passed through (platforms.md §10: the digest must
     * never leave Sluice). It was passed through as any other digest, to every platform.
     */
    @Test
    void merchantsDigestOfTheEmptyString_isAnEmptyValue_leftOut() {
        for (String digest : List.of(Sha256.EMPTY_HASH, " " + Sha256.EMPTY_HASH.toUpperCase() + "\u00a0")) {
            Map<PiiField, String> values = new EnumMap<>(PiiField.class);
            for (PiiField field : PiiField.values()) {
                values.put(field, digest);
            }
            Hashed result = HASHER.hash(new PersonalData(values, "US"), ALL);

            assertThat(result.ok(), equalTo(true));
            result.identities().values().forEach(identity -> assertThat(identity.isEmpty(), equalTo(true)));
            assertThat(result.subjectDigests(), equalTo(Map.of()));
            for (PiiField field : SubjectDigests.FIELDS) {
                assertThat(SubjectDigests.of(field, digest, "US"), equalTo(List.of()));
            }
        }
    }

    @Test
    void alreadyHashed_passesThroughLowerCased_beforeNormalizing() {
        String digest = Sha256.of("jane@example.com");
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        values.put(PiiField.EMAIL, "  " + digest.toUpperCase() + " ");
        values.put(PiiField.PHONE, digest);        // would be rejected as a phone if normalized
        values.put(PiiField.FIRST_NAME, digest);   // would lose its digits as a name
        values.put(PiiField.COUNTRY, digest);      // Google needs the country in plain text

        Hashed result = HASHER.hash(new PersonalData(values, "US"), ALL);

        assertThat(result.ok(), equalTo(true));
        assertThat(result.identities().get(META).hashed().get(PiiField.EMAIL), equalTo(digest));
        assertThat(result.identities().get(META).hashed().get(PiiField.PHONE), equalTo(digest));
        assertThat(result.identities().get(META).hashed().get(PiiField.FIRST_NAME), equalTo(digest));
        assertThat(result.identities().get(META).hashed().get(PiiField.COUNTRY), equalTo(digest));
        assertThat("a digest cannot stand in for a plain value",
                result.identities().get(GOOGLE).plain(), not(hasKey(PiiField.COUNTRY)));
    }

    @Test
    void eventCountry_decidesPhoneRegion_overTenantDefault() {
        Map<PiiField, String> values = Map.of(PiiField.PHONE, "07911 123456", PiiField.COUNTRY, "United Kingdom");
        Hashed result = HASHER.hash(new PersonalData(values, "US"), Set.of(TIKTOK));

        assertThat(result.identities().get(TIKTOK).hashed().get(PiiField.PHONE), equalTo(Sha256.of("+447911123456")));
    }

    @Test
    void zipRules_followTheEventCountry() {
        Hashed us = HASHER.hash(new PersonalData(Map.of(PiiField.ZIP, "94025-1234"), "US"), Set.of(META));
        Hashed pt = HASHER.hash(new PersonalData(Map.of(PiiField.ZIP, "1000-001", PiiField.COUNTRY, "PT"), "US"), Set.of(META));

        assertThat(us.identities().get(META).hashed().get(PiiField.ZIP), equalTo(Sha256.of("94025")));
        assertThat(pt.identities().get(META).hashed().get(PiiField.ZIP), equalTo(Sha256.of("1000001")));
    }

    @Test
    void externalId_trimmedAndHashedWithCaseKept() {
        Hashed result = HASHER.hash(PersonalData.of(Map.of(PiiField.EXTERNAL_ID, "  Cust-42 ")), ALL);

        assertThat(result.identities().get(META).hashed().get(PiiField.EXTERNAL_ID), equalTo(Sha256.of("Cust-42")));
        assertThat(result.identities().get(GOOGLE).isEmpty(), equalTo(true));
    }

    /**
     * No-break spaces and zero-width characters around a value are spacing, as whitespace is: a
     * lone one is an empty value (left out, never hashed), and one around an email or an id does
     * not change its digest. Until session 39 they were kept: a lone U+00A0 external id was
     * hashed, and an email framed by them refused.
     */
    @Test
    void noBreakAndZeroWidthSpacing_isTrimmed_andALoneOneIsAnEmptyValue() {
        for (String lone : List.of("\u00a0", "\u200b", "\ufeff", "\u202f \u2060")) {
            Hashed result = HASHER.hash(PersonalData.of(Map.of(PiiField.EXTERNAL_ID, lone, PiiField.EMAIL, lone)), ALL);
            assertThat(result.ok(), equalTo(true));
            assertThat(result.identities().get(META).isEmpty(), equalTo(true));
        }
        Hashed framed = HASHER.hash(PersonalData.of(Map.of(PiiField.EXTERNAL_ID, "\u00a0Cust-42\u200b",
                PiiField.EMAIL, "\ufeff Jane@Example.com\u00a0")), ALL);
        assertThat(framed.ok(), equalTo(true));
        assertThat(framed.identities().get(META).hashed().get(PiiField.EXTERNAL_ID), equalTo(Sha256.of("Cust-42")));
        assertThat(framed.identities().get(META).hashed().get(PiiField.EMAIL), equalTo(Sha256.of("jane@example.com")));
    }

    /**
     * A name is hashed as typed without its invisible characters and with single spaces: until
     * session 43 Google's names kept a soft hyphen, a zero-width joiner, a tab or a NUL in the digest.
     */
    @Test
    void names_dropInvisibleCharacters_collapseSpacing_andRefuseControlCharacters() {
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        values.put(PiiField.FIRST_NAME, "Ma\u00ADry\u200D \t\u3000Ann");
        values.put(PiiField.LAST_NAME, "\u202EDoe");
        values.put(PiiField.CITY, "San\u2028Jos\u00E9");
        Hashed hashed = HASHER.hash(new PersonalData(values, "US"), ALL);
        assertThat(hashed.ok(), equalTo(true));
        HashedIdentity google = hashed.identities().get(GOOGLE);
        assertThat(google.hashed().get(PiiField.FIRST_NAME), equalTo(Sha256.of("mary ann")));
        assertThat(google.hashed().get(PiiField.LAST_NAME), equalTo(Sha256.of("doe")));
        assertThat(google.plain().get(PiiField.CITY), equalTo("san jos\u00E9"));

        for (String name : List.of("Jane\u0000", "Ja\u001Bne", "Jane\u007F", "Jane\u0090")) {
            Hashed refused = HASHER.hash(new PersonalData(Map.of(PiiField.FIRST_NAME, name, PiiField.CITY, name), "US"), ALL);
            assertThat(refused.errors().stream().map(FieldError::code).toList(), equalTo(List.of("invalid_name", "invalid_city")));
            assertThat(refused.errors().getFirst().message(), equalTo("first_name must not contain control characters"));
        }
    }

    /**
     * An email is hashed in NFC, and an invisible character in it is refused: until session 43
     * {@code e\u0301@} was hashed decomposed and a zero-width space or a bidirectional mark kept.
     */
    @Test
    void emails_areHashedInNfc_andInvisibleCharactersAreRefused() {
        Hashed decomposed = HASHER.hash(new PersonalData(Map.of(PiiField.EMAIL, "Rene\u0301@Example.com"), "US"), ALL);
        assertThat(decomposed.identities().get(META).hashed().get(PiiField.EMAIL), equalTo(Sha256.of("ren\u00E9@example.com")));
        for (String email : List.of("ja\u200Bne@example.com", "\u202Ejane@example.com", "jane\u00AD@example.com")) {
            Hashed refused = HASHER.hash(new PersonalData(Map.of(PiiField.EMAIL, email), "US"), ALL);
            assertThat(refused.errors().stream().map(FieldError::code).toList(), equalTo(List.of("invalid_email")));
        }
    }

    /**
     * A national phone number is read in the event's country: when the country names none, only
     * the country is refused, not the phone as well (until session 43 it was read in the tenant's
     * region and refused, naming a field that was not at fault); a digest of the country is no error.
     */
    @Test
    void anUnknownCountry_isRefusedAlone_notTheNationalPhoneReadInIt() {
        Hashed refused = HASHER.hash(new PersonalData(Map.of(PiiField.PHONE, "030 123456", PiiField.COUNTRY, "Atlantis"), "US"), ALL);
        assertThat(refused.errors().stream().map(FieldError::field).toList(), equalTo(List.of(PiiField.COUNTRY)));

        Hashed garbled = HASHER.hash(new PersonalData(Map.of(PiiField.PHONE, "+49 30 123456", PiiField.COUNTRY, "Atlantis"), "US"), ALL);
        assertThat(garbled.errors().stream().map(FieldError::field).toList(), equalTo(List.of(PiiField.COUNTRY)));

        Hashed digest = HASHER.hash(new PersonalData(Map.of(PiiField.PHONE, "+49 30 123456", PiiField.COUNTRY, Sha256.of("de")), "US"), ALL);
        assertThat(digest.ok(), equalTo(true));
        assertThat(digest.identities().get(META).hashed().get(PiiField.PHONE), equalTo(Sha256.of("4930123456")));
    }

    /** A control character is no part of a state, postal code or country (until session 43 it was dropped and the rest hashed). */
    @Test
    void controlCharacters_inPlaceFields_areRefused() {
        Map<PiiField, String> values = Map.of(PiiField.STATE, "C\u0000A", PiiField.ZIP, "9402\u001B5",
                PiiField.COUNTRY, "U\u0007S");
        Hashed hashed = HASHER.hash(new PersonalData(values, "US"), ALL);
        assertThat(hashed.errors().stream().map(FieldError::code).toList(),
                equalTo(List.of("invalid_state", "invalid_zip", "invalid_country")));
    }

    /**
     * Punctuation dropped between a letter and its combining mark leaves them side by side: the
     * digest is of the composed letter, as for the name typed without it (until session 43 the
     * mark stayed apart and the digest matched nobody).
     */
    @Test
    void droppedPunctuation_letsALetterAndItsMarkCompose() {
        Map<PiiField, String> values = Map.of(PiiField.FIRST_NAME, "Rene-\u0301", PiiField.CITY, "Montre'\u0301al");
        Hashed hashed = HASHER.hash(new PersonalData(values, "CA"), ALL);
        HashedIdentity meta = hashed.identities().get(META);
        assertThat(meta.hashed().get(PiiField.FIRST_NAME), equalTo(Sha256.of("ren\u00E9")));
        assertThat(meta.hashed().get(PiiField.CITY), equalTo(Sha256.of("montr\u00E9al")));
        assertThat(hashed.identities().get(GOOGLE).plain().get(PiiField.CITY), equalTo("montr\u00E9al"));
    }

    @Test
    void invalidField_isReported_andOtherFieldsStillHashed() {
        Map<PiiField, String> values = new HashMap<>(typicalEvent());
        values.put(PiiField.EMAIL, "jane.doe-at-example.com");
        values.put(PiiField.GENDER, "unknown");

        Hashed result = HASHER.hash(new PersonalData(values, "US"), Set.of(META));

        assertThat(result.ok(), equalTo(false));
        assertThat(result.errors().stream().map(FieldError::code).toList(), equalTo(List.of("invalid_email", "invalid_gender")));
        assertThat(result.errors().getFirst().message(), containsString("email"));
        assertThat(result.errors().getFirst().message(), not(containsString("jane")));
        assertThat(result.identities().get(META).hashed(), not(hasKey(PiiField.EMAIL)));
        assertThat(result.identities().get(META).hashed(), hasKey(PiiField.PHONE));
    }

    @Test
    void overlongValue_isRejectedBeforeParsing() {
        Hashed result = HASHER.hash(PersonalData.of(Map.of(PiiField.PHONE, "1".repeat(10_000))), ALL);

        assertThat(result.errors().getFirst().code(), equalTo("value_too_long"));
    }

    @Test
    void toString_revealsNoValues() {
        PersonalData data = new PersonalData(typicalEvent(), "US");
        Hashed result = HASHER.hash(data, ALL);
        String rendered = data + " " + result + " " + result.identities().get(META);

        for (String value : typicalEvent().values()) {
            if (value.length() > 2) { // "US" and "CA" also spell field names and the region
                assertThat(rendered, not(containsString(value)));
            }
        }
        assertThat(rendered, not(containsString(Sha256.of("jane.doe@example.com"))));
        assertThat(rendered, not(containsString("menlo")));
        assertThat(rendered, containsString("redacted"));
    }

    @Test
    void destinationTypes_mapToProfiles() {
        assertThat(HashingProfile.forDestinationType("ga4"), equalTo(Optional.of(GOOGLE)));
        assertThat(HashingProfile.forDestinationType("google_ads"), equalTo(Optional.of(GOOGLE)));
        assertThat(HashingProfile.forDestinationType("microsoft"), equalTo(Optional.of(HashingProfile.MICROSOFT)));
        assertThat(HashingProfile.forDestinationType("webhook"), equalTo(Optional.empty()));
        assertThat(HashingProfile.forDestinationType(null), equalTo(Optional.empty()));
    }

    @Test
    void concurrentCalls_fromVirtualThreads_agreeWithSequentialResult() throws Exception {
        List<PersonalData> events = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Map<PiiField, String> values = new EnumMap<>(typicalEvent());
            values.put(PiiField.EMAIL, "user" + i + "@example.com");
            values.put(PiiField.PHONE, "+1 650 555 " + (1000 + i));
            events.add(new PersonalData(values, "US"));
        }
        List<Hashed> expected = events.stream().map(e -> HASHER.hash(e, ALL)).toList();

        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < events.size(); i++) {
                    int index = i;
                    tasks.add(() -> HASHER.hash(events.get(index), ALL).equals(expected.get(index)));
                }
            }
            for (Future<Boolean> future : executor.invokeAll(tasks)) {
                assertThat(future.get(), equalTo(true));
            }
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The audit log's subject index is built from the digests made while hashing; an erasure
     * request computes them from the raw identifiers. Both must agree, or an erasure misses events.
     */
    @ParameterizedTest
    @ValueSource(strings = {"US|Jane.Doe@Example.com|+1 (650) 555-1212|cust-1", "DE|a@b.de|030 1234567|  x  ",
            "US|F0E4C2F76C58916EC258F246851BEA091D14D4247A2FC3E18694461B1816E13B|6505551212|",
            "|someone@gmail.com||ext", "GB||07911 123456|"})
    void subjectDigests_matchWhatAnErasureRequestComputes(String row) {
        String[] parts = row.split("\\|", -1);
        Map<PiiField, String> values = new EnumMap<>(PiiField.class);
        if (!parts[0].isEmpty()) {
            values.put(PiiField.COUNTRY, parts[0]);
        }
        PiiField[] fields = {PiiField.EMAIL, PiiField.PHONE, PiiField.EXTERNAL_ID};
        for (int i = 0; i < fields.length; i++) {
            if (!parts[i + 1].isEmpty()) {
                values.put(fields[i], parts[i + 1]);
            }
        }
        // No profile at all: the subject digests do not depend on which platforms receive the event.
        for (Set<HashingProfile> profiles : List.of(ALL, Set.<HashingProfile>of())) {
            Hashed result = HASHER.hash(new PersonalData(values, "US"), profiles);
            assertThat(result.ok(), equalTo(true));
            Map<PiiField, List<String>> expected = new EnumMap<>(PiiField.class);
            String region = SubjectDigests.region(Optional.ofNullable(values.get(PiiField.COUNTRY)), "US");
            for (PiiField field : fields) {
                List<String> digests = SubjectDigests.of(field, values.get(field), region);
                if (!digests.isEmpty()) {
                    expected.put(field, digests);
                }
            }
            assertThat(result.subjectDigests(), equalTo(expected));
        }
    }
}
