package dev.sluice.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The ledger suite on SQLite. */
final class SqliteLedgerTest extends AbstractLedgerTest {
    @Override
    LedgerDatabase createDatabase() {
        return LedgerDatabase.sqlite(tempDir);
    }

    /**
     * Each index on the ledger costs every entry it covers a write and every commit its last
     * pages in the log: the embedded store keeps the two its writer's queries need (refunds by
     * order, refund adjustments after a cursor) and none on the day (V34).
     */
    @Test
    void theEmbeddedLedgerKeepsOnlyTheIndexesItsQueriesUse() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tempDir.resolve("ledger.db"));
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_entries' ORDER BY name")) {
            List<String> indexes = new ArrayList<>();
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
            assertEquals(List.of("ledger_entries_order", "ledger_entries_refunds"), indexes);
        }
    }
}
