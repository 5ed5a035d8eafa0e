package dev.sluice.audit;

import dev.sluice.store.Store;
import dev.sluice.store.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several replicas appending to one tenant's chain on one PostgreSQL database: two stores (two
 * connection pools, as two processes would have) and many threads, mixing ingest companions and
 * standalone appends. The chain must come out as one gapless, verifying sequence.
 */
class PostgresConcurrentChainTest {

    @Test
    void concurrentWritersOnTwoReplicasKeepOneChain() throws Exception {
        try (AuditFixture f = AuditFixture.postgres(7); Store replica = Stores.open(f.config)) {
            AuditLog second = new AuditLog(replica.sql(), AuditSigner.parse(AuditFixture.SIGNING_SEED), 7,
                    Duration.ofMinutes(5), f.clock);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                work.add(pool.submit(() -> f.ingest(f.acme, f.purchase("c-" + n, "c" + n + "@example.com", "+1650555" + (1000 + n)))));
                work.add(pool.submit(() -> second.append("acme", new AuditEntry.Replayed(Instant.now(), n, List.of(),
                        Optional.of("meta"), Optional.empty()))));
                work.add(pool.submit(() -> f.log.append("acme", new AuditEntry.Replayed(Instant.now(), n, List.of(),
                        Optional.empty(), Optional.empty()))));
            }
            for (Future<?> w : work) {
                w.get();
            }
            pool.shutdown();

            long expected = 40 + 40 + 40; // one decision record per event, one per append
            assertEquals(expected, f.log.tip("acme").seq());
            assertEquals(expected, f.queryLong("SELECT count(*) FROM audit_records WHERE tenant_id = 'acme'"));
            assertEquals(expected, f.queryLong("SELECT count(DISTINCT prev_hash) FROM audit_records WHERE tenant_id = 'acme'"),
                    "no two records share a predecessor: the chain never forked");
            AuditLog.Verification v = second.verify("acme");
            assertTrue(v.ok(), v.toString());
            assertTrue(v.checkpointsVerified() > 0);
        }
    }
}
