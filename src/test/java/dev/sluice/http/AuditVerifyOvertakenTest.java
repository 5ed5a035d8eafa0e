package dev.sluice.http;

import dev.sluice.audit.AuditEntry;
import dev.sluice.audit.AuditLog;
import dev.sluice.audit.AuditSigner;
import dev.sluice.audit.OvertakenByPurge;
import dev.sluice.config.TenantConfig;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.store.SqlAccess;
import dev.sluice.store.Store;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.Stores;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/audit/verify} while retention purges keep deleting the chain's beginning ahead of
 * the walk, every attempt: a 503 that says so and when to ask again, never {@code "ok": false},
 * which reads as tampering. The purge is simulated by deleting the first record before each page
 * of records is read (the audit package's tests run real purges between reads).
 */
class AuditVerifyOvertakenTest {
    private static final String ADMIN_KEY = "admin-key-for-tests";

    @TempDir
    Path dir;
    Store store;
    WebServer server;

    @BeforeEach
    void start() throws Exception {
        store = Stores.open(StoreConfig.sqlite(dir.resolve("sluice.db")));
        AuditLog audit = new AuditLog(new PurgedBeforeEveryPage(store.sql()), AuditSigner.parse(AuditSigner.generate()), 5,
                Duration.ofMinutes(5), InstantSource.system());
        for (int i = 0; i < 10; i++) {
            audit.append("acme", new AuditEntry.Replayed(InstantSource.system().instant(), 1, List.of((long) i),
                    Optional.empty(), Optional.empty()));
        }
        TenantConfig acme = new TenantConfig("acme", List.of(), "US", Optional.empty(), Duration.ofMinutes(5), List.of(),
                false, 0, List.of(MessageDigest.getInstance("SHA-256").digest(ADMIN_KEY.getBytes(StandardCharsets.UTF_8))));
        AuditHandler handler = new AuditHandler(new Authenticator(List.of(acme), InstantSource.system()), audit,
                DataKeyring.of(Map.of("k1", new byte[32]), "k1"), InstantSource.system(), Duration.ofSeconds(5));
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> {
                    handler.register(new Routes(r));
                    HttpApi.errors(r);
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        store.close();
    }

    @Test
    void aVerificationOvertakenEveryTimeIs503_notAFailure() throws Exception {
        HttpResponse<String> answer;
        try (HttpClient http = HttpClient.newHttpClient()) {
            answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/audit/verify"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(503, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("problem:audit-purge-running"), answer.body());
        assertTrue(answer.body().contains(OvertakenByPurge.ATTEMPTS + " times in a row; verify again once the purge has finished"),
                answer.body());
        assertEquals("60", answer.headers().firstValue("Retry-After").orElse(""));
    }

    /** The store's access, deleting the tenant's first record before every page of records is read. */
    private record PurgedBeforeEveryPage(SqlAccess base) implements SqlAccess {
        @Override
        public <T> T inTransaction(Work<T> work) throws SQLException {
            return base.inTransaction(work);
        }

        @Override
        public <T> T read(Work<T> work) throws SQLException {
            return base.read(c -> work.run((Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement") && ((String) args[0]).startsWith("SELECT seq, prev_hash")) {
                            base.inTransaction(w -> {
                                try (java.sql.Statement s = w.createStatement()) {
                                    return s.executeUpdate("DELETE FROM audit_records WHERE tenant_id = 'acme' AND seq ="
                                            + " (SELECT min(seq) FROM audit_records WHERE tenant_id = 'acme')");
                                }
                            });
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    })));
        }

        @Override
        public String dialect() {
            return base.dialect();
        }
    }
}
