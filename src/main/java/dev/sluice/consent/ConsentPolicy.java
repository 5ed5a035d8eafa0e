package dev.sluice.consent;

import dev.sluice.config.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The consent policy ({@code conf/consent-policy.yaml}): jurisdictions and their consent models,
 * the rules of each model, and per destination type what TCF consent stands for it and what
 * LIMITED means. Immutable; loading validates everything, so a policy that exists can be applied.
 * The format is documented field by field in {@code docs/consent.md}.
 *
 * <p>{@link #version()} and {@link #contentSha256()} identify the exact policy a decision was made
 * under; the audit log records both.
 */
public final class ConsentPolicy {
    private final String version;
    private final String contentSha256;
    private final Map<String, DestinationPolicy> destinations;
    private final List<JurisdictionRule> jurisdictions;
    private final String defaultJurisdiction;
    private final Model defaultModel;
    private final Model strictest;
    private final Set<String> ruleIds;

    private ConsentPolicy(PolicyReader.Parts parts, String contentSha256) {
        this.version = parts.version();
        this.contentSha256 = contentSha256;
        this.destinations = Map.copyOf(parts.destinations());
        this.jurisdictions = List.copyOf(parts.jurisdictions());
        this.defaultJurisdiction = parts.defaultJurisdiction();
        this.defaultModel = parts.defaultModel();
        this.ruleIds = parts.ruleIds();
        // Keeps the earlier of two equally strict models, so a tie goes to the one declared first.
        this.strictest = parts.models().values().stream()
                .reduce((a, b) -> b.kind().compareTo(a.kind()) > 0 ? b : a)
                .orElseThrow();
    }

    /** The configuration key naming the policy file. */
    public static final String POLICY_FILE_KEY = "sluice.consent.policy-file";

    /** Why a file could not be read, in words rather than an exception's class name. */
    private static String unreadable(Exception e) {
        Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (cause instanceof java.nio.file.AccessDeniedException) {
            return "not readable";
        }
        if (cause instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        return "not a readable file";
    }

    /**
     * Reads and validates a policy file.
     *
     * @throws ConfigException naming the key at fault when the file cannot be read or is invalid
     */
    public static ConsentPolicy load(Path yaml) {
        String text;
        try {
            text = Files.readString(yaml, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            // Named by the key that points at the file, as every other unusable setting is (the
            // message named the file alone, and the reason as an exception's class name).
            throw new ConfigException(POLICY_FILE_KEY, yaml + ": cannot read the consent policy (" + unreadable(e) + ")");
        }
        return parse(text, yaml.toString());
    }

    /**
     * Parses and validates a policy document.
     *
     * @param yaml       the document
     * @param sourceName where it came from, for error messages
     * @throws ConfigException naming the key at fault when it is malformed or invalid
     */
    public static ConsentPolicy parse(String yaml, String sourceName) {
        LoaderOptions options = new LoaderOptions();
        // A repeated key would silently override the first: in a policy that is a hidden rule change.
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        Object document;
        try {
            document = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            // Where, not what: the parser's message quotes the file's lines (several of them, until
            // session 40), as ConfigLoader keeps the configuration file's out of its messages.
            String kind = e.getMessage() != null && e.getMessage().contains("duplicate key") ? "a key given twice" : "malformed YAML";
            Optional<String> where = e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null
                    ? Optional.of("line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1))
                    : dev.sluice.config.ConfigLoader.where(e);
            throw new ConfigException(sourceName, kind + where.map(w -> " at " + w).orElse(""));
        }
        if (!(document instanceof Map<?, ?>)) {
            throw new ConfigException(sourceName, "the consent policy must be a YAML mapping");
        }
        PolicyReader.Parts parts = new PolicyReader().read(new YamlNode(document, "", sourceName));
        return new ConsentPolicy(parts, sha256(yaml));
    }

    /** The policy's declared version, e.g. {@code 2026-09-01.1}. */
    public String version() {
        return version;
    }

    /** Lower-case hex SHA-256 of the policy document's UTF-8 bytes. */
    public String contentSha256() {
        return contentSha256;
    }

    /** Every rule id the policy declares (rules, baselines and limited modes). */
    public Set<String> ruleIds() {
        return ruleIds;
    }

    Optional<DestinationPolicy> destination(String type) {
        return Optional.ofNullable(destinations.get(type));
    }

    /**
     * The jurisdiction for an event's location. No resolvable country means an unknown location,
     * which gets the strictest configured model: not knowing where someone is must never loosen
     * what they are owed.
     */
    Jurisdiction jurisdiction(Optional<String> countryText, Optional<String> regionText) {
        Optional<String> country = countryText.flatMap(Places::country);
        if (country.isEmpty()) {
            return new Jurisdiction(Jurisdiction.UNKNOWN, Optional.empty(), Optional.empty(), strictest);
        }
        Optional<String> state = regionText.flatMap(r -> Places.usState(country.get(), r));
        for (JurisdictionRule rule : jurisdictions) {
            if (rule.matches(country.get(), state)) {
                return new Jurisdiction(rule.id(), country, state, rule.model());
            }
        }
        return new Jurisdiction(defaultJurisdiction, country, state, defaultModel);
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ConsentPolicy[version=" + version + ", sha256=" + contentSha256 + "]";
    }
}
