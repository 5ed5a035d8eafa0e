package dev.sluice.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway in a child JVM on {@code src/test/resources/test-application.yaml}, for the tests
 * that kill it, or hold it to the heap the project ships. Its output goes to a log file.
 */
public final class ChildGateway {

    private ChildGateway() {
    }

    /**
     * Starts the gateway with {@code jvmOptions} (e.g. {@code -Xmx256m}, or {@code @conf/jvm.options}),
     * listening on {@code port}, its data under {@code dataDir}, with the test secrets and
     * {@code env} on top.
     */
    public static Process start(List<String> jvmOptions, int port, Path dataDir, Path log, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // conf/jvm.options names the AOT cache the last package trained, and the JVM takes classes
        // from it even on this class path: a child would run the last packaged build instead of
        // the classes under test (a test changed since then, or a mutation, would not be seen).
        // Later flags win; JDK 21-24 do not know this one and are told to ignore it.
        command.add("-XX:+IgnoreUnrecognizedVMOptions");
        command.add("-XX:AOTMode=off");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.sluice.Main", "serve", "--config", "src/test/resources/test-application.yaml"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("TEST_DATA_KEY", TestGateway.DATA_KEY);
        environment.put("GLOBEX_SIGNING_SECRET", TestGateway.GLOBEX_SECRET);
        environment.put("TEST_META_TOKEN", TestGateway.META_TOKEN);
        environment.put("TEST_TIKTOK_TOKEN", TestGateway.TIKTOK_TOKEN);
        environment.put("TEST_WEBHOOK_SECRET", TestGateway.WEBHOOK_SECRET);
        environment.put("SERVER_PORT", Integer.toString(port));
        environment.put("SLUICE_DATA_dash_DIR", dataDir.toString());
        environment.putAll(env);
        return builder.start();
    }

    /** Waits up to 30 s for {@code /health/ready}; fails at once if the gateway exits. */
    public static void awaitReady(int port, Process server) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the gateway exited early with " + server.exitValue() + "; see its log");
            }
            try {
                HttpResponse<String> res = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the gateway was not ready in time");
    }

    /** A port nothing listens on just now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
