package dev.sluice.privacy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * Every vector of {@code normalization-vectors.md}, one platform per row, as
 * {@code src/test/resources/privacy/vectors.csv}; rows marked "(divergence)" assert the
 * platform's written rule, not the SDK's behaviour.
 */
class NormalizationVectorsTest {
    static final IdentityHasher HASHER = IdentityHasher.create(InstantSource.fixed(Instant.parse("2026-11-28T10:00:00Z")));

    @ParameterizedTest(name = "{0} {1} [{3}] -> {4} [{5}] ({7})")
    @CsvFileSource(resources = "/privacy/vectors.csv")
    void vector(HashingProfile profile, PiiField field, String region, String input, String kind,
                String normalized, String sha256, String source) {
        Hashed result = HASHER.hash(new PersonalData(Map.of(field, input), region), Set.of(profile));

        assertThat(result.errors(), equalTo(java.util.List.of()));
        HashedIdentity identity = result.identities().get(profile);
        switch (kind) {
            case "hashed" -> {
                assertThat("the vector's hash is the hash of its normalized string",
                        Sha256.of(normalized), equalTo(sha256));
                assertThat(identity.hashed().get(field), equalTo(sha256));
                assertThat(identity.plain(), not(hasKey(field)));
            }
            case "plain" -> {
                assertThat(identity.plain().get(field), equalTo(normalized));
                assertThat(identity.hashed(), not(hasKey(field)));
            }
            case "absent" -> {
                assertThat(identity.hashed(), equalTo(Map.of()));
                assertThat(identity.plain(), equalTo(Map.of()));
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    @ParameterizedTest(name = "{0} [{2}] -> {3} ({4})")
    @CsvFileSource(resources = "/privacy/errors.csv")
    void rejected(PiiField field, String region, String input, String code, String source) {
        Hashed result = HASHER.hash(new PersonalData(Map.of(field, input), region), Set.of(HashingProfile.values()));

        assertThat(result.ok(), equalTo(false));
        assertThat(result.errors(), contains(new FieldError(field, code, result.errors().getFirst().message())));
        if (input.strip().length() > 3) { // shorter inputs ("a", "n") occur in any English sentence
            assertThat("the message never echoes the value",
                    result.errors().getFirst().message().contains(input.strip()), equalTo(false));
        }
        result.identities().values().forEach(identity -> {
            assertThat(identity.hashed(), not(hasKey(field)));
            assertThat(identity.plain(), not(hasKey(field)));
        });
    }
}
