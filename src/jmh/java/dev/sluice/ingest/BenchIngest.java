package dev.sluice.ingest;

import dev.sluice.audit.AuditLog;
import dev.sluice.audit.AuditSigner;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.LedgerSettings;
import dev.sluice.config.TenantConfig;
import dev.sluice.consent.ConsentEngine;
import dev.sluice.consent.ConsentPolicy;
import dev.sluice.event.EventParser;
import dev.sluice.event.ParserLimits;
import dev.sluice.ledger.LedgerSource;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.store.DeliveryStore;
import dev.sluice.store.EventRecord;
import dev.sluice.store.GroupCommitWriter;
import dev.sluice.store.OutboxRow;
import dev.sluice.store.SqlAccess;
import dev.sluice.store.Store;
import dev.sluice.store.WriteOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ingest benchmarks share ({@link RequestPathBenchmark}, {@link StoreWriteBench}): the
 * load script's 1 KB purchase event ({@code src/load/events.lua}), the tenant of
 * {@code src/load/ingest-load.yaml} (Meta, and a webhook hashing as for Google), and the request
 * path as the gateway builds it, with the audit and ledger companions.
 */
final class BenchIngest {
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
            + "x".repeat(220);
    private static final String EVENT = """
            {"event_id":"%s","event_name":"Purchase","event_time":%d,"action_source":"website",\
            "event_source_url":"https://shop.example/checkout?step=confirm",\
            "user":{"email":"shopper%d@example.com","phone":"+1 650 555 %04d","first_name":"Jane","last_name":"Doe",\
            "city":"Menlo Park","state":"CA","zip":"94025","country":"US","external_id":"cust-%d",\
            "client_ip":"203.0.113.7","user_agent":"%s",\
            "click_ids":{"fbp":"fb.1.1596403881668.1116446470","gclid":"Cj0KCQiA-load-test"}},\
            "custom":{"value":"129.90","currency":"EUR","order_id":"o-%d","content_ids":["sku-1","sku-2"],"num_items":2},\
            "attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},\
            "consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}""";

    private BenchIngest() {
    }

    /** The load script's event number {@code i} with this id, happening at {@code epochSeconds}. */
    static String event(String id, long epochSeconds, int i) {
        return EVENT.formatted(id, epochSeconds, i, i % 10000, i, UA, i);
    }

    /** The tenant of {@code src/load/ingest-load.yaml}: two destinations on different hashing profiles. */
    static TenantConfig tenant() {
        return new TenantConfig("demo", List.of(new byte[32]), "US", Optional.empty(), Duration.ofMinutes(5),
                List.of(new DestinationConfig("meta", "meta", Map.of("pixel-id", "1234567890")),
                        new DestinationConfig("warehouse", "webhook", Map.of("hashing-profile", "google"))), false);
    }

    /**
     * The request path for {@code tenant}, handing its records to {@code writer}; the audit log is
     * built over {@code auditSql} (it reads nothing on this path) with a signing key made for this
     * run only.
     */
    static IngestPipeline pipeline(TenantConfig tenant, GroupCommitWriter writer, SqlAccess auditSql) {
        InstantSource clock = InstantSource.system();
        ConsentPolicy policy = ConsentPolicy.load(Path.of("conf/consent-policy.yaml"));
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        AuditLog audit = new AuditLog(auditSql, AuditSigner.parse(Base64.getEncoder().encodeToString(seed)),
                1000, Duration.ofMinutes(5), clock);
        return new IngestPipeline(new EventParser(ParserLimits.defaults(), clock), new ConsentEngine(policy),
                IdentityHasher.create(), DataKeyring.of(Map.of("k1", new byte[32]), "k1"), writer,
                new IngestMetrics(new SimpleMeterRegistry()), clock, Duration.ofDays(7), List.of(tenant),
                List.of(audit.companions(policy), new LedgerSource(LedgerSettings.defaults())));
    }

    /** Answers every event INSERTED and writes nothing; keeps what it was given when asked to. */
    static final class NoWrites implements Store {
        private final boolean keep;
        final List<List<EventRecord>> kept = Collections.synchronizedList(new ArrayList<>());

        NoWrites(boolean keep) {
            this.keep = keep;
        }

        @Override
        public List<WriteOutcome> write(List<EventRecord> events) {
            if (keep) {
                kept.add(List.copyOf(events));
            }
            return Collections.nCopies(events.size(), WriteOutcome.INSERTED);
        }

        @Override
        public boolean ping() {
            return true;
        }

        @Override
        public long countEvents(String tenantId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<OutboxRow> outbox(String tenantId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DeliveryStore delivery() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String kind() {
            return "none";
        }

        @Override
        public SqlAccess sql() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
