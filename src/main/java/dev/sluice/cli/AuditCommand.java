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

    /**
     * Verifies a JSONL export offline: exit 0 when intact and its head is signed by the key in
     * use (the first {@code --public-key}), 1 naming the first bad record or line, or what no
     * signature covers; 2 for a file that is no export to verify.
     */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a JSONL audit export (GET /v1/audit/consent?format=jsonl) against the public key.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", description = "The export file.")
        Path export;

        @Option(names = "--public-key", required = true, arity = "1",
                description = "An audit public key (PEM), from `sluice audit public-key`. Repeat it to also trust the"
                        + " keys a rotated signing key replaced, newest first: the first is the key signing now, which"
                        + " must sign the export's head; a key's checkpoints may not follow a newer key's.")
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
            } catch (ExportVerifier.NotVerifiable e) {
                // An empty file, a log, a filtered export, an endless line: exit code 2, never a
                // FAILED, which says tampering (until session 40 several were "FAILED at seq 0").
                throw new SluiceCommand.UsageException(export + ": " + e.getMessage());
            }
            if (v.ok()) {
                System.out.printf("OK: %d record%s, seq %d..%d, head signed by key %s; %d signed checkpoint%s verified%n",
                        v.records(), v.records() == 1 ? "" : "s", v.firstSeq(), v.lastSeq(), trusted.keyIds().getFirst(),
                        v.checkpointsVerified(), v.checkpointsVerified() == 1 ? "" : "s");
                return 0;
            }
            AuditLog.Fault fault = v.failure().get();
            // A fault of a line (not JSON, unknown, a bad header) is named by its line, not by "seq 0".
            System.out.println(fault.seq() > 0 ? "FAILED at seq " + fault.seq() + ": " + fault.reason() : "FAILED: " + fault.reason());
            return 1;
        }
    }

    /** The generated key's file in the data directory (the gateway's {@code Gateway.DEMO_AUDIT_KEY}). */
    static final String DEMO_AUDIT_KEY = "demo-audit-signing.key";

    /**
     * Prints the public half of the configured (or demo) signing key, to hand to auditors. It
     * reports the key the gateway signs with: where none is configured and the data directory holds
     * no generated one (run from another directory, or before the gateway first started), it
     * refuses rather than generate one, unless {@code --generate} asks for it; until session 40 it
     * generated a key there and printed it, a key that signed nothing.
     */
    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = "Print the audit checkpoint public key (PEM) for auditors.")
    static final class PublicKey implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Configuration file (default: $SLUICE_CONFIG or conf/application.yaml).")
        Path config;

        @Option(names = "--generate", description = "With no signing key configured and none generated in the data"
                + " directory yet, generate it there (as the gateway's first start would) instead of refusing.")
        boolean generate;

        @Override
        public Integer call() {
            Path file = SluiceCommand.configFile(config);
            SluiceConfig sluice = SluiceConfig.load(ConfigLoader.load(file, Map.of()), Secrets.system());
            Path generated = sluice.dataDir().resolve(DEMO_AUDIT_KEY);
            if (sluice.audit().signingKey().isEmpty() && !Files.exists(generated) && !generate) {
                throw new SluiceCommand.UsageException("no audit signing key: sluice.audit.signing-key is not configured"
                        + " and " + generated.toAbsolutePath() + " does not exist. Run this with the gateway's --config"
                        + " and from its directory (a relative data-dir is read from the current directory), or"
                        + " configure sluice.audit.signing-key; --generate creates the key there");
            }
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
