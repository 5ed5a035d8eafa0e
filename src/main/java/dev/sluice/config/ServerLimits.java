package dev.sluice.config;

import io.helidon.config.Config;

import java.util.List;

/**
 * The listener settings under {@code server} (and under each of {@code server.sockets}) that Helidon
 * takes without a word although they leave a started server refusing every request, or listening
 * where nobody asked: a {@code port} outside 0 to 65535; with
 * {@code max-tcp-connections: 0} (or any negative number but -1) the listener waits forever for a
 * connection permit and the readiness probe times out; with a negative
 * {@code max-concurrent-requests} every request is answered 503; with {@code max-headers-size} or
 * {@code max-prologue-length} at 0 every request is answered 400 or 414. Each is refused at
 * startup, naming its key, before the store opens.
 *
 * <p>Also refused: a protocol under {@code protocols} other than {@code http_1_1}, the only one this
 * server has. That is what an environment variable meant for {@code http_1_1}'s settings makes
 * ({@code SERVER_PROTOCOLS_HTTP_1_1_MAX_dash_HEADERS_dash_SIZE} reads as
 * {@code server.protocols.http.1.1.max-headers-size}: Helidon turns every underscore of a variable's
 * name into a dot), and Helidon's own refusal of it came as a stack trace from the web server's
 * builder. The message says how to set those keys instead.
 */
final class ServerLimits {
    /** The request line of every probe and API call Sluice serves fits with room to spare. */
    static final int MIN_PROLOGUE_LENGTH = 256;
    /** Host, authorization, content type and length, a request signature and a user agent fit. */
    static final int MIN_HEADERS_SIZE = 1024;
    private static final String HTTP_1_1 = "http_1_1";

    private ServerLimits() {
    }

    /** Checks {@code server} and each listener under {@code server.sockets}. */
    static void check(Config server) {
        listener(server);
        for (Config socket : server.get("sockets").asNodeList().orElse(List.of())) {
            listener(socket);
        }
        distinctPorts(server);
        for (Config socket : server.get("sockets").asNodeList().orElse(List.of())) {
            // The one named listener Sluice routes: another name (admn) started a listener that
            // answered 404 to everything and left the admin endpoints on the main listener.
            Config name = socket.get("name");
            if (!name.isLeaf() || !"admin".equals(name.asString().orElse(""))) {
                throw new ConfigException(name.key().toString(), "must be admin, the only named listener Sluice has"
                        + " (README, A separate admin listener)");
            }
        }
    }

    /**
     * Two listeners on one port of one address (or of the wildcard address) cannot both bind: each
     * port was free when the start probed it, and Helidon then logged two SEVERE lines with a stack
     * trace before the start's one line. Named by the later listener's port.
     */
    private static void distinctPorts(Config server) {
        String mainHost = server.get("host").asString().orElse("127.0.0.1").strip();
        List<Config> listeners = new java.util.ArrayList<>();
        listeners.add(server);
        listeners.addAll(server.get("sockets").asNodeList().orElse(List.of()));
        java.util.Map<Long, java.util.List<String>> hostsByPort = new java.util.HashMap<>();
        for (Config listener : listeners) {
            Config port = listener.get("port");
            long value = whole(port);
            if (value == 0) {
                continue;
            }
            String host = listener == server ? mainHost : listener.get("host").asString().orElse(mainHost).strip();
            List<String> earlier = hostsByPort.computeIfAbsent(value, p -> new java.util.ArrayList<>());
            for (String other : earlier) {
                if (other.equalsIgnoreCase(host) || wildcard(other) || wildcard(host)) {
                    throw new ConfigException(port.key().toString(), "another listener already has port " + value
                            + " on this address; give each listener its own port");
                }
            }
            earlier.add(host);
        }
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static void listener(Config listener) {
        // Written as a list or map, the host read as "not set" (loopback, to the demo tenant's
        // check) while Helidon bound the listener to every interface.
        Config host = listener.get("host");
        if (host.exists() && !host.isLeaf()) {
            throw new ConfigException(host.key().toString(), ConfigException.SINGLE_VALUE);
        }
        Config port = listener.get("port");
        long value = whole(port);
        if (port.exists() && (value < 0 || value > 65535)) {
            // -5 started on a port the system chose, 65536 ended in Helidon's stack trace (until session 39).
            throw new ConfigException(port.key().toString(), "must be a port from 0 to 65535 (0: any free port)");
        }
        Config connections = listener.get("max-tcp-connections");
        value = whole(connections);
        if (connections.exists() && value != -1 && value < 1) {
            throw new ConfigException(connections.key().toString(),
                    "must be -1 (no limit) or at least 1: with " + value + " no connection is ever accepted");
        }
        Config requests = listener.get("max-concurrent-requests");
        value = whole(requests);
        if (requests.exists() && value != -1 && value < 1) {
            throw new ConfigException(requests.key().toString(), "must be -1 (no limit) or at least 1");
        }
        Config protocols = listener.get("protocols");
        if (protocols.exists() && protocols.type() == Config.Type.OBJECT) {
            for (Config protocol : protocols.asNodeList().orElse(List.of())) {
                if (!protocol.name().equals(HTTP_1_1)) {
                    throw new ConfigException(protocol.key().toString(), "is not a protocol of this server (it has "
                            + HTTP_1_1 + "); an environment variable cannot set " + HTTP_1_1 + "'s settings, since"
                            + " every underscore in a variable's name reads as a dot: set them in the file, or as a"
                            + " system property (e.g. -D" + protocols.key() + "." + HTTP_1_1
                            + ".max-headers-size=32768 in JAVA_TOOL_OPTIONS)");
                }
            }
        }
        atLeast(listener.get("protocols." + HTTP_1_1 + ".max-prologue-length"), MIN_PROLOGUE_LENGTH,
                "a request line");
        atLeast(listener.get("protocols." + HTTP_1_1 + ".max-headers-size"), MIN_HEADERS_SIZE,
                "a request's headers");
    }

    private static void atLeast(Config node, int min, String what) {
        if (node.exists() && whole(node) < min) {
            throw new ConfigException(node.key().toString(), "must be at least " + min + " bytes: a smaller limit"
                    + " refuses " + what + " of the API's ordinary requests");
        }
    }

    /** The node's whole number; 0 when it is absent (callers check {@code exists()}). */
    private static long whole(Config node) {
        if (!node.exists()) {
            return 0;
        }
        if (!node.isLeaf()) {
            throw new ConfigException(node.key().toString(), ConfigException.SINGLE_VALUE);
        }
        try {
            return Long.parseLong(node.asString().orElse("").strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(node.key().toString(), "must be a whole number");
        }
    }
}
