package dev.sluice.audit;

import java.nio.file.Path;

class PostgresAuditLogTest extends AbstractAuditLogTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.postgres(5);
    }
}
