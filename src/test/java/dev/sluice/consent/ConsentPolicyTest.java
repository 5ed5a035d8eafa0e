package dev.sluice.consent;

import dev.sluice.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading the policy: the shipped one loads; a bad one stops startup naming the key at fault. */
class ConsentPolicyTest {
    private static final Path SHIPPED = Path.of("conf/consent-policy.yaml");

    @Test
    void shippedPolicyLoadsWithItsVersionAndContentHash() throws IOException {
        ConsentPolicy policy = ConsentPolicy.load(SHIPPED);
        assertEquals("2026-12-02.2", policy.version());
        assertEquals(ConsentPolicy.sha256(Files.readString(SHIPPED)), policy.contentSha256());
        assertTrue(policy.ruleIds().contains("gdpr.no-consent"));
        assertTrue(policy.ruleIds().contains("linkedin.no-limited-mode"));
    }

    @Test
    void anyChangeChangesTheHash() throws IOException {
        String text = Files.readString(SHIPPED);
        assertNotEquals(ConsentPolicy.parse(text, "a").contentSha256(),
                ConsentPolicy.parse(text + "\n# reviewed\n", "b").contentSha256());
    }

    /** Named by its key and its path, and why in words (the key was the path, the reason an exception's class, until session 42). */
    @Test
    void unreadableFileNamesTheKeyThePathAndWhy(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        ConfigException missing = assertThrows(ConfigException.class, () -> ConsentPolicy.load(Path.of("no/such.yaml")));
        assertEquals("sluice.consent.policy-file", missing.key());
        assertTrue(missing.getMessage().contains("no/such.yaml: cannot read the consent policy (no such file)"), missing.getMessage());
        ConfigException directory = assertThrows(ConfigException.class, () -> ConsentPolicy.load(dir));
        assertTrue(directory.getMessage().contains("(not a readable file)"), directory.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'v', ':', ' ', (byte) 0xE9});
        ConfigException notUtf8 = assertThrows(ConfigException.class, () -> ConsentPolicy.load(latin1));
        assertTrue(notUtf8.getMessage().contains("(not UTF-8 text)"), notUtf8.getMessage());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            version: "2026-12-02.2"               | version: [1, 2]                     | version
            version: "2026-12-02.2"               | version: "2026 09"                  | version
            version: "2026-12-02.2"               | versio: "1"                         | versio
            destination-groups:                   | destination-groupz:                 | destination-groupz
              google: [google_ads, ga4]           |   google: [google_ads, ga5]         | destination-groups.google.1
              google: [google_ads, ga4]           |   meta: [google_ads, ga4]           | destination-groups.meta
            destination-types:\\n  meta:          | destination-types:\\n  facebook:      | destination-types.facebook
              linkedin:\\n    tcf: {purposes: [1, 7]} | linkedin_x:\\n    tcf: {purposes: [1, 7]} | destination-types.linkedin_x
            tcf: {vendor: 755, purposes: [1, 7]}   # Google Advertising Products | tcf: {vendor: 755, purposes: [1, 12]} | destination-types.google_ads.tcf.purposes.1
            tcf: {vendor: 755, purposes: [1, 7]}   # Google Advertising Products | tcf: {vendor: 755, purposes: []} | destination-types.google_ads.tcf.purposes
            tcf: {vendor: 755, purposes: [1, 7]}   # Google Advertising Products | tcf: {vendor: -1, purposes: [1]} | destination-types.google_ads.tcf.vendor
            tcf: {vendor: 755, purposes: [1, 7]}   # Google Advertising Products | tcf: {vendorr: 755, purposes: [1]} | destination-types.google_ads.tcf.vendorr
            flags: {limited_data_use: true}       | flags: {limited_data_use: "{{ldu}}"} | destination-types.tiktok.limited.flags.limited_data_use
            flags: {limited_data_use: true}       | flags: {limited_data_use: "x{{gpc}}"} | destination-types.tiktok.limited.flags.limited_data_use
            id: linkedin.no-limited-mode\\n      unavailable: true | id: linkedin.no-limited-mode\\n      unavailable: true\\n      strip-user-data: true | destination-types.linkedin.limited.unavailable
            id: tiktok.limited-data-use           | id: us.limit.gpc                    | models.us-state-opt-out.rules.0.id
            kind: opt-in                          | kind: consent                       | models.gdpr.kind
            when: {gpc: true}\\n        then: LIMITED | when: {gpx: true}\\n        then: LIMITED | models.us-state-opt-out.rules.0.when.gpx
            when: {gpc: true}\\n        then: LIMITED | when: {gpc: maybe}\\n        then: LIMITED | models.us-state-opt-out.rules.0.when.gpc
            when: {gpc: true}\\n        then: LIMITED | when: {gpc: true}\\n        then: BLOCK | models.us-state-opt-out.rules.0.then
            when: {gpc: true}\\n        then: LIMITED | when: {gpc: true}\\n        then: LIMITED\\n        unless: {} | models.us-state-opt-out.rules.0.unless
            destinations: [google]\\n        when: {tcf: granted} | destinations: [googel]\\n        when: {tcf: granted} | models.gdpr.rules.1.destinations.0
            reason: tcf_consent                   | reason: TCF consent                 | models.gdpr.rules.1.reason
            model: us-state-opt-out               | model: us-opt-out                   | jurisdictions.1.model
            "IS", "LI", "NO", "GB", "CH",         | "IS", "LI", NO, "GB", "CH",         | jurisdictions.0.countries.29
            "IS", "LI", "NO", "GB", "CH",         | "IS", "LI", "XX", "GB", "CH",       | jurisdictions.0.countries.29
            "OR", "RI", "TN", "TX", "UT", "VA"]   | "OR", "RI", "TN", "TX", "UT", "ZZ"] | jurisdictions.1.states.19
            countries: ["US"]                     | countries: ["US", "CA"]             | jurisdictions.1.states
            - id: us-state-privacy                | - id: eea-uk-ch                     | jurisdictions.1.id
            jurisdiction: rest-of-world           | jurisdiction: unknown               | default.jurisdiction
            model: rest-of-world                  | model: nowhere                      | default.model
            """)
    void invalidPolicyIsRejectedNamingTheKey(String from, String to, String key) throws IOException {
        String text = Files.readString(SHIPPED);
        String original = from.strip().replace("\\n", "\n");
        assertTrue(text.contains(original), "the shipped policy no longer contains: " + original);
        String broken = text.replaceFirst(java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(to.strip().replace("\\n", "\n")));

        ConfigException e = assertThrows(ConfigException.class, () -> ConsentPolicy.parse(broken, "test.yaml"));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("test.yaml"), e.getMessage());
    }

    @Test
    void missingDestinationTypeIsRejected() throws IOException {
        String text = Files.readString(SHIPPED);
        int start = text.indexOf("  microsoft:\n");
        int end = text.indexOf("  webhook:\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConsentPolicy.parse(text.substring(0, start) + text.substring(end), "test.yaml"));
        assertEquals("destination-types.microsoft", e.key());
    }

    @Test
    void malformedYamlIsRejectedNamingTheSource() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConsentPolicy.parse("version: \"1\"\nmodels: [unclosed\n", "broken.yaml"));
        assertEquals("broken.yaml", e.key());
        // Line and column, one line, none of the file's text (it was quoted over several lines until session 40).
        assertEquals("broken.yaml: malformed YAML at line 3, column 1", e.getMessage());
        ConfigException quoted = assertThrows(ConfigException.class,
                () -> ConsentPolicy.parse("SECRETCANARY: {x: [}\n", "b.yaml"));
        assertFalse(quoted.getMessage().contains("SECRETCANARY") || quoted.getMessage().contains("\n"), quoted.getMessage());
    }

    @Test
    void duplicateYamlKeyIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConsentPolicy.parse("version: \"1\"\nversion: \"2\"\n", "dup.yaml"));
        assertTrue(e.getMessage().startsWith("dup.yaml: a key given twice at line 2"), e.getMessage());
    }

    @Test
    void documentThatIsNotAMappingIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConsentPolicy.parse("- a\n- b\n", "list.yaml"));
        assertEquals("list.yaml", e.key());
    }
}
