package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away while the gateway runs: work that needs a connection fails within
 * {@link PostgresConnections#CONNECTION_TIMEOUT_MILLIS} (the request is answered 503, readiness
 * turns DOWN) instead of waiting HikariCP's default 30 s (until session 34; measured with the
 * server stopped: ingest answered 503 and readiness DOWN after 30.0 s each). The store reaches
 * PostgreSQL through a TCP relay the test cuts. Needs {@code SLUICE_TEST_POSTGRES_URL}.
 */
class PostgresOutageTest {

    @Test
    void whenTheServerGoesAwayWorkFailsWithinTheConnectionTimeout() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.create(); Relay relay = new Relay(db.config().jdbcUrl())) {
            StoreConfig viaRelay = StoreConfig.postgres(relay.url(), null, Optional.empty(), 2);
            try (Store store = Stores.open(viaRelay)) {
                assertTrue(store.ping());

                relay.cut();
                // Past HikariCP's window (500 ms) in which a connection just used is lent without
                // a check: the pooled ones are found dead and a new one is waited for.
                Thread.sleep(1_000);
                long started = System.nanoTime();
                assertFalse(store.ping());
                assertThrows(java.sql.SQLException.class, () -> store.sql().inTransaction(c -> c.createStatement().execute("SELECT 1")));
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(tookMillis < 3 * PostgresConnections.CONNECTION_TIMEOUT_MILLIS, "took " + tookMillis + " ms");
            }
        }
    }

    /** Relays TCP connections to the PostgreSQL of a JDBC URL until it is cut: then it refuses and drops them all. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final String url;

        Relay(String jdbcUrl) throws IOException {
            URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
            String host = target.getHost();
            int port = target.getPort() > 0 ? target.getPort() : 5432;
            this.url = jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + listener.getLocalPort() + "/");
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket client = listener.accept();
                        Socket server = new Socket(host, port);
                        open.add(client);
                        open.add(server);
                        pump(client, server);
                        pump(server, client);
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        String url() {
            return url;
        }

        private static void pump(Socket from, Socket to) {
            Thread.ofPlatform().daemon(true).start(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ended) {
                    // One side closed.
                }
            });
        }

        void cut() throws IOException {
            listener.close();
            for (Socket socket : open) {
                socket.close();
            }
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }
}
