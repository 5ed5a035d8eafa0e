package dev.sluice.delivery;

import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;

import java.io.IOException;
import java.time.Duration;

/** Sends one prepared request. The seam between the engine and the network, faked in tests. */
@FunctionalInterface
public interface Transport {

    /**
     * Sends {@code request} and waits at most {@code timeout} for the whole response, body
     * included, once connected (connecting has a timeout of its own).
     *
     * @throws IOException on connect errors, resets and timeouts (no HTTP answer at all)
     */
    HttpResponseSpec send(HttpRequestSpec request, Duration timeout) throws IOException, InterruptedException;

    /** Releases connections; the default has none. */
    default void close() {
    }
}
