package dev.sluice.audit;

import java.nio.file.Path;

class PostgresAuditSnapshotTest extends AbstractAuditSnapshotTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.postgres(5);
    }
}
