package dev.sluice.audit;

import java.nio.file.Path;

class SqliteAuditLogTest extends AbstractAuditLogTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.sqlite(dir, 5);
    }
}
