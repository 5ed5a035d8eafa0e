package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/** {@code sluice apikey new}: makes an API key and the hash line for the configuration. */
@Command(name = "apikey", mixinStandardHelpOptions = true, description = "Manage API keys.",
        subcommands = ApiKeyCommand.New.class)
public final class ApiKeyCommand {

    /** Prints a new random key once, and the {@code sha256:} line that goes into the config. */
    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Print a new API key and the line to paste under the tenant's api-key-hashes.")
    static final class New implements Callable<Integer> {
        @Option(names = "--tenant", defaultValue = "my-tenant", description = "Tenant id to mention in the output.")
        String tenant;

        @Option(names = "--admin", description = "Make an admin key (admin, audit, privacy and report endpoints) instead of an ingest key.")
        boolean admin;

        @Override
        public Integer call() {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = "slk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            System.out.println("API key (shown once; give it to the merchant backend, keep it in a secret store):");
            System.out.println("  " + key);
            System.out.println();
            System.out.println("Add this line under " + (admin ? "admin-key-hashes" : "api-key-hashes") + " of tenant '" + tenant
                    + "' in conf/application.yaml (indented as that file's entries, so it can be pasted as it is):");
            System.out.println(ENTRY_INDENT + "- \"" + hashLine(key) + "\"");
            return 0;
        }
    }

    /**
     * The indentation of a key hash entry in the shipped conf/application.yaml (under
     * {@code sluice.tenants[].api-key-hashes}): the printed line was indented by two spaces, and
     * pasted as printed beside an existing entry it broke the file's YAML.
     */
    static final String ENTRY_INDENT = " ".repeat(8);

    /** The configuration form of a key's hash: {@code sha256:<hex>}. */
    public static String hashLine(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
