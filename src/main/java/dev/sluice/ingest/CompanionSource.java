package dev.sluice.ingest;

import dev.sluice.config.TenantConfig;
import dev.sluice.consent.Evaluation;
import dev.sluice.event.Event;
import dev.sluice.privacy.PiiField;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.Companion;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A capability that records something with every accepted event, in the event's own transaction
 * (the consent audit log, the ROAS ledger). Its rows are written only when the event is new, so
 * a duplicate is never recorded or booked twice.
 *
 * <p>It is called while raw personal data is still in memory: implementations must derive only
 * non-personal values from it (for example a tenant-peppered {@link TenantCrypto#customerKey}),
 * must not keep the event, and must never log it.
 */
public interface CompanionSource {

    /** The companion rows for one accepted event; empty when there is nothing to record. */
    List<Companion> companions(Admitted admitted);

    /**
     * An event that passed validation and consent, about to be committed.
     *
     * @param tenant       the tenant
     * @param event        the event, with raw personal data (see the interface's rules)
     * @param consent      the consent evaluation, one decision per requested destination
     * @param destinations the destinations that will receive it (not denied)
     * @param crypto       the tenant's crypto, for peppered customer keys
     * @param receivedAt   when Sluice received it
     * @param subjectDigests the data subject's identifier digests, from the hashing of this event
     *                       ({@link dev.sluice.privacy.Hashed#subjectDigests()})
     */
    record Admitted(TenantConfig tenant, Event event, Evaluation consent, List<String> destinations,
                    TenantCrypto crypto, Instant receivedAt,
                    Map<PiiField, List<String>> subjectDigests) {
        @Override
        public String toString() {
            return "Admitted[tenant=" + tenant.id() + ", event=" + event + "]";
        }
    }
}
