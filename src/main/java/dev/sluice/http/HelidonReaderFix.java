package dev.sluice.http;

/**
 * Whether the gateway runs on the mended copy of Helidon 4.5's connection reader.
 *
 * <p>Each connection reads its bytes through one {@code io.helidon.common.buffers.DataReader}, a
 * linked list of the chunks read from the socket. When a chunk is used up, {@code ensureAvailable()}
 * moves the list's head to the next chunk and leaves the used chunk still pointing at it. A used
 * chunk that had reached the old generation (every live chunk does at a full collection, and a
 * chunk that waits long enough for its connection's next request does at its tenuring age) then
 * keeps every chunk that connection reads afterwards reachable from the old generation until the
 * next full collection. Under the serial collector that is a steady state on long-lived
 * connections: all request bytes get promoted, the old generation fills in a second or two, and
 * the full collection that empties it promotes the live heads again (docs/benchmarks.md,
 * session 12: a full collection every 2-5 s under unbroken single-event load, none with the fix).
 *
 * <p>The fix clears the used chunk's link as the head moves on. The build derives it from the class
 * in Helidon's jar ({@link HelidonReaderRewrite}, in Maven's {@code process-classes}) and puts it
 * into Sluice's own classes, which come before Helidon's jars on the class path (the jar's own
 * entries precede its manifest's {@code Class-Path}); nothing of Helidon's source is copied. The
 * rewritten class carries a marker constant, which this class reads to report the outcome in the
 * start log line ({@code reader_fix=applied}, or {@code absent} with a warning when a class path
 * puts Helidon's own reader first).
 */
public final class HelidonReaderFix {

    static final String READER = "io.helidon.common.buffers.DataReader";
    /** A constant the rewrite adds to the class, so that a loaded reader tells whether it is the mended one. */
    static final String MARKER = "SLUICE_UNLINKS_CONSUMED_NODES";

    private HelidonReaderFix() {
    }

    /** Whether the reader Helidon resolves from this class's loader is the mended one. */
    public static boolean applied() {
        return isRewritten(HelidonReaderFix.class.getClassLoader());
    }

    /** Whether the reader {@code loader} resolves carries the rewrite's marker. */
    static boolean isRewritten(ClassLoader loader) {
        try {
            Class.forName(READER, false, loader).getDeclaredField(MARKER);
            return true;
        } catch (NoSuchFieldException | ClassNotFoundException e) {
            return false;
        }
    }
}
