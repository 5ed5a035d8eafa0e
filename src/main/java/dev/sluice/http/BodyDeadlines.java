package dev.sluice.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deadline on reading a request body. A request of declared length takes its share of the
 * in-flight budget before its body is read (so that waiting requests hold nothing on the heap),
 * and a body larger than the whole budget takes all of it: a client that sends the headers and
 * part of such a body, then stalls with the connection open, held every other request of every
 * tenant for as long as it stayed connected (the web server's socket read timeout did not end a
 * blocked body read; docs/ingest.md, A stalled upload). Each read registers here; a sweeper
 * thread interrupts the reading virtual thread once its deadline has passed, which closes the
 * connection and ends the read with an exception, and the request's budget is released.
 *
 * <p>Registering and deregistering cost a concurrent set's add and remove; the sweeper wakes every
 * {@link #SWEEP_MILLIS} ms, so a read ends up to that much after its deadline. One sweeper serves
 * the process.
 */
final class BodyDeadlines {
    /** How often the sweeper looks for reads past their deadline. */
    static final long SWEEP_MILLIS = 100;
    private static final Set<Read> READS = ConcurrentHashMap.newKeySet();
    private static final Object SWEEPER_LOCK = new Object();
    private static Thread sweeper;

    private final long timeoutNanos;
    private final Duration timeout;

    BodyDeadlines(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        synchronized (SWEEPER_LOCK) {
            if (sweeper == null) {
                sweeper = Thread.ofPlatform().name("sluice-body-deadlines").daemon(true).start(BodyDeadlines::sweep);
            }
        }
    }

    /** The timeout each read gets. */
    Duration timeout() {
        return timeout;
    }

    /**
     * Answers a body that passed its deadline: 408 {@code body-timeout}, connection closed. The
     * interrupt has usually closed the connection already, so this rarely gets out; a failure to
     * write it is ignored (nobody is left to answer).
     *
     * @param nothingDone what the answer says did not happen, e.g. "nothing was accepted"
     */
    void answerLate(io.helidon.webserver.http.ServerResponse res, String nothingDone) {
        answerClosing(res, Problem.of(408, "body-timeout", "Request Timeout", "the body did not arrive within "
                + timeout.toMillis() + " ms (sluice.ingest.body-read-timeout); " + nothingDone));
    }

    /**
     * Answers a body that ended before its declared length (the client closed its side or the
     * connection broke): 400 {@code incomplete-body}, connection closed. A failure to write it is
     * ignored (the client is gone).
     *
     * @param nothingDone what the answer says did not happen, e.g. "nothing was accepted"
     */
    static void answerCutShort(io.helidon.webserver.http.ServerResponse res, String nothingDone) {
        answerClosing(res, Problem.of(400, "incomplete-body", "Bad Request",
                "the body did not arrive whole: it ended before its declared Content-Length, or its chunked"
                        + " framing is broken; " + nothingDone));
    }

    /**
     * Answers {@code problem} and closes the connection, the rest of the body unread; a failure to
     * write it is ignored (the client is gone, or the deadline closed the connection).
     */
    private static void answerClosing(io.helidon.webserver.http.ServerResponse res, Problem problem) {
        try {
            res.header(io.helidon.http.HeaderNames.CONNECTION, "close");
            Responses.problem(res, problem);
        } catch (RuntimeException connectionGone) {
            // Nobody is left to answer.
        }
    }

    /**
     * Reads a small body whole, at most {@code limit} bytes, under this deadline (the admin and
     * privacy endpoints' JSON bodies). When it did not arrive, throws what ends the connection
     * after answering so ({@link #answerUnread}): 408 {@code body-timeout} past the deadline, 400
     * {@code incomplete-body} when the connection ended before the body's declared end or its
     * framing broke.
     *
     * @param nothingDone what the answer says did not happen, e.g. "nothing was replayed"
     */
    byte[] readWhole(java.io.InputStream in, int limit, io.helidon.webserver.http.ServerResponse res, String nothingDone) {
        Read read = start();
        try {
            return in.readNBytes(limit);
        } catch (java.io.IOException | RuntimeException unread) {
            throw answerUnread(read, unread, res, nothingDone);
        } finally {
            read.close();
        }
    }

    /**
     * Answers a body whose read failed with {@code unread}: 400 {@code bad-content-encoding} when
     * its gzip coding could not be undone ({@link GzipDecoding.BadContent}), 408 past the read's
     * deadline, else 400 {@code incomplete-body}; and returns what the handler throws next, so
     * that Helidon closes the connection without reading more of the body. A handler that
     * returned instead left Helidon to read the rest itself, which, with a chunk whose size is not
     * a number, wrote a second answer of its own on the same connection (replay, erasure) or
     * waited on the socket until the client gave up (spend; until session 39). Helidon logs the
     * exception at its debug level only.
     */
    io.helidon.webserver.CloseConnectionException answerUnread(Read read, Throwable unread,
                                                              io.helidon.webserver.http.ServerResponse res, String nothingDone) {
        read.close();
        if (badContent(unread)) {
            answerClosing(res, Problem.of(400, "bad-content-encoding", "Bad Request",
                    "the body is not valid gzip (Content-Encoding: gzip); " + nothingDone));
        } else if (read.expired()) {
            answerLate(res, nothingDone);
        } else {
            answerCutShort(res, nothingDone);
        }
        return new io.helidon.webserver.CloseConnectionException("the request body could not be read", unread);
    }

    /** Whether a read failed because the body's gzip coding could not be undone. */
    static boolean badContent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GzipDecoding.BadContent) {
                return true;
            }
        }
        return false;
    }

    /** Starts the deadline of a read on the calling thread; close it when the read has ended. */
    Read start() {
        Read read = new Read(Thread.currentThread(), System.nanoTime() + timeoutNanos);
        READS.add(read);
        return read;
    }

    private static void sweep() {
        while (true) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Read read : READS) {
                if (now - read.deadline >= 0) {
                    read.expire();
                }
            }
        }
    }

    /** One body read under its deadline. */
    static final class Read implements AutoCloseable {
        private final Thread reader;
        private final long deadline;
        private boolean done;
        private boolean expired;

        private Read(Thread reader, long deadline) {
            this.reader = reader;
            this.deadline = deadline;
        }

        private void expire() {
            synchronized (this) {
                if (done || expired) {
                    return;
                }
                expired = true;
                READS.remove(this);
                reader.interrupt();
            }
        }

        /** Whether the deadline passed before the read ended (the reader was interrupted). */
        synchronized boolean expired() {
            return expired;
        }

        /**
         * Ends the deadline. After it no interrupt can come from it, and one that came is cleared
         * from the reading thread, which goes on to answer.
         */
        @Override
        public void close() {
            boolean interrupted;
            synchronized (this) {
                done = true;
                interrupted = expired;
            }
            READS.remove(this);
            if (interrupted) {
                Thread.interrupted();
            }
        }
    }
}
