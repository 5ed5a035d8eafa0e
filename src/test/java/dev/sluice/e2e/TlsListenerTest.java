package dev.sluice.e2e;

import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.InstantSource;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional TLS listener for shared deployments: configured from a mounted key store (the
 * same keys accept PEM files, as Kubernetes TLS secrets hold), it serves ingest over HTTPS.
 */
class TlsListenerTest {
    private static final String PASSWORD = "test-store-pass";

    @TempDir
    Path dir;

    @Test
    void ingestWorksOverTlsWithAMountedCertificate() throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "sluice", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));

        try (TestGateway sluice = TestGateway.start(dir.resolve("data"), InstantSource.system(), Map.of(
                "server.tls.private-key.keystore.resource.path", store.toString(),
                "server.tls.private-key.keystore.passphrase", PASSWORD,
                "server.tls.private-key.keystore.key.alias", "sluice",
                "server.tls.private-key.keystore.key.passphrase", PASSWORD,
                "server.tls.private-key.keystore.cert-chain.alias", "sluice"))) {
            URI uri = URI.create("https://127.0.0.1:" + sluice.gateway().port() + "/v1/events");
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + TestGateway.ACME_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("tls-1"))).build();

            HttpResponse<String> res = trusting(store).send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(202, res.statusCode(), res.body());
            assertTrue(res.body().contains("\"accepted\""));

            // A client that does not trust the certificate cannot talk to it.
            assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofString()));
        }
    }

    private static HttpClient trusting(Path store) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
    }
}
