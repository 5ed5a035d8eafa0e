package dev.sluice.delivery;

import java.time.Duration;

/** Waits between dispatcher cycles; injected so that tests advance a fake clock instead of sleeping. */
@FunctionalInterface
interface Sleeper {

    /** Waits up to {@code duration}; may return early (e.g. on shutdown). */
    void sleep(Duration duration) throws InterruptedException;
}
