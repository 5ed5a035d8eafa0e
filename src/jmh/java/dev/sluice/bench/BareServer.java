package dev.sluice.bench;

import io.helidon.webserver.WebServer;

/**
 * The baseline for the load script: a Helidon endpoint that reads a POST body and answers 202
 * with a tiny JSON body, doing nothing else. Sluice's numbers are read against this one.
 *
 * <p>Run by {@code src/load/ingest-load.sh}; by hand:
 * {@code java @conf/jvm.options -cp "target/classes:target/libs/*" dev.sluice.bench.BareServer 18081}
 */
public final class BareServer {
    private BareServer() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
        byte[] answer = "{\"accepted\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.post("/v1/events", (req, res) -> {
                    req.content().as(byte[].class);
                    res.status(202).header("Content-Type", "application/json").send(answer);
                }))
                .build()
                .start();
    }
}
