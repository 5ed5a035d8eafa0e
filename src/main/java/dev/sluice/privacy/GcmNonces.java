package dev.sluice.privacy;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 96-bit AES-GCM nonces for sealing: a random base drawn once per process, XORed with a counter
 * in its low 64 bits (the construction TLS 1.3 uses for its record nonces, with a random
 * instead of a derived base).
 *
 * <p>Within a process no nonce repeats: the counter would have to pass 2^64. Two processes
 * sealing under the same key (a restart, or replicas sharing a PostgreSQL store) repeat a nonce
 * only if their bases differ by a value their counters both reach: after 2^40 seals each, a chance
 * of 2^-56 per pair of processes, against 2^-17 for 2^40 independently random nonces under one
 * key. The process's secure random source is asked once instead of for every payload: drawing
 * 12 bytes from it took a lock and a SHA-1 mixing step per seal (docs/benchmarks.md, session 8).
 */
final class GcmNonces {
    static final int LENGTH = 12;
    private static final byte[] BASE = new byte[LENGTH];
    private static final AtomicLong COUNTER = new AtomicLong();

    static {
        new SecureRandom().nextBytes(BASE);
    }

    private GcmNonces() {
    }

    /** Writes the next nonce into {@code out[offset..offset+12)}. */
    static void next(byte[] out, int offset) {
        write(BASE, COUNTER.getAndIncrement(), out, offset);
    }

    /** {@code base} with {@code counter} XORed into its last 8 bytes (big-endian), into {@code out}. */
    static void write(byte[] base, long counter, byte[] out, int offset) {
        System.arraycopy(base, 0, out, offset, 4);
        for (int i = 0; i < 8; i++) {
            out[offset + 4 + i] = (byte) (base[4 + i] ^ (counter >>> (56 - 8 * i)));
        }
    }
}
