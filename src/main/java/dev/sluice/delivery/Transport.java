package dev.sluice.delivery;

import dev.sluice.connector.HttpRequestSpec;
import dev.sluice.connector.HttpResponseSpec;

import java.io.IOException;
import java.time.Duration;

/** Sends one prepared request. The seam between the engine and the network, faked in tests. */
@FunctionalInterface
interface Transport {

    /**
     * Sends {@code request} and waits at most {@code timeout} for the whole response.
     *
     * @throws IOException on connect errors, resets and timeouts (no HTTP answer at all)
     */
    HttpResponseSpec send(HttpRequestSpec request, Duration timeout) throws IOException, InterruptedException;

    /** Releases connections; the default has none. */
    default void close() {
    }
}
