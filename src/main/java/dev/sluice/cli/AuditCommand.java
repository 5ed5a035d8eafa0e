package dev.sluice.cli;

import dev.sluice.Gateway;
import dev.sluice.audit.AuditKey;
import dev.sluice.audit.AuditLog;
import dev.sluice.audit.ExportVerifier;
import dev.sluice.audit.TrustedKeys;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sluice audit}: the consent audit log's offline tools for privacy officers and auditors. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Consent audit log tools.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.PublicKey.class})
public final class AuditCommand {

    /** An audit public key file (PEM) is a few hundred bytes. */
    private static final int MAX_KEY_BYTES = 64 * 1024;

    /** Verifies a JSONL export offline: exit 0 when intact, 1 naming the first bad record. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a JSONL audit export (GET /v1/audit/consent?format=jsonl) against the public key.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", description = "The export file.")
        Path export;

        @Option(names = "--public-key", required = true, arity = "1",
                description = "An audit public key (PEM), from `sluice audit public-key`. Repeat it to also trust the"
                        + " keys a rotated signing key replaced: checkpoints signed by any of them verify.")
        List<Path> publicKeys;

        @Override
        public Integer call() throws IOException {
            List<AuditKey> keys = new ArrayList<>();
            for (Path publicKey : publicKeys) {
                try {
                    keys.add(AuditKey.parse(SluiceCommand.readText(publicKey, MAX_KEY_BYTES)));
                } catch (IllegalArgumentException e) {
                    System.err.println("sluice: " + publicKey + ": " + e.getMessage());
                    return 2;
                }
            }
            TrustedKeys trusted = TrustedKeys.of(keys);
            AuditLog.Verification v;
            try {
                v = ExportVerifier.verify(SluiceCommand.existingFile(export), trusted);
            } catch (java.nio.charset.CharacterCodingException e) {
                // Exit code 2, not 1: 1 says the export was tampered with (a stack trace until session 39).
                throw new SluiceCommand.UsageException(export + ": not UTF-8 text, not a Sluice audit export");
            } catch (ExportVerifier.LineTooLong e) {
                throw new SluiceCommand.UsageException(export + ": " + e.getMessage());
            }
            if (v.ok()) {
                System.out.printf("OK: %d records, seq %d..%d, %d signed checkpoints verified (keys %s)%n",
                        v.records(), v.firstSeq(), v.lastSeq(), v.checkpointsVerified(), String.join(", ", trusted.keyIds()));
                return 0;
            }
            System.out.printf("FAILED at seq %d: %s%n", v.failure().get().seq(), v.failure().get().reason());
            return 1;
        }
    }

    /** Prints the public half of the configured (or demo) signing key, to hand to auditors. */
    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = "Print the audit checkpoint public key (PEM) for auditors.")
    static final class PublicKey implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Configuration file (default: $SLUICE_CONFIG or conf/application.yaml).")
        Path config;

        @Override
        public Integer call() {
            Path file = SluiceCommand.configFile(config);
            SluiceConfig sluice = SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.system());
            try {
                Files.createDirectories(sluice.dataDir());
            } catch (IOException e) {
                System.err.println("sluice: cannot create " + sluice.dataDir());
                return 2;
            }
            AuditKey key = Gateway.auditSigner(sluice).publicKey();
            System.out.print(key.pem());
            System.err.println("key id " + key.keyId());
            return 0;
        }
    }
}
