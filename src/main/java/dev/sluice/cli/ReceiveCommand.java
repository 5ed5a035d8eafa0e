package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.config.Secret;
import dev.sluice.connector.webhook.WebhookSignature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice receive}: a tiny local receiver for the signed webhook destination. It verifies
 * each delivery's {@code Sluice-Signature} and prints its events, which are already hashed (never
 * raw personal data), with the raw client IP, user agent and click ids masked. Loopback only: it is a demo and debugging tool, not a production endpoint.
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = "Run a local webhook receiver that verifies signatures and prints each delivery.")
public final class ReceiveCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A webhook secret is a few dozen bytes; a file far larger is not one. */
    private static final int MAX_SECRET_BYTES = 64 * 1024;

    @Option(names = "--port", defaultValue = "9099", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--secret-env", description = "Environment variable holding the webhook secret.")
    String secretEnv;

    @Option(names = "--secret-file", description = "File holding the webhook secret (default: data/demo-webhook.secret).")
    Path secretFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (port < 0 || port > 65535) {
            throw new SluiceCommand.UsageException("--port: must be from 0 to 65535");
        }
        Secret secret = secret();
        PrintStream out = System.out;
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (java.net.BindException e) {
            System.err.println("sluice: cannot listen on 127.0.0.1 port " + port + " (address in use?)");
            return 1;
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(16 * 1024 * 1024);
            }
            String header = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
            boolean valid = WebhookSignature.verify(secret, header, body, Instant.now(), Duration.ofMinutes(5));
            if (!valid) {
                out.println("REJECTED delivery: missing or invalid " + WebhookSignature.HEADER + " (" + body.length + " bytes)");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            JsonNode events = JSON.readTree(body).path("events");
            out.println("delivery: " + events.size() + " event(s), signature valid");
            events.forEach(e -> out.println("  " + redacted(e).toPrettyString().replace("\n", "\n  ")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        out.println("sluice receive: listening on http://127.0.0.1:" + port + "/ (Ctrl-C to stop)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            stopped.countDown();
        }, "sluice-receive-shutdown"));
        stopped.await();
        return 0;
    }

    private static final String REDACTED = "<redacted>";

    /**
     * Names under which click ids and browser ids travel: {@code user.click_ids} keys, and the
     * {@code attribution} keys and {@code event_source_url} query parameters the ledger reads
     * click ids from (it also takes {@code fbclid} there).
     */
    static final Set<String> CLICK_ID_NAMES = Set.of("fbc", "fbclid", "fbp", "gclid", "gbraid", "wbraid", "dclid", "ttclid",
            "ttp", "sccid", "_scid", "_ga", "epik", "li_fat_id", "rdt_cid", "msclkid", "twclid", "yclid");
    private static final Pattern URL_PARAMETER = Pattern.compile("([?&;])([^=&;#]+)=([^&;#]*)");

    /**
     * The event as printed: hashes are shown, but the client IP, user agent and click ids, which
     * the payload carries raw for platforms that need them and SECURITY.md protects alike, are
     * masked on the terminal, keeping only their names. Click ids were printed as sent until
     * session 40 (review 4, finding 9).
     */
    static JsonNode redacted(JsonNode event) {
        JsonNode copy = event.deepCopy();
        if (copy.path("user") instanceof ObjectNode user) {
            for (String raw : new String[] {"client_ip", "user_agent"}) {
                if (user.has(raw)) {
                    user.put(raw, REDACTED);
                }
            }
            if (user.get("click_ids") instanceof ObjectNode clickIds) {
                // Every member, known name or not: a receiver shows what it got, never more.
                clickIds.properties().stream().map(Map.Entry::getKey).toList().forEach(name -> clickIds.put(name, REDACTED));
            } else if (user.has("click_ids")) {
                user.put("click_ids", REDACTED);
            }
        }
        if (copy.path("attribution") instanceof ObjectNode attribution) {
            // Names in any case ("GCLID", "ScCid"), as platforms and URL builders write them.
            attribution.properties().stream().map(Map.Entry::getKey)
                    .filter(name -> CLICK_ID_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))).toList()
                    .forEach(name -> attribution.put(name, REDACTED));
        }
        if (copy instanceof ObjectNode top && copy.path("event_source_url").isTextual()) {
            top.put("event_source_url", maskedUrl(copy.path("event_source_url").asText()));
        }
        return copy;
    }

    /**
     * {@code url} with every query parameter's value masked, names kept: click ids travel under
     * more names and cases than any list holds ({@code GCLID}, {@code dclid}, {@code twclid} were
     * printed raw until session 40), and a query can carry anything else a shop put there.
     */
    static String maskedUrl(String url) {
        Matcher parameter = URL_PARAMETER.matcher(url);
        StringBuilder out = new StringBuilder();
        while (parameter.find()) {
            String kept = parameter.group(3).isEmpty() ? parameter.group()
                    : parameter.group(1) + parameter.group(2) + "=" + REDACTED;
            parameter.appendReplacement(out, Matcher.quoteReplacement(kept));
        }
        parameter.appendTail(out);
        return out.toString();
    }

    private Secret secret() throws IOException {
        if (secretEnv != null) {
            String value = System.getenv(secretEnv);
            if (value == null || value.isBlank()) {
                throw new SluiceCommand.UsageException("--secret-env: environment variable " + secretEnv + " is not set");
            }
            return Secret.of(value.strip(), "env:" + secretEnv);
        }
        Path file = secretFile != null ? secretFile : Path.of("data", "demo-webhook.secret");
        String text = SluiceCommand.readText(file, MAX_SECRET_BYTES).strip();
        if (text.isEmpty()) {
            // An empty secret verified nothing, and every delivery's connection was dropped.
            throw new SluiceCommand.UsageException(file + ": the secret file is empty");
        }
        return Secret.of(text, "file:" + file);
    }
}
