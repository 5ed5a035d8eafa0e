package dev.sluice.config;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The keys under {@code sluice} that a configuration file sets and Sluice does not read: a
 * misspelt key ({@code dedup-windw}, a {@code retention} block indented under the wrong parent)
 * otherwise leaves the default in force without a word. Only the file is looked at, not the
 * environment: a Kubernetes service named {@code sluice} puts {@code SLUICE_SERVICE_HOST} and the
 * like into every pod, which read as keys too. The {@code server} section is Helidon's own and a
 * destination's {@code settings} are checked against what its connector reads
 * ({@code ConnectorSettings.refuseUnknown}).
 */
public final class ConfigKeys {
    // Every key Sluice reads under "sluice", as patterns over the dotted key (list indexes and
    // map keys such as a data key id, a tenant or a currency pair as [^.]+). README's
    // configuration table lists them; ConfigKeysTest holds the two to each other.
    private static final List<Pattern> KNOWN = List.of(
            "sluice\\.data-dir",
            "sluice\\.store\\.(kind|sqlite-file)",
            "sluice\\.store\\.sqlite-wal\\.(restart-bytes|backstop-bytes)",
            "sluice\\.store\\.postgres\\.(url|user|password|pool-size)",
            "sluice\\.ingest\\.(max-body-bytes|max-body-values|max-events|max-event-age|max-future-skew|dedup-window"
                    + "|commit-max-events|max-in-flight-bytes|body-read-timeout)",
            "sluice\\.crypto\\.(generate-demo-key|active-key)",
            "sluice\\.crypto\\.keys\\.[^.]+",
            "sluice\\.audit\\.(signing-key|checkpoint-every|checkpoint-interval)",
            "sluice\\.audit\\.previous-public-keys\\.\\d+",
            "sluice\\.consent\\.policy-file",
            "sluice\\.delivery\\.enabled",
            "sluice\\.retention\\.(events|delivered|dead-letters|audit|interval)",
            "sluice\\.ledger\\.(reporting-currency|time-zone|customer-fold-interval|import-wait)",
            "sluice\\.ledger\\.tenant-currencies\\.[^.]+",
            "sluice\\.ledger\\.(purchase-events|lead-events)\\.\\d+",
            "sluice\\.ledger\\.fx-rates\\.[^.]+\\.[^.]+(\\.[^.]+)?",
            "sluice\\.tenants\\.\\d+\\.(id|demo|default-region|signing-secret|signature-tolerance|rate-limit-per-second)",
            "sluice\\.tenants\\.\\d+\\.(api-key-hashes|admin-key-hashes)\\.\\d+",
            "sluice\\.tenants\\.\\d+\\.destinations\\.\\d+\\.(id|type)",
            "sluice\\.tenants\\.\\d+\\.destinations\\.\\d+\\.settings\\.[^.]+")
            .stream().map(Pattern::compile).toList();

    private ConfigKeys() {
    }

    /** The keys the YAML file sets under {@code sluice} that Sluice does not read, sorted. */
    public static List<String> unknown(Path file) {
        Config fileOnly = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.file(file).mediaType(MediaTypes.create("application/x-yaml")))
                .build();
        return fileOnly.get("sluice").traverse()
                .filter(Config::isLeaf)
                .map(node -> node.key().toString())
                .filter(key -> !known(key))
                .sorted()
                .toList();
    }

    /** Whether Sluice reads {@code key} (a dotted key under {@code sluice}). */
    public static boolean known(String key) {
        return KNOWN.stream().anyMatch(p -> p.matcher(key).matches());
    }
}
