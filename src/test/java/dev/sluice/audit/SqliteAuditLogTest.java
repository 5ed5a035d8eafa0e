package dev.sluice.audit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqliteAuditLogTest extends AbstractAuditLogTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.sqlite(dir, 5);
    }

    @Test
    void anEventsSubjectKeysShareOneRowOnTheEmbeddedStore() {
        f.ingest(f.acme, f.purchase("o-1", "jane.doe@example.com", "+16505551212"));
        f.ingest(f.acme, f.purchase("o-2", "other@example.com", "+16505559999"));

        assertEquals(2, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
        assertEquals(8, f.queryLong("SELECT sum(length(subject_key) - length(replace(subject_key, ' ', '')) + 1)"
                + " FROM audit_subjects WHERE tenant_id = 'acme'"), "email, two phone forms and external id per event");

        // A row written one key each, as before this layout, is still found and counted.
        f.execute("INSERT INTO audit_subjects (tenant_id, subject_key, event_row_id, received_at)"
                + " SELECT tenant_id, substr(subject_key, 1, 64), event_row_id, received_at FROM audit_subjects"
                + " WHERE tenant_id = 'acme' AND event_row_id = (SELECT min(event_row_id) FROM audit_subjects)");
        f.execute("UPDATE audit_subjects SET subject_key = substr(subject_key, 66) WHERE tenant_id = 'acme'"
                + " AND event_row_id = (SELECT min(event_row_id) FROM audit_subjects) AND length(subject_key) > 64");
        Erasure.Result result = new Erasure(f.log).erase(f.acme, f.keyring.forTenant("acme"),
                new Erasure.Subject(Optional.of("jane.doe@example.com"), Optional.empty(), Optional.empty(), Optional.empty()));
        assertEquals(4L, result.erased().get("subject_links"), result.toString());
        assertEquals(1, f.queryLong("SELECT count(*) FROM audit_subjects WHERE tenant_id = 'acme'"));
    }
}
