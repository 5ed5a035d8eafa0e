package dev.sluice.config;

import dev.sluice.store.SqliteLogSizes;

import io.helidon.config.Config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sluice's typed configuration, read from the {@code sluice} node of Helidon {@link Config}
 * (so every key can be overridden by an environment variable, e.g.
 * {@code SLUICE_INGEST_MAX_dash_EVENTS=500}). Loading validates everything and fails with a
 * {@link ConfigException} naming the first bad key.
 *
 * @param host            the address the server binds to (from {@code server.host})
 * @param dataDir         directory for the embedded database and generated demo material
 * @param ingest          ingest limits
 * @param store           store selection
 * @param crypto          data keys
 * @param generateDemoKey generate a data key into the data directory (demo on loopback only)
 * @param tenants         tenants by id
 * @param consentPolicy   the consent policy file ({@code sluice.consent.policy-file})
 * @param audit           the consent audit log ({@code sluice.audit})
 * @param retention       retention per data kind ({@code sluice.retention})
 * @param ledger          the ROAS ledger's settings ({@code sluice.ledger})
 * @param deliver         whether delivery runs ({@code sluice.delivery.enabled}, default true;
 *                        false validates destinations but leaves every copy pending)
 */
public record SluiceConfig(String host,
                           Path dataDir,
                           IngestSettings ingest,
                           StoreSettings store,
                           CryptoSettings crypto,
                           boolean generateDemoKey,
                           Map<String, TenantConfig> tenants,
                           Path consentPolicy,
                           AuditSettings audit,
                           RetentionSettings retention,
                           LedgerSettings ledger,
                           boolean deliver) {

    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern KEY_HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    /** ISO 3166-1 alpha-2 codes (the JDK's list): {@code XX} passed as two capital letters and every national phone number was then refused. */
    private static final Set<String> REGIONS = Set.of(Locale.getISOCountries());
    /** The sections under {@code sluice} (and {@code sluice} itself, ""), each a map of settings. */
    private static final List<String> SECTIONS = List.of("", "ingest", "store", "store.postgres", "crypto", "crypto.keys",
            "consent", "audit", "retention", "ledger", "delivery");

    /** Reads and validates the configuration. */
    public static SluiceConfig load(Config root, Secrets secrets) {
        ServerLimits.check(root.get("server"));
        String host = single(root.get("server.host")).orElse("127.0.0.1");
        Config s = root.get("sluice");
        // A section written as a single value (`store: postgres`) read as a section with nothing
        // set, every default in force, without a word (until session 38).
        for (String section : SECTIONS) {
            Config node = section.isEmpty() ? s : s.get(section);
            // A section whose settings are all commented out reads as an empty value: allowed.
            if (node.exists() && node.isLeaf() && !node.asString().orElse("").isBlank()) {
                throw new ConfigException(node.key().toString(), "must be a section of settings, not a single value");
            }
        }
        Path dataDir = Path.of(string(s, "data-dir", "data"));
        IngestSettings ingest = ingest(s.get("ingest"));
        StoreSettings store = store(s.get("store"), dataDir, secrets);
        Config c = s.get("crypto");
        Map<String, Secret> keys = new LinkedHashMap<>();
        for (Config key : c.get("keys").asNodeList().orElse(List.of())) {
            keys.put(key.name(), secrets.resolve(key.key().toString(), key.asString().get()));
        }
        boolean generateDemoKey = bool(c.get("generate-demo-key"), false);
        String activeKey = single(c.get("active-key")).orElse(keys.isEmpty() ? "demo" : keys.keySet().iterator().next());
        if (!keys.isEmpty() && !keys.containsKey(activeKey)) {
            throw new ConfigException("sluice.crypto.active-key", "names no key under sluice.crypto.keys");
        }
        if (keys.isEmpty() && !generateDemoKey) {
            throw new ConfigException("sluice.crypto.keys", "at least one data-encryption key is required (e.g. k1: env:SLUICE_DATA_KEY)");
        }
        Map<String, TenantConfig> tenants = tenants(s.get("tenants"), secrets);
        SluiceConfig config = new SluiceConfig(host, dataDir, ingest, store, new CryptoSettings(keys, activeKey),
                generateDemoKey && keys.isEmpty(), tenants,
                Path.of(string(s, "consent.policy-file", "conf/consent-policy.yaml")),
                AuditSettings.load(s.get("audit"), secrets), RetentionSettings.load(s.get("retention")),
                LedgerSettingsReader.read(s.get("ledger")), bool(s.get("delivery.enabled"), true));
        config.checkDemoOnlyOnLoopback(s.get("tenants"), root.get("server.sockets"));
        for (String tenant : config.ledger().tenantCurrencies().keySet()) {
            // A misspelt tenant id left that tenant's reports in the default currency, silently.
            if (!tenants.containsKey(tenant)) {
                throw new ConfigException("sluice.ledger.tenant-currencies." + tenant, "names no tenant under sluice.tenants");
            }
        }
        return config;
    }

    /**
     * The hashes of the README's public demo keys ({@code slk_demo_local_only} and
     * {@code slk_demo_admin_local_only}): refused off loopback whichever tenant lists them, with
     * or without its {@code demo} switch.
     */
    private static final Set<String> PUBLIC_DEMO_KEY_HASHES = Set.of(
            "sha256:002a094847e84f226490353de29ae4811b9f826b6cbae0bf7b910f97ec2397f4",
            "sha256:59326089b688d1e40c659fe400edb52fd8bf3fc69f1a49d9a08c519324b3451c");

    /** Whether the server binds only to a loopback address. */
    public boolean loopbackOnly() {
        return loopback(host);
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void checkDemoOnlyOnLoopback(Config tenantList, Config sockets) {
        // Every listener, the admin one included (it takes the admin keys): one on 0.0.0.0 opened
        // the demo's public admin key to the network while server.host stayed loopback.
        boolean everyListener = loopbackOnly() && sockets.asNodeList().orElse(List.of()).stream()
                .allMatch(socket -> loopback(socket.get("host").asString().orElse(host)));
        if (everyListener) {
            return;
        }
        for (TenantConfig tenant : tenants.values()) {
            if (tenant.demo()) {
                throw new ConfigException("sluice.tenants." + tenant.id() + ".demo",
                        "the demo tenant's key is public; it is allowed only when server.host and every listener of server.sockets are loopback addresses");
            }
        }
        // The switch alone let the public keys open a tenant on every interface once it was off.
        for (Config t : tenantList.asNodeList().orElse(List.of())) {
            for (String role : List.of("api-key-hashes", "admin-key-hashes")) {
                for (Config h : t.get(role).asNodeList().orElse(List.of())) {
                    if (PUBLIC_DEMO_KEY_HASHES.contains(h.asString().orElse("").toLowerCase(Locale.ROOT))) {
                        throw new ConfigException(h.key().toString(), "is the hash of a public demo key (README),"
                                + " allowed only when every listener (server.host, server.sockets) is on a loopback address; make a key with `sluice apikey new`");
                    }
                }
            }
        }
        if (generateDemoKey) {
            throw new ConfigException("sluice.crypto.keys",
                    "a generated demo data key is allowed only on loopback; configure a key from a secret");
        }
        if (audit.signingKey().isEmpty()) {
            throw new ConfigException("sluice.audit.signing-key",
                    "a generated audit signing key is allowed only on loopback; configure a key from a secret");
        }
    }

    private static IngestSettings ingest(Config i) {
        int maxEvents = positiveInt(i, "max-events", 1000, 1);
        // Unset, the value budget follows a raised max-events (128 values an event), so that
        // batches of the size configured are not refused by a limit nobody set.
        int values = (int) Math.min(Integer.MAX_VALUE, Math.max(IngestSettings.DEFAULT_BODY_VALUES, 128L * maxEvents));
        return new IngestSettings(
                maxBodyBytes(i),
                maxEvents,
                // At zero every event would be too old; a zero dedup window accepted one id twice in a batch.
                Durations.positive(i.get("max-event-age"), Duration.ofDays(7)),
                duration(i, "max-future-skew", Duration.ofMinutes(5)),
                Durations.positive(i.get("dedup-window"), Duration.ofDays(7)),
                positiveInt(i, "commit-max-events", 4000, 1),
                positiveLong(i, "max-in-flight-bytes", 512L * 1024),
                bodyReadTimeout(i),
                positiveInt(i, "max-body-values", values, IngestSettings.MIN_BODY_VALUES));
    }

    /**
     * At most 1 GiB: a body is read into one array, and the server-wide limit, four times this,
     * overflowed to a negative number for the largest values (every request then got 413).
     */
    private static long maxBodyBytes(Config i) {
        long bytes = positiveLong(i, "max-body-bytes", 2L * 1024 * 1024);
        if (bytes > IngestSettings.MAX_BODY_BYTES) {
            throw new ConfigException(i.get("max-body-bytes").key().toString(), "must be at most 1073741824 (1 GiB)");
        }
        return bytes;
    }

    private static Duration bodyReadTimeout(Config i) {
        Duration timeout = duration(i, "body-read-timeout", Duration.ofSeconds(10));
        if (timeout.compareTo(IngestSettings.MIN_BODY_READ_TIMEOUT) < 0
                || timeout.compareTo(IngestSettings.MAX_BODY_READ_TIMEOUT) > 0) {
            throw new ConfigException(i.get("body-read-timeout").key().toString(), "must be between 100ms and 10m");
        }
        return timeout;
    }

    private static StoreSettings store(Config st, Path dataDir, Secrets secrets) {
        String kind = string(st, "kind", "sqlite");
        if (!kind.equals("sqlite") && !kind.equals("postgres")) {
            throw new ConfigException(st.get("kind").key().toString(), "must be sqlite or postgres");
        }
        Path sqliteFile = dataDir.resolve(string(st, "sqlite-file", "sluice.db"));
        Config pg = st.get("postgres");
        String url = string(pg, "url", "");
        if (kind.equals("postgres") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(pg.get("url").key().toString(), "a jdbc:postgresql: URL is required when store.kind is postgres");
        }
        Optional<Secret> password = single(pg.get("password"))
                .map(ref -> secrets.resolve(pg.get("password").key().toString(), ref));
        Config wal = st.get("sqlite-wal");
        long restart = positiveLong(wal, "restart-bytes", SqliteLogSizes.DEFAULT.restartBytes());
        String problem = SqliteLogSizes.restartProblem(restart);
        if (problem != null) {
            throw new ConfigException(wal.get("restart-bytes").key().toString(), problem);
        }
        long backstop = positiveLong(wal, "backstop-bytes", SqliteLogSizes.defaultBackstop(restart));
        problem = SqliteLogSizes.backstopProblem(restart, backstop);
        if (problem != null) {
            throw new ConfigException(wal.get("backstop-bytes").key().toString(), problem);
        }
        return new StoreSettings(kind, sqliteFile, url, string(pg, "user", ""), password,
                positiveInt(pg, "pool-size", 8, 1), new SqliteLogSizes(restart, backstop));
    }

    private static Map<String, TenantConfig> tenants(Config list, Secrets secrets) {
        Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        // Every key hash, ingest or admin, of every tenant, by where it was first listed: a key
        // that two tenants (or both roles of one) listed would open whichever was looked up first.
        Map<String, String> keys = new java.util.HashMap<>();
        for (Config t : list.asNodeList().orElse(List.of())) {
            String prefix = t.key().toString();
            String id = required(t, "id");
            if (!TENANT_ID.matcher(id).matches()) {
                throw new ConfigException(prefix + ".id", "must match " + TENANT_ID.pattern());
            }
            if (tenants.containsKey(id)) {
                throw new ConfigException(prefix + ".id", "duplicate tenant id");
            }
            List<byte[]> hashes = keyHashes(t.get("api-key-hashes"), keys);
            if (hashes.isEmpty()) {
                throw new ConfigException(prefix + ".api-key-hashes", "at least one API key hash is required");
            }
            String region = string(t, "default-region", "US");
            if (!REGIONS.contains(region)) {
                throw new ConfigException(prefix + ".default-region", "must be an ISO 3166 alpha-2 code such as US");
            }
            Optional<Secret> signing = single(t.get("signing-secret"))
                    .map(ref -> secrets.resolve(prefix + ".signing-secret", ref));
            tenants.put(id, new TenantConfig(id, hashes, region, signing,
                    signatureTolerance(t),
                    destinations(t.get("destinations"), prefix + ".destinations"),
                    bool(t.get("demo"), false),
                    t.get("rate-limit-per-second").exists() ? positiveInt(t, "rate-limit-per-second", 0, 1) : 0,
                    keyHashes(t.get("admin-key-hashes"), keys)));
        }
        if (tenants.isEmpty()) {
            throw new ConfigException("sluice.tenants", "at least one tenant is required");
        }
        return Map.copyOf(tenants);
    }

    /**
     * How far a signed request's timestamp may be from the clock: at least a second, since the
     * timestamp carries whole seconds and a shorter tolerance refused nearly every signed request
     * (at 0s, all of them) as 401 without a word at startup.
     */
    private static Duration signatureTolerance(Config t) {
        Duration tolerance = duration(t, "signature-tolerance", Duration.ofMinutes(5));
        if (tolerance.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(t.get("signature-tolerance").key().toString(),
                    "must be at least 1s (a signature's timestamp is in whole seconds)");
        }
        return tolerance;
    }

    /**
     * A switch: {@code true}, {@code yes}, {@code on} or {@code 1}, or {@code false}, {@code no},
     * {@code off} or {@code 0}, in any case (an environment variable is not read as YAML, so it
     * may carry any of them); {@code absent} when the key is not set. Anything else names the
     * key: Helidon's own reading takes every other word for {@code false}, so a typo such as
     * {@code enabled: ture} switched delivery off without a word (until session 38).
     */
    static boolean bool(Config node, boolean absent) {
        if (!node.exists()) {
            return absent;
        }
        String text = node.isLeaf() ? node.asString().orElse("").strip().toLowerCase(Locale.ROOT) : "";
        return switch (text) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(node.key().toString(), "must be true or false");
        };
    }

    private static List<byte[]> keyHashes(Config list, Map<String, String> seen) {
        List<byte[]> hashes = new ArrayList<>();
        for (Config h : list.asNodeList().orElse(List.of())) {
            String value = h.asString().orElse("").toLowerCase(Locale.ROOT);
            if (!KEY_HASH.matcher(value).matches()) {
                throw new ConfigException(h.key().toString(), "must be sha256:<64 hex digits> (see `sluice apikey new`)");
            }
            String earlier = seen.putIfAbsent(value, h.key().toString());
            if (earlier != null) {
                throw new ConfigException(h.key().toString(), "is the same key hash as " + earlier
                        + "; a key opens one tenant in one role (ingest or admin)");
            }
            hashes.add(java.util.HexFormat.of().parseHex(value.substring(7)));
        }
        return hashes;
    }

    private static List<DestinationConfig> destinations(Config list, String prefix) {
        List<DestinationConfig> destinations = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Config d : list.asNodeList().orElse(List.of())) {
            String key = d.key().toString();
            String id = required(d, "id");
            if (!DestinationConfig.ID.matcher(id).matches()) {
                throw new ConfigException(key + ".id", "must match " + DestinationConfig.ID.pattern());
            }
            if (!ids.add(id)) {
                throw new ConfigException(key + ".id", "duplicate destination id");
            }
            String type = required(d, "type");
            if (!DestinationConfig.TYPES.contains(type)) {
                throw new ConfigException(key + ".type", "unknown destination type; known: " + sorted(DestinationConfig.TYPES));
            }
            Map<String, String> settings = new LinkedHashMap<>();
            for (Config setting : d.get("settings").asNodeList().orElse(List.of())) {
                // Settings are strings; a map or list here would otherwise arrive as "" and be
                // mistaken for an empty value (a connector's map-shaped setting takes one string).
                if (setting.type() != Config.Type.VALUE) {
                    throw new ConfigException(setting.key().toString(),
                            "must be a single value, not a map or list (write a list of pairs as one string, e.g. \"a=1, b=2\")");
                }
                settings.put(setting.name(), setting.asString().orElse(""));
            }
            destinations.add(new DestinationConfig(id, type, settings));
        }
        if (destinations.isEmpty()) {
            throw new ConfigException(prefix, "at least one destination is required");
        }
        return destinations;
    }

    private static String sorted(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static String required(Config node, String name) {
        return single(node.get(name)).filter(v -> !v.isBlank())
                .orElseThrow(() -> new ConfigException(node.key() + "." + name, "is required"));
    }

    /**
     * A single value, empty when the key is not set; a list or map is refused naming the key. A
     * secret written as {@code signing-secret: {file: /run/secrets/x}} read as "not set" until
     * session 40: the tenant took unsigned requests, and an audit signing key given so was replaced
     * by a generated one, with only a warning about an unknown key.
     */
    static Optional<String> single(Config value) {
        if (value.exists() && !value.isLeaf()) {
            throw new ConfigException(value.key().toString(), ConfigException.SINGLE_VALUE);
        }
        return value.asString().asOptional();
    }

    /**
     * A single value, {@code fallback} when the key is not set. A list or map here is refused
     * naming the key: it read as "not set", so {@code data-dir: {}} or {@code kind: [postgres]}
     * started on the default without a word (until session 38).
     */
    private static String string(Config node, String name, String fallback) {
        return single(node.get(name)).orElse(fallback);
    }

    /** A whole number from {@code min} to {@link Integer#MAX_VALUE}; a larger one is not cut down to a negative int. */
    private static int positiveInt(Config node, String name, int fallback, int min) {
        long value = positiveLong(node, name, fallback);
        if (value < min || value > Integer.MAX_VALUE) {
            throw new ConfigException(node.get(name).key().toString(),
                    "must be a whole number from " + min + " to " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    private static long positiveLong(Config node, String name, long fallback) {
        Config value = node.get(name);
        if (!value.exists()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.asString().get().strip());
            if (parsed <= 0) {
                throw new ConfigException(value.key().toString(), "must be a positive number");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(value.key().toString(), "must be a positive number");
        }
    }

    private static Duration duration(Config node, String name, Duration fallback) {
        Config value = node.get(name);
        return value.exists() ? Durations.parse(value.key().toString(), value.asString().get()) : fallback;
    }
}
