package dev.sluice.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads a tenant's rows of a range of days page by page, by primary key, so that no result is
 * larger than a page: PostgreSQL's driver holds a whole result in memory (the store reads with
 * autocommit on), and a month of a busy tenant's rows can be a large one.
 */
final class KeyPages {

    /** One row of a page. */
    @FunctionalInterface
    interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private KeyPages() {
    }

    /**
     * Runs {@code sql} page after page and hands each row to {@code row}. Its parameters are the
     * tenant, the first and last day, then the key's columns (a row-value comparison {@code (key)
     * > (?, ...)}); {@code %d} is the page size; its first result columns are the key, in order,
     * and it is ordered by them. {@code start} is a key below every row of the range.
     */
    static void walk(Connection c, String sql, String tenant, long from, long to, Object[] start, int page, Row row)
            throws SQLException {
        Object[] key = start.clone();
        int rows;
        do {
            rows = 0;
            try (PreparedStatement ps = c.prepareStatement(sql.formatted(page))) {
                ps.setString(1, tenant);
                ps.setLong(2, from);
                ps.setLong(3, to);
                for (int i = 0; i < key.length; i++) {
                    ps.setObject(4 + i, key[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        for (int i = 0; i < key.length; i++) {
                            key[i] = rs.getObject(1 + i);
                        }
                        row.read(rs);
                    }
                }
            }
        } while (rows == page);
    }
}
