package dev.sluice.k8s;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Secrets;
import dev.sluice.config.SluiceConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Parses every file under {@code k8s/} strictly (duplicate keys are errors) and pins the properties
 * the deployment promises: probes, hardened security contexts, sized resources, graceful shutdown,
 * placeholder-only Secrets, egress limited to DNS/443 (and PostgreSQL for the shared shape), a
 * loopback-only sidecar, a shared shape with replicas, a Service and a PodDisruptionBudget, and a
 * production configuration without the demo tenant that Sluice's own loader accepts off loopback.
 * Overlays are checked per file plus the references between files (what kustomize would join);
 * no kustomize binary is needed.
 */
class ManifestsTest {
    static final Path K8S = Path.of("k8s");
    static final Path SIDECAR = K8S.resolve("overlays/sidecar");
    static final Path SHARED = K8S.resolve("overlays/shared");
    static final String SECRETS_DIR = "/var/run/secrets/sluice/";
    /** Highest RSS measured (README, k8s/measure-footprint.sh): the memory limit must exceed it. */
    static final long MEASURED_PEAK_MIB = 369;
    /** Longest drain: stop claiming and finish the batch in flight (a platform timeout) and commit. */
    static final int DRAIN_SECONDS = 15;

    static Map<Path, List<Map<String, Object>>> docs;

    @BeforeAll
    static void parseEverything() throws IOException {
        docs = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                docs.put(file, parse(file));
            }
        }
        assertTrue(docs.size() >= 10, "expected the k8s manifests, found " + docs.keySet());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (Object doc : yaml.loadAll(Files.readString(file))) {
                if (doc == null) {
                    continue;
                }
                if (!(doc instanceof Map)) {
                    fail(file + ": a document is not a mapping");
                }
                out.add((Map<String, Object>) doc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
        }
        return out;
    }

    // ---------------------------------------------------------------- structure and references

    @Test
    void everyKubernetesObjectHasApiVersionKindAndName() {
        for (Path file : manifestFiles()) {
            for (Map<String, Object> doc : docs.get(file)) {
                assertNotNull(doc.get("apiVersion"), file + ": apiVersion");
                assertNotNull(doc.get("kind"), file + ": kind");
                assertNotNull(str(map(doc, "metadata"), "name"), file + ": metadata.name");
            }
        }
    }

    @Test
    void kustomizationsReferenceFilesThatExist() {
        List<Path> kustomizations = docs.keySet().stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
        assertEquals(Set.of(K8S.resolve("base"), SIDECAR, SHARED),
                kustomizations.stream().map(Path::getParent).collect(java.util.stream.Collectors.toSet()));
        for (Path k : kustomizations) {
            Map<String, Object> doc = docs.get(k).getFirst();
            assertEquals("Kustomization", doc.get("kind"), k.toString());
            for (Object resource : list(doc, "resources")) {
                Path target = k.getParent().resolve(resource.toString()).normalize();
                if (Files.isDirectory(target)) {
                    assertTrue(Files.isRegularFile(target.resolve("kustomization.yaml")), k + ": " + resource + " has no kustomization.yaml");
                } else {
                    assertTrue(Files.isRegularFile(target), k + ": resource " + resource + " does not exist");
                }
            }
            for (Object gen : list(doc, "configMapGenerator")) {
                for (Object f : list(asMap(gen), "files")) {
                    String name = f.toString().contains("=") ? f.toString().substring(f.toString().indexOf('=') + 1) : f.toString();
                    assertTrue(Files.isRegularFile(k.getParent().resolve(name)), k + ": configMapGenerator file " + name + " does not exist");
                }
            }
        }
        // Every manifest in an overlay or the base is listed by its kustomization (nothing forgotten).
        for (Path file : manifestFiles()) {
            Map<String, Object> k = docs.get(file.getParent().resolve("kustomization.yaml")).getFirst();
            assertTrue(list(k, "resources").contains(file.getFileName().toString()), file + " is not listed in its kustomization.yaml");
        }
    }

    @Test
    void consentPolicyInTheConfigMapIsTheShippedOne() throws IOException {
        assertEquals(Files.readString(Path.of("conf/consent-policy.yaml")), Files.readString(K8S.resolve("base/consent-policy.yaml")),
                "k8s/base/consent-policy.yaml must be a copy of conf/consent-policy.yaml (kustomize cannot read outside its directory)");
    }

    // ---------------------------------------------------------------- the production configuration

    @Test
    void productionConfigurationHasNoDemoAndTakesSecretsFromMountedFiles() {
        Map<String, Object> root = docs.get(K8S.resolve("base/application.yaml")).getFirst();
        Map<String, Object> sluice = map(root, "sluice");
        assertEquals("/var/lib/sluice", sluice.get("data-dir"));
        assertEquals("/etc/sluice/consent-policy.yaml", str(map(sluice, "consent"), "policy-file"));
        Map<String, Object> crypto = map(sluice, "crypto");
        assertEquals(Boolean.FALSE, crypto.get("generate-demo-key"), "no generated demo key");
        Map<String, Object> keys = map(crypto, "keys");
        assertFalse(keys.isEmpty());
        assertTrue(keys.containsKey(crypto.get("active-key")));
        keys.values().forEach(v -> assertTrue(v.toString().startsWith("file:" + SECRETS_DIR), "data key from a mounted file: " + v));
        assertTrue(str(map(sluice, "audit"), "signing-key").startsWith("file:" + SECRETS_DIR));
        for (Object t : list(sluice, "tenants")) {
            Map<String, Object> tenant = asMap(t);
            assertFalse(Boolean.TRUE.equals(tenant.get("demo")), "no demo tenant");
            assertFalse(tenant.containsKey("api-key-hashes"), "API key hashes come from a Secret, not the ConfigMap");
            for (Object d : list(tenant, "destinations")) {
                map(asMap(d), "settings").forEach((k, v) -> {
                    if (k.contains("token") || k.contains("secret")) {
                        assertTrue(v.toString().startsWith("file:" + SECRETS_DIR), "secret setting " + k + " from a mounted file");
                    }
                });
            }
        }
        String text = read(K8S.resolve("base/application.yaml"));
        assertFalse(text.contains("slk_demo") || text.contains("002a094847e84f22"), "the public demo key must not appear");
    }

    /** Sluice's own loader accepts the shipped configuration on a non-loopback address (no demo). */
    @Test
    void sluiceLoadsTheProductionConfigurationOffLoopback(@TempDir Path dir) throws IOException {
        Path key = Files.writeString(dir.resolve("data-key"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.host", "0.0.0.0");
        overrides.put("sluice.data-dir", dir.resolve("data").toString());
        overrides.put("sluice.crypto.keys.k1", "file:" + key);
        // The mounted Ed25519 audit signing key (the base64 of a 32-byte seed is one accepted form).
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) 7);
        Path signing = Files.writeString(dir.resolve("audit-signing-key"), java.util.Base64.getEncoder().encodeToString(seed));
        overrides.put("sluice.audit.signing-key", "file:" + signing);
        // As the manifests do with SLUICE_TENANTS_0_API_dash_KEY_dash_HASHES_0 from the Secret.
        overrides.put("sluice.tenants.0.api-key-hashes.0", "sha256:" + "ab".repeat(32));
        SluiceConfig config = SluiceConfig.load(ConfigLoader.load(K8S.resolve("base/application.yaml"), overrides), Secrets.of(Map.of(), dir));
        assertFalse(config.loopbackOnly());
        assertFalse(config.generateDemoKey());
        assertEquals(Set.of("shop"), config.tenants().keySet());
        assertFalse(config.tenants().get("shop").demo());
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void secretsAreTemplatesWithPlaceholdersOnly() {
        int secrets = 0;
        for (Path file : manifestFiles()) {
            for (Map<String, Object> doc : docs.get(file)) {
                if (!"Secret".equals(doc.get("kind"))) {
                    continue;
                }
                secrets++;
                String name = str(map(doc, "metadata"), "name");
                assertFalse(doc.containsKey("data"), file + ": " + name + " must not carry base64 data, only placeholder stringData");
                Map<String, Object> values = map(doc, "stringData");
                assertFalse(values.isEmpty(), name);
                values.forEach((k, v) -> assertTrue(v.toString().startsWith("REPLACE_ME"),
                        file + ": " + name + "." + k + " must be a REPLACE_ME placeholder, never a real value"));
            }
        }
        assertTrue(secrets >= 6, "data key, audit key, platform tokens, API key hashes, merchant key, postgres password");
    }

    @Test
    void everySecretReferenceResolvesToAMountedSecretKey() {
        Map<String, Set<String>> secretKeys = secretKeys();
        String appYaml = read(K8S.resolve("base/application.yaml"));
        for (Workload w : workloads()) {
            Set<String> mounted = new HashSet<>();
            for (Object v : list(w.podSpec(), "volumes")) {
                Map<String, Object> volume = asMap(v);
                if (volume.containsKey("secret")) {
                    fail(w + ": mount secrets through the projected 'secrets' volume");
                }
                if ("secrets".equals(volume.get("name"))) {
                    for (Object source : list(map(volume, "projected"), "sources")) {
                        String secret = str(map(asMap(source), "secret"), "name");
                        assertTrue(secretKeys.containsKey(secret), w + ": mounts unknown Secret " + secret);
                        mounted.addAll(secretKeys.get(secret));
                    }
                }
            }
            StringBuilder refs = new StringBuilder(appYaml);
            for (Map<String, Object> env : env(w.sluice())) {
                refs.append('\n').append(Objects.toString(env.get("value"), ""));
                Map<String, Object> from = env.containsKey("valueFrom") ? map(asMap(env.get("valueFrom")), "secretKeyRef") : Map.of();
                if (!from.isEmpty() && !Boolean.TRUE.equals(from.get("optional"))) {
                    assertTrue(secretKeys.getOrDefault(str(from, "name"), Set.of()).contains(str(from, "key")),
                            w + ": env " + env.get("name") + " refers to a missing Secret key " + from);
                }
            }
            Matcher m = Pattern.compile("file:" + Pattern.quote(SECRETS_DIR) + "([A-Za-z0-9_.-]+)").matcher(refs);
            int seen = 0;
            while (m.find()) {
                seen++;
                assertTrue(mounted.contains(m.group(1)), w + ": file:" + SECRETS_DIR + m.group(1) + " is not in a mounted Secret " + mounted);
            }
            assertTrue(seen >= 3, w + ": data key, audit key and platform token references");
            assertTrue(env(w.sluice()).stream().anyMatch(e -> Objects.toString(e.get("name")).startsWith("SLUICE_TENANTS_0_API_dash_KEY_dash_HASHES_")),
                    w + ": the tenant's API key hash from its Secret");
        }
    }

    /**
     * The shipped workloads gave the tenant no admin key: on Kubernetes the privacy officer could
     * not query the audit log or erase, nor the operator read dead letters, all answered 401.
     */
    @Test
    void theTenantsAdminKeyHashComesFromItsSecretToo() {
        assertTrue(secretKeys().getOrDefault("sluice-api-key-hashes", Set.of()).contains("shop-admin-0"),
                "a placeholder for the admin key hash, refused at startup until it is filled");
        for (Workload w : workloads()) {
            Map<String, Object> admin = env(w.sluice()).stream()
                    .filter(e -> "SLUICE_TENANTS_0_ADMIN_dash_KEY_dash_HASHES_0".equals(e.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError(w + ": the tenant's admin key hash from its Secret"));
            Map<String, Object> ref = map(map(admin, "valueFrom"), "secretKeyRef");
            assertEquals("sluice-api-key-hashes shop-admin-0", str(ref, "name") + " " + str(ref, "key"), w.toString());
        }
    }

    // ---------------------------------------------------------------- workloads

    @Test
    void sluiceContainersAreHardened() {
        for (Workload w : workloads()) {
            Map<String, Object> pod = map(w.podSpec(), "securityContext");
            assertEquals(Boolean.TRUE, pod.get("runAsNonRoot"), w + " pod runAsNonRoot");
            assertEquals("RuntimeDefault", str(map(pod, "seccompProfile"), "type"), w + " pod seccomp");
            assertEquals(Boolean.FALSE, w.podSpec().get("automountServiceAccountToken"), w + ": no API token");
            assertEquals(Boolean.FALSE, w.podSpec().get("enableServiceLinks"), w + ": no service env variables (Helidon reads SLUICE_*)");
            Map<String, Object> sc = map(w.sluice(), "securityContext");
            assertEquals(Boolean.TRUE, sc.get("runAsNonRoot"), w + " runAsNonRoot");
            assertTrue(((Number) sc.get("runAsUser")).intValue() > 0, w + " runAsUser non-root");
            assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), w + " readOnlyRootFilesystem");
            assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), w + " allowPrivilegeEscalation");
            assertEquals(List.of("ALL"), list(map(sc, "capabilities"), "drop"), w + " capabilities drop ALL");
            assertFalse(map(sc, "capabilities").containsKey("add"), w + " no added capabilities");
            assertEquals("RuntimeDefault", str(map(sc, "seccompProfile"), "type"), w + " seccomp");
            assertFalse(Boolean.TRUE.equals(sc.get("privileged")), w + " not privileged");
        }
    }

    @Test
    void readOnlyRootHasWritableDataAndTmpAndReadOnlyConfigAndSecrets() {
        for (Workload w : workloads()) {
            Map<String, Map<String, Object>> mounts = new HashMap<>();
            for (Object m : list(w.sluice(), "volumeMounts")) {
                mounts.put(str(asMap(m), "mountPath"), asMap(m));
            }
            for (String path : List.of("/var/lib/sluice", "/tmp")) {
                assertTrue(mounts.containsKey(path), w + ": writable volume at " + path);
                assertFalse(Boolean.TRUE.equals(mounts.get(path).get("readOnly")), w + ": " + path + " writable");
            }
            for (String path : List.of("/etc/sluice", "/var/run/secrets/sluice")) {
                assertEquals(Boolean.TRUE, mounts.get(path).get("readOnly"), w + ": " + path + " read-only");
            }
            Map<String, Object> config = volume(w, str(mounts.get("/etc/sluice"), "name"));
            assertEquals("sluice-config", str(map(config, "configMap"), "name"), w.toString());
            assertEquals(Set.of("application.yaml", "consent-policy.yaml"),
                    new HashSet<>(list(map(config, "configMap"), "items").stream().map(i -> str(asMap(i), "path")).toList()), w.toString());
            assertEquals("/etc/sluice/application.yaml", envValue(w, "SLUICE_CONFIG"), w.toString());
        }
    }

    @Test
    void probesHitHealthLiveAndReady() {
        for (Workload w : workloads()) {
            assertEquals("/health/live", probePath(w, "livenessProbe"), w + " liveness");
            assertEquals("/health/ready", probePath(w, "readinessProbe"), w + " readiness");
            assertEquals("/health/ready", probePath(w, "startupProbe"), w + " startup");
        }
    }

    @Test
    void resourcesAreSizedFromTheMeasuredFootprintAndTheJvmFollowsTheLimit() {
        for (Workload w : workloads()) {
            Map<String, Object> res = map(w.sluice(), "resources");
            long limit = mebibytes(str(map(res, "limits"), "memory"));
            long request = mebibytes(str(map(res, "requests"), "memory"));
            assertTrue(limit > MEASURED_PEAK_MIB, w + ": memory limit " + limit + " MiB must exceed the measured peak " + MEASURED_PEAK_MIB);
            assertEquals(limit, request, w + ": memory request = limit (no overcommit of a JVM heap)");
            assertNotNull(map(res, "requests").get("cpu"), w + ": cpu request");
            assertNotNull(map(res, "limits").get("cpu"), w + ": cpu limit");
            assertEquals("2", envValue(w, "MALLOC_ARENA_MAX"), w.toString());
        }
        String jvm = read(K8S.resolve("jvm.options"));
        assertTrue(jvm.contains("-XX:MaxRAMPercentage="), "heap follows the container limit");
        assertFalse(Pattern.compile("(?m)^-Xmx").matcher(jvm).find(), "no fixed -Xmx in the container options");
        assertTrue(jvm.contains("-XX:+ExitOnOutOfMemoryError"));
        assertTrue(jvm.contains("-Djava.io.tmpdir=/tmp"));
    }

    @Test
    void shutdownDrainsWithinTheGracePeriod() {
        for (Workload w : workloads()) {
            List<Object> preStop = list(map(map(map(w.sluice(), "lifecycle"), "preStop"), "exec"), "command");
            assertEquals("sleep", preStop.getFirst(), w + ": preStop sleep");
            int sleep = Integer.parseInt(preStop.get(1).toString());
            int grace = ((Number) w.podSpec().get("terminationGracePeriodSeconds")).intValue();
            assertTrue(grace > sleep + DRAIN_SECONDS, w + ": terminationGracePeriodSeconds " + grace + " must exceed preStop + drain");
        }
    }

    /**
     * The production configuration keeps what conf/application.yaml sets for a long-running
     * gateway: connection limits (Helidon's own default is none) and retention (absent, event
     * rows and dead letters were kept forever on the sidecar's volume, until session 39); and the
     * image serves without arguments, the start that skips building the command line.
     */
    @Test
    void productionConfigurationLimitsConnectionsAndKeepsDataForAWhile() throws Exception {
        Map<String, Object> app = docs.get(K8S.resolve("base/application.yaml")).getFirst();
        assertEquals("1024", String.valueOf(map(app, "server").get("max-tcp-connections")));
        assertEquals("1024", String.valueOf(map(app, "server").get("max-concurrent-requests")));
        Map<String, Object> retention = map(map(app, "sluice"), "retention");
        assertEquals("30d", str(retention, "events"));
        assertEquals("30d", str(retention, "dead-letters"));
        String containerfile = java.nio.file.Files.readString(K8S.resolve("Containerfile"));
        assertFalse(containerfile.lines().anyMatch(l -> l.startsWith("CMD")), "no arguments: serve without picocli");
    }

    @Test
    void sidecarListensOnLoopbackNextToTheAppAndKeepsItsOutboxOnAVolumeClaim() {
        Workload w = workload(SIDECAR);
        assertEquals("StatefulSet", w.kind());
        assertEquals("127.0.0.1", envValue(w, "SERVER_HOST"));
        Map<String, Object> app = docs.get(K8S.resolve("base/application.yaml")).getFirst();
        assertEquals("127.0.0.1", str(map(app, "server"), "host"), "the ConfigMap's default is loopback too");
        assertEquals("Always", w.sluice().get("restartPolicy"), "native sidecar: an init container with restartPolicy Always");
        assertFalse(list(w.podSpec(), "containers").isEmpty(), "the merchant app container");
        assertFalse(w.sluice().containsKey("ports"), "nothing to expose: loopback only");
        String dataVolume = list(w.sluice(), "volumeMounts").stream().map(ManifestsTest::asMap)
                .filter(m -> "/var/lib/sluice".equals(m.get("mountPath"))).map(m -> str(m, "name")).findFirst().orElseThrow();
        assertTrue(list(w.spec(), "volumeClaimTemplates").stream().anyMatch(t -> dataVolume.equals(str(map(asMap(t), "metadata"), "name"))),
                "the SQLite data directory is a PersistentVolumeClaim (an emptyDir loses the outbox with the pod)");
        assertEquals("Retain", str(map(w.spec(), "persistentVolumeClaimRetentionPolicy"), "whenScaled"));
        String store = str(map(map(app, "sluice"), "store"), "kind");
        assertEquals("sqlite", store);
        assertTrue(w.spec().containsKey("serviceName") && hasObject(SIDECAR, "Service", str(w.spec(), "serviceName")));
    }

    @Test
    void sharedRunsReplicasOnPostgresBehindAServiceWithADisruptionBudget() {
        Workload w = workload(SHARED);
        assertEquals("Deployment", w.kind());
        assertTrue(((Number) w.spec().get("replicas")).intValue() >= 2, "replicas >= 2");
        assertEquals(0, ((Number) map(map(w.spec(), "strategy"), "rollingUpdate").get("maxUnavailable")).intValue());
        assertEquals("postgres", envValue(w, "SLUICE_STORE_KIND"));
        assertTrue(envValue(w, "SLUICE_STORE_POSTGRES_URL").startsWith("jdbc:postgresql://"));
        assertEquals("file:" + SECRETS_DIR + "postgres-password", envValue(w, "SLUICE_STORE_POSTGRES_PASSWORD"));
        assertEquals("0.0.0.0", envValue(w, "SERVER_HOST"));
        Map<String, Object> podLabels = map(map(w.template(), "metadata"), "labels");
        Map<String, Object> service = object(SHARED, "Service");
        assertTrue(podLabels.entrySet().containsAll(map(map(service, "spec"), "selector").entrySet()), "Service selects the pods");
        Object targetPort = asMap(list(map(service, "spec"), "ports").getFirst()).get("targetPort");
        assertTrue(list(w.sluice(), "ports").stream().anyMatch(p -> targetPort.equals(asMap(p).get("name")) || targetPort.equals(asMap(p).get("containerPort"))));
        Map<String, Object> pdb = object(SHARED, "PodDisruptionBudget");
        assertEquals("policy/v1", pdb.get("apiVersion"));
        assertTrue(podLabels.entrySet().containsAll(map(map(map(pdb, "spec"), "selector"), "matchLabels").entrySet()), "PDB selects the pods");
        Map<String, Object> pdbSpec = map(pdb, "spec");
        assertTrue(pdbSpec.containsKey("maxUnavailable") || pdbSpec.containsKey("minAvailable"));
    }

    @Test
    void networkPoliciesAllowEgressOnlyToDnsHttpsAndTheDatabase() {
        for (Path overlay : List.of(SIDECAR, SHARED)) {
            Workload w = workload(overlay);
            Map<String, Object> policy = object(overlay, "NetworkPolicy");
            Map<String, Object> spec = map(policy, "spec");
            Map<String, Object> podLabels = map(map(w.template(), "metadata"), "labels");
            assertTrue(podLabels.entrySet().containsAll(map(map(spec, "podSelector"), "matchLabels").entrySet()), overlay + ": selects the pods");
            assertTrue(list(spec, "policyTypes").contains("Egress"), overlay + ": egress is restricted (default deny)");
            boolean dns = false;
            boolean https = false;
            for (Object r : list(spec, "egress")) {
                Map<String, Object> rule = asMap(r);
                List<Object> ports = list(rule, "ports");
                assertFalse(ports.isEmpty(), overlay + ": every egress rule names its ports");
                assertFalse(list(rule, "to").isEmpty(), overlay + ": every egress rule names its peers");
                Set<Integer> numbers = new HashSet<>();
                ports.forEach(p -> numbers.add(((Number) asMap(p).get("port")).intValue()));
                if (numbers.equals(Set.of(53))) {
                    dns = true;
                    assertTrue(ports.stream().anyMatch(p -> "UDP".equals(asMap(p).get("protocol"))), overlay + ": DNS over UDP");
                    for (Object to : list(rule, "to")) {
                        Object app = map(map(asMap(to), "podSelector"), "matchLabels").get("k8s-app");
                        assertEquals("kube-dns", app, overlay + ": DNS only to kube-dns");
                    }
                } else if (numbers.equals(Set.of(443))) {
                    https = true;
                    for (Object to : list(rule, "to")) {
                        Map<String, Object> block = map(asMap(to), "ipBlock");
                        List<Object> except = list(block, "except");
                        for (String cidr : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16")) {
                            assertTrue(except.contains(cidr), overlay + ": HTTPS egress excludes " + cidr);
                        }
                    }
                } else if (numbers.equals(Set.of(5432)) && overlay.equals(SHARED)) {
                    assertTrue(list(rule, "to").stream().noneMatch(t -> asMap(t).containsKey("ipBlock")
                            && "0.0.0.0/0".equals(map(asMap(t), "ipBlock").get("cidr"))), "PostgreSQL to the database only");
                } else {
                    fail(overlay + ": unexpected egress ports " + numbers);
                }
            }
            assertTrue(dns && https, overlay + ": DNS and HTTPS egress rules");
        }
        Map<String, Object> shared = map(object(SHARED, "NetworkPolicy"), "spec");
        assertTrue(list(shared, "policyTypes").contains("Ingress"), "shared: ingress restricted to clients");
        for (Object r : list(shared, "ingress")) {
            assertFalse(list(asMap(r), "from").isEmpty(), "shared: ingress from named peers only");
        }
    }

    // ---------------------------------------------------------------- image

    @Test
    void containerfileIsMultiStageNonRootWithADataVolume() throws IOException {
        String cf = read(K8S.resolve("Containerfile"));
        List<String> from = cf.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, from.size(), "build stage and run stage");
        assertTrue(from.get(0).contains("-jdk") && from.get(0).contains(" AS build"), from.get(0));
        assertTrue(from.get(1).contains("-jre"), "runs on a JRE: " + from.get(1));
        Matcher version = Pattern.compile("temurin:(\\d+)-").matcher(from.get(1));
        assertTrue(version.find() && Integer.parseInt(version.group(1)) >= 21, "JRE 21 or newer");
        assertTrue(cf.contains("RUN ./mvnw -q -B package -DskipTests"), "built with the Maven wrapper");
        assertTrue(cf.contains("/src/target/libs/ /app/libs/"), "the jar's libs/ next to it");
        Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(cf);
        assertTrue(user.find() && Integer.parseInt(user.group(1)) > 0, "non-root numeric USER (runAsNonRoot can verify it)");
        assertTrue(cf.contains("VOLUME [\"/var/lib/sluice\"]"));
        assertTrue(cf.contains("ENTRYPOINT [\"java\", \"@/app/jvm.options\""));
        assertTrue(Files.isExecutable(K8S.resolve("probe.sh")), "k8s/probe.sh is executable (COPY keeps the mode)");
        for (Matcher m = Pattern.compile("(?m)^COPY (?!--from)(\\S+)").matcher(cf); m.find(); ) {
            assertTrue(Files.exists(Path.of(m.group(1))), "Containerfile copies " + m.group(1) + " which must exist");
        }
    }

    /**
     * The ahead-of-time cache is written where the JVM options read it: by the image's training
     * run for the container, by the build's training run (pom.xml) for conf/jvm.options; and the
     * flag is guarded so JDKs without it still start.
     */
    @Test
    void aheadOfTimeCachePathsAgreeWithTheirTrainingRuns() throws IOException {
        String cf = read(K8S.resolve("Containerfile"));
        String container = read(K8S.resolve("jvm.options"));
        assertTrue(container.contains("-XX:AOTCache=/app/sluice.aot"), container);
        assertTrue(cf.contains("-XX:AOTCacheOutput=/app/sluice.aot -jar /app/sluice.jar aot-train"), cf);
        String local = read(Path.of("conf/jvm.options"));
        assertTrue(local.contains("-XX:AOTCache=target/sluice.aot"), local);
        String pom = read(Path.of("pom.xml"));
        assertTrue(pom.contains("<arg value=\"-XX:AOTCacheOutput=target/sluice.aot\"/>"), "pom trains target/sluice.aot");
        for (String options : List.of(container, local)) {
            int guard = options.indexOf("-XX:+IgnoreUnrecognizedVMOptions");
            assertTrue(guard >= 0 && guard < options.indexOf("-XX:AOTCache="), "JDKs before 24 must ignore the flag");
        }
    }

    /** The container keeps the survivor sizing measured with conf/jvm.options (delivery rounds die young). */
    @Test
    void bothOptionFilesSizeTheSurvivorSpacesAlike() throws IOException {
        for (Path options : List.of(K8S.resolve("jvm.options"), Path.of("conf/jvm.options"))) {
            String text = read(options);
            assertTrue(Pattern.compile("(?m)^-XX:SurvivorRatio=4$").matcher(text).find(), options.toString());
            assertTrue(Pattern.compile("(?m)^-XX:TargetSurvivorRatio=90$").matcher(text).find(), options.toString());
        }
    }

    /** The container waits on sockets as measured with conf/jvm.options (platform poller threads). */
    @Test
    void bothOptionFilesUsePlatformPollerThreads() throws IOException {
        for (Path options : List.of(K8S.resolve("jvm.options"), Path.of("conf/jvm.options"))) {
            assertTrue(Pattern.compile("(?m)^-Djdk.pollerMode=1$").matcher(read(options)).find(), options.toString());
        }
    }

    /**
     * Both option files keep ConsentReader's two helpers out of line (the warm-up's largest C2
     * compilation, docs/benchmarks.md, session 25), after {@code quiet} so nothing reaches stdout,
     * and each command names a method that exists: a renamed method would leave it matching
     * nothing, without a word from the JVM.
     */
    @Test
    void bothOptionFilesKeepTheConsentReadersHelpersOutOfLine() throws Exception {
        Pattern dontInline = Pattern.compile("(?m)^-XX:CompileCommand=dontinline,([\\w.]+)::(\\w+)$");
        for (Path options : List.of(K8S.resolve("jvm.options"), Path.of("conf/jvm.options"))) {
            String text = read(options);
            int quiet = text.indexOf("\n-XX:CompileCommand=quiet\n");
            List<String> named = new ArrayList<>();
            Matcher m = dontInline.matcher(text);
            while (m.find()) {
                assertTrue(quiet >= 0 && quiet < m.start(), options + ": quiet must come before " + m.group());
                String method = m.group(2);
                Class<?> type = Class.forName(m.group(1));
                assertTrue(Stream.of(type.getDeclaredMethods()).anyMatch(d -> d.getName().equals(method)),
                        options + ": " + m.group(1) + " has no method " + method);
                named.add(m.group(1) + "::" + method);
            }
            assertEquals(List.of("dev.sluice.event.ConsentReader::flag", "dev.sluice.event.ConsentReader::matching"), named,
                    options.toString());
        }
    }

    /**
     * Both option files let the code cache grow by half its size before a collection unloads
     * code (with the serial collector a full one; docs/benchmarks.md, session 38), and the JDK
     * running the tests takes the flag: a misspelt one would be ignored without a word
     * ({@code -XX:+IgnoreUnrecognizedVMOptions}), so the value is read back from the JVM.
     */
    @Test
    void bothOptionFilesLetTheCodeCacheGrowWithoutFullCollections() throws Exception {
        Pattern codeCache = Pattern.compile("(?m)^-XX:(?:ReservedCodeCacheSize|SweeperThreshold)=\\S+$");
        for (Path options : List.of(K8S.resolve("jvm.options"), Path.of("conf/jvm.options"))) {
            List<String> flags = codeCache.matcher(read(options)).results().map(java.util.regex.MatchResult::group).toList();
            assertEquals(List.of("-XX:ReservedCodeCacheSize=48m", "-XX:SweeperThreshold=50"), flags, options.toString());
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flags);
            command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
            Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
            String printed = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, jvm.waitFor(), printed);
            assertTrue(Pattern.compile("(?m)^\\s*double SweeperThreshold\\s+= 50\\.0+\\s").matcher(printed).find(),
                    options + ": the JVM did not take SweeperThreshold=50");
        }
    }

    // ---------------------------------------------------------------- helpers

    record Workload(Path overlay, Map<String, Object> doc) {
        String kind() {
            return doc.get("kind").toString();
        }

        Map<String, Object> spec() {
            return map(doc, "spec");
        }

        Map<String, Object> template() {
            return map(spec(), "template");
        }

        Map<String, Object> podSpec() {
            return map(template(), "spec");
        }

        /** The sluice container, in {@code containers} or (native sidecar) {@code initContainers}. */
        Map<String, Object> sluice() {
            List<Object> all = new ArrayList<>(list(podSpec(), "initContainers"));
            all.addAll(list(podSpec(), "containers"));
            return all.stream().map(ManifestsTest::asMap).filter(c -> "sluice".equals(c.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError(overlay + ": no container named sluice"));
        }

        @Override
        public String toString() {
            return overlay.getFileName() + "/" + kind();
        }
    }

    static List<Workload> workloads() {
        return List.of(workload(SIDECAR), workload(SHARED));
    }

    static Workload workload(Path overlay) {
        List<Workload> found = new ArrayList<>();
        for (Path file : manifestFiles()) {
            if (file.startsWith(overlay)) {
                for (Map<String, Object> doc : docs.get(file)) {
                    if (Set.of("Deployment", "StatefulSet", "DaemonSet").contains(doc.get("kind"))) {
                        found.add(new Workload(overlay, doc));
                    }
                }
            }
        }
        assertEquals(1, found.size(), overlay + ": exactly one workload");
        return found.getFirst();
    }

    static Map<String, Object> object(Path overlay, String kind) {
        List<Map<String, Object>> found = objects(overlay).stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), overlay + ": exactly one " + kind);
        return found.getFirst();
    }

    static boolean hasObject(Path overlay, String kind, String name) {
        return objects(overlay).stream().anyMatch(d -> kind.equals(d.get("kind")) && name.equals(str(map(d, "metadata"), "name")));
    }

    /** The objects an overlay renders: its own manifests plus the base's. */
    static List<Map<String, Object>> objects(Path overlay) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : manifestFiles()) {
            if (file.startsWith(overlay) || file.startsWith(K8S.resolve("base"))) {
                out.addAll(docs.get(file));
            }
        }
        return out;
    }

    static Map<String, Set<String>> secretKeys() {
        Map<String, Set<String>> keys = new HashMap<>();
        for (Path file : manifestFiles()) {
            for (Map<String, Object> doc : docs.get(file)) {
                if ("Secret".equals(doc.get("kind"))) {
                    keys.put(str(map(doc, "metadata"), "name"), map(doc, "stringData").keySet());
                }
            }
        }
        return keys;
    }

    /** YAML files that hold Kubernetes objects (not kustomizations, not Sluice's own config). */
    static List<Path> manifestFiles() {
        return docs.keySet().stream().filter(p -> {
            String n = p.getFileName().toString();
            return !n.equals("kustomization.yaml") && !n.equals("application.yaml") && !n.equals("consent-policy.yaml");
        }).toList();
    }

    static Map<String, Object> volume(Workload w, String name) {
        return list(w.podSpec(), "volumes").stream().map(ManifestsTest::asMap).filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(w + ": no volume " + name));
    }

    static List<Map<String, Object>> env(Map<String, Object> container) {
        return list(container, "env").stream().map(ManifestsTest::asMap).toList();
    }

    static String envValue(Workload w, String name) {
        return env(w.sluice()).stream().filter(e -> name.equals(e.get("name"))).map(e -> Objects.toString(e.get("value"), null))
                .findFirst().orElseThrow(() -> new AssertionError(w + ": no env " + name));
    }

    /** The path an httpGet probe asks for, or the one an exec probe hands to k8s/probe.sh. */
    static String probePath(Workload w, String probe) {
        Map<String, Object> p = map(w.sluice(), probe);
        assertFalse(p.isEmpty(), w + ": " + probe);
        if (p.containsKey("httpGet")) {
            return str(map(p, "httpGet"), "path");
        }
        List<Object> command = list(map(p, "exec"), "command");
        assertEquals("/app/bin/probe", command.getFirst(), w + ": " + probe + " uses the image's probe script");
        return command.get(1).toString();
    }

    static long mebibytes(String quantity) {
        assertNotNull(quantity);
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        assertTrue(quantity.endsWith("Mi"), "memory in Mi or Gi: " + quantity);
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        assertTrue(o instanceof Map, "expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v == null ? Map.of() : asMap(v);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        assertTrue(v instanceof List, key + " must be a list");
        return (List<Object>) v;
    }

    static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
