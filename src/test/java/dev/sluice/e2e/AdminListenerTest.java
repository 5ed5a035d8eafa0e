package dev.sluice.e2e;

import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a listener named {@code admin} configured, admin, audit and privacy routes live only on
 * it (with the probes and metrics), and the main listener keeps ingest.
 */
class AdminListenerTest {

    @TempDir
    Path dir;

    @Test
    void adminRoutesMoveToTheAdminListener() throws IOException {
        try (TestGateway sluice = TestGateway.start(dir, InstantSource.system(), Map.of(
                "server.sockets.0.name", "admin",
                "server.sockets.0.host", "127.0.0.1",
                "server.sockets.0.port", "0"))) {
            int admin = sluice.gateway().port("admin");
            assertTrue(admin > 0);
            assertNotEquals(sluice.gateway().port(), admin);

            assertEquals(202, sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("adm-1")).statusCode());
            assertEquals(404, get(sluice, sluice.gateway().port(), "/v1/admin/destinations").statusCode(),
                    "no admin routes on the main listener");
            assertEquals(404, get(sluice, sluice.gateway().port(), "/v1/audit/verify").statusCode());

            assertEquals(200, get(sluice, admin, "/v1/admin/destinations").statusCode());
            assertEquals(200, get(sluice, admin, "/v1/audit/verify").statusCode());
            assertEquals(200, get(sluice, admin, "/health/ready").statusCode());
            assertTrue(get(sluice, admin, "/metrics").body().contains("sluice_events_total"));
            assertEquals(404, sluice.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/v1/events"))
                    .header("Authorization", "Bearer " + TestGateway.ACME_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Events.purchase("adm-2"))).build()).statusCode(),
                    "no ingest on the admin listener");

            try (Socket socket = new Socket("127.0.0.1", admin)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write("NOT-HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                assertTrue(answer.contains("urn:sluice:problem:malformed-request"),
                        "the admin listener answers what it cannot parse with a problem body too: " + answer);
            }
        }
    }

    /**
     * A listener of {@code server.sockets} without a {@code host} listens where {@code server.host}
     * does. Helidon's own default is every interface: the configuration's check took such a
     * listener for loopback (the demo tenant allowed) while it served the demo's public admin key
     * to the network.
     */
    @Test
    void anAdminListenerWithoutAHost_listensOnTheMainListenersAddress() throws IOException {
        java.util.Optional<java.net.InetAddress> external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(external.isPresent(), "no non-loopback address to try");
        try (TestGateway sluice = TestGateway.start(dir, InstantSource.system(), Map.of(
                "server.sockets.0.name", "admin",
                "server.sockets.0.port", "0"))) {
            int admin = sluice.gateway().port("admin");
            assertEquals(200, get(sluice, admin, "/health/ready").statusCode(), "on loopback, as server.host");
            org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
                    () -> new Socket(external.get(), admin).close(),
                    "not reachable on " + external.get().getHostAddress());
        }
    }

    private static HttpResponse<String> get(TestGateway sluice, int port, String path) {
        return sluice.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY).GET().build());
    }
}
