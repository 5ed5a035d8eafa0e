package dev.sluice.audit;

import java.nio.file.Path;

class SqliteAuditSnapshotTest extends AbstractAuditSnapshotTest {
    @Override
    AuditFixture open(Path dir) {
        return AuditFixture.sqlite(dir, 5);
    }
}
